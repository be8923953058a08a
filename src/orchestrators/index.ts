/**
 * The orchestration table: every orchestrator by name. The Functions app registers each entry with
 * `df.app.orchestration`; the local host plays them through the SDK. Nothing here registers anything,
 * so the CLI and the tests can import it.
 */
import type { OrchestrationHandler } from 'durable-functions';
import { migrationRun } from './migration-run.js';
import { OrchestratorName, type OrchestratorNameValue } from './names.js';
import { pageBatch } from './page-batch.js';
import { relationshipCopy } from './relationship-copy.js';
import { tableCopy } from './table-copy.js';
import { tableFollowUp } from './table-follow-up.js';
import { tablePhase } from './table-phase.js';

export const orchestrators: Record<OrchestratorNameValue, OrchestrationHandler> = {
    [OrchestratorName.run]: migrationRun,
    [OrchestratorName.tableCopy]: tableCopy,
    [OrchestratorName.tablePhase]: tablePhase,
    [OrchestratorName.tableFollowUp]: tableFollowUp,
    [OrchestratorName.relationshipCopy]: relationshipCopy,
    [OrchestratorName.pageBatch]: pageBatch,
};

export { OrchestratorName } from './names.js';
export type * from './contracts.js';
