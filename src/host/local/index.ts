/** The local durable host's public API, for the local runs port and the host's tests. */
export { LocalDurableHost, type HostStats, type LocalDurableHostOptions } from './host.js';
export type { ActivityContext, ActivityEvent, ActivityFunction } from './activity-runner.js';
export type { JournalPlacement } from './journal-store.js';
export {
    isTerminal,
    newestFirst,
    RuntimeStatus,
    selectStatuses,
    TERMINAL_STATUSES,
    type InstanceStatus,
    type ListFilter,
    type RunsPort,
    type StartOptions,
    type WaitOptions,
} from '../runs-port.js';
export { JournalError, journalFileName, readJournal, type JournalRecord } from './journal.js';
