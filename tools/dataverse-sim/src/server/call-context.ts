/** What one request carries through the service: who calls, the work it did (for the gate), its `$batch` state. */
import type { SimError } from '../errors.js';
import type { WriteFootprint } from '../gate/index.js';
import type { WriteContext } from './writer.js';

/** Rows the request read and wrote; the gate charges execution time by them. */
export interface Work {
    rowsRead: number;
    rowsWritten: number;
}

export interface CallContext extends WriteContext {
    work: Work;
    inBatch?: boolean;
    /** Asked before each write (a `$batch` part, a bulk action): the SQL error that rolls it back, if any. */
    databaseFault?: (write: WriteFootprint) => SimError | undefined;
}

/** A call routed to an entity set, with the service root it was addressed under. */
export interface RouteContext extends WriteContext {
    /** Service root, `http://127.0.0.1:N/api/data/v9.2/`. */
    base: string;
    work: Work;
    inBatch: boolean;
}
