/**
 * Entry point: every activity of the activity table, registered under its name, so the Functions host and the
 * local host dispatch the same functions. The table is built on the first invocation (it needs the run store's
 * settings, which indexing does not).
 */
import * as df from 'durable-functions';
import { ActivityName } from '../orchestrators/names.js';
import { appServices } from './runtime/app-services.js';

for (const name of Object.values(ActivityName))
    df.app.activity(name, { handler: (input: unknown) => appServices().activities[name](input) });
