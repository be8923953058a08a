/**
 * Entry point: every activity of the activity table, registered under its name, so the Functions host and the
 * local host dispatch the same functions. The table is built on the first invocation (it needs the run store's
 * settings, which indexing does not). The Node.js worker gives an activity no cancellation signal: a stopped
 * instance's activities run to their end, as they do on any Durable host.
 */
import * as df from 'durable-functions';
import { ACTIVITY_NAMES } from '../activities/contract.js';
import { appServices } from './runtime/app-services.js';

for (const name of ACTIVITY_NAMES)
    df.app.activity(name, { handler: (input: unknown) => appServices().activities[name](input, {}) });
