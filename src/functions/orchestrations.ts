/** Entry point: every orchestrator of the orchestration table, registered under its name (as the local host plays them). */
import * as df from 'durable-functions';
import { orchestrators } from '../orchestrators/index.js';

for (const [name, handler] of Object.entries(orchestrators)) df.app.orchestration(name, handler);
