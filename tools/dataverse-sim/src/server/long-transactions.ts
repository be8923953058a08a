/**
 * Long transactions, for tests of watermark refreshes (research realworld-gaps W1): the service stamps `modifiedon`
 * (and `createdon`) when an operation starts, while its rows become visible to other readers only when its
 * transaction commits [inferred: SQL Server's read-committed isolation, under which Dataverse runs]. A transaction that
 * runs long therefore commits rows whose `modifiedon` is older than that of rows other writers committed meanwhile, and
 * a reader that keeps max(modifiedon) as its watermark never sees them. `holdNextWrite()` makes the next write request
 * such a transaction: it is stamped when it arrives, stays invisible (reads see the rows as they were) and is applied,
 * committed and answered when the test calls `commit()`.
 */

/** One write held open: `arrived` resolves once its request came in (and was stamped); `commit()` lets it finish. */
export interface LongTransaction {
    readonly arrived: Promise<void>;
    commit(): void;
}

/** What the listener keeps of a held write: when it began, and the wait for its commit. */
export interface HeldWrite {
    readonly startedAt: Date;
    readonly committed: Promise<void>;
}

interface Waiting {
    arrive(startedAt: Date): HeldWrite;
}

export class LongTransactions {
    private readonly waiting: Waiting[] = [];

    /** The next write request (any method but GET, a `$batch` included) becomes a long transaction. */
    holdNextWrite(): LongTransaction {
        let arrived!: () => void;
        let commit!: () => void;
        const arrival = new Promise<void>((resolve) => (arrived = resolve));
        const committed = new Promise<void>((resolve) => (commit = resolve));
        this.waiting.push({
            arrive: (startedAt) => {
                arrived();
                return { startedAt, committed };
            },
        });
        return { arrived: arrival, commit };
    }

    /** Called for each write request as it arrives: the hold it falls under, if one waits for a write. */
    take(method: string, startedAt: Date): HeldWrite | undefined {
        if (method === 'GET' || method === 'HEAD') return undefined;
        return this.waiting.shift()?.arrive(startedAt);
    }
}
