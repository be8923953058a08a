/**
 * Seeded SQL timeouts and deadlocks of writes, answered as Dataverse answers them. A write is one transaction on one
 * table: a bulk action's Targets, or one row (a single write, one `$batch` part). A SQL timeout is likelier the more
 * rows the transaction holds; a deadlock needs another writer, so it is likelier the more other writes of the same
 * table are in flight. Either rolls the transaction back: the write does not happen (standard tables roll a whole
 * request back on any error, research §3.2). Drawn from a stream of their own, so that configs without these classes
 * replay exactly as before they existed.
 *
 * The answers (README "Faults", with sources): HTTP 500 [inferred], the code of the error code list, the message of
 * Microsoft's "Troubleshoot Dataverse bulk operation errors" article.
 */
import { ErrorCodes, SimError } from '../errors.js';
import { Prng } from '../prng.js';
import { DEFAULT_SQL_TIMEOUT_MIN_ROWS, DEFAULT_TRANSACTION_ABORTED_SHARE, type FaultsConfig } from './faults-config.js';

/** What a write touches: the table's logical name and how many rows the transaction holds. */
export interface WriteFootprint {
    table: string;
    rows: number;
}

export type DatabaseFaultKind = 'sqlTimeout' | 'deadlock';

/** The status the service answers SQL errors with. [inferred: no page states it; captured deadlocks were 500] */
const SQL_ERROR_STATUS = 500;

/** "Sql error: SQL timeout expired": Sql Number -2 is SqlClient's timeout. */
export const SQL_TIMEOUT_MESSAGE =
    'Sql error: SQL timeout expired. CRM ErrorCode: -2147204783 Sql ErrorCode: -2146232060 Sql Number: -2';
/** "Sql error: Generic SQL error" with Sql Number 1205: SQL Server chose this transaction as the deadlock victim. */
export const DEADLOCK_MESSAGE =
    'Sql error: Generic SQL error. CRM ErrorCode: -2147204784 Sql ErrorCode: -2146232060 Sql Number: 1205';
/** The form the platform reports when a deadlock was swallowed before the commit (verbatim). */
export const TRANSACTION_ABORTED_MESSAGE =
    'The transaction of the SQL command has already been rolled back or committed; this is usually caused by a swallowed SQL deadlock exception.';

export class DatabaseFaults {
    private readonly rng: Prng;
    /** Writes that ran, per table: the request that made them and the real ms when it lets go of the table. */
    private readonly writers = new Map<string, Map<object, number>>();
    /** The tables each request holds, to release them when its response is due. */
    private readonly held = new Map<object, Set<string>>();

    constructor(
        private readonly config: Pick<FaultsConfig, 'seed' | 'sqlTimeout' | 'deadlock'>,
        /** Real epoch ms. */
        private readonly now: () => number,
    ) {
        this.rng = new Prng(`${config.seed}:database`);
    }

    /** Whether any database fault class is configured. */
    get enabled(): boolean {
        return this.config.sqlTimeout !== undefined || this.config.deadlock !== undefined;
    }

    /**
     * A write of `request` is about to run: the fault that rolls it back, or undefined and the write runs, holding its
     * table until `release`. `draw: false` (the request already has a fault) only records the write.
     */
    write(
        request: object,
        write: WriteFootprint,
        draw: boolean,
    ): { kind: DatabaseFaultKind; error: SimError } | undefined {
        if (draw && this.enabled) {
            const timeout = this.timeoutChance(write.rows);
            const deadlock = this.deadlockChance(this.otherWriters(request, write.table));
            const u = timeout > 0 || deadlock > 0 ? this.rng.next() : 1;
            if (u < timeout) return { kind: 'sqlTimeout', error: sqlError(ErrorCodes.SqlTimeout, SQL_TIMEOUT_MESSAGE) };
            // A rolled-back transaction releases its locks: the victim is not recorded as a writer.
            if (u < timeout + (1 - timeout) * deadlock) return { kind: 'deadlock', error: this.deadlockError() };
        }
        this.hold(request, write.table);
        return undefined;
    }

    /** The response of `request` is due at real ms `at`: its tables are free from then on. */
    release(request: object, at: number): void {
        const tables = this.held.get(request);
        if (!tables) return;
        this.held.delete(request);
        for (const table of tables) this.writers.get(table)?.set(request, at);
    }

    /** Writes of `table` by other requests whose responses are not due yet. */
    otherWriters(request: object, table: string): number {
        const writers = this.writers.get(table);
        if (!writers) return 0;
        const now = this.now();
        let count = 0;
        for (const [other, until] of writers) {
            if (until <= now) writers.delete(other);
            else if (other !== request) count++;
        }
        return count;
    }

    private timeoutChance(rows: number): number {
        const c = this.config.sqlTimeout;
        if (!c || rows < (c.minRows ?? DEFAULT_SQL_TIMEOUT_MIN_ROWS)) return 0;
        return 1 - (1 - c.ratePerRow) ** rows;
    }

    private deadlockChance(others: number): number {
        const c = this.config.deadlock;
        return c && others > 0 ? 1 - (1 - c.ratePerConcurrentWriter) ** others : 0;
    }

    private deadlockError(): SimError {
        const share = this.config.deadlock?.transactionAbortedShare ?? DEFAULT_TRANSACTION_ABORTED_SHARE;
        return this.rng.chance(share)
            ? sqlError(ErrorCodes.TransactionAborted, TRANSACTION_ABORTED_MESSAGE)
            : sqlError(ErrorCodes.SqlError, DEADLOCK_MESSAGE);
    }

    private hold(request: object, table: string): void {
        let writers = this.writers.get(table);
        if (!writers) this.writers.set(table, (writers = new Map<object, number>()));
        writers.set(request, Number.POSITIVE_INFINITY);
        let tables = this.held.get(request);
        if (!tables) this.held.set(request, (tables = new Set<string>()));
        tables.add(table);
    }
}

function sqlError(code: string, message: string): SimError {
    return new SimError(SQL_ERROR_STATUS, code, message);
}
