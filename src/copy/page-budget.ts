/**
 * Bytes of page rows in flight, bounded across every page a process copies at once (issue 22: memory flat in the
 * data). The host bounds how many activities run; this bounds how much row data they hold, so a table of wide rows
 * (or a run large enough to fill every activity slot with pages) does not raise peak memory with its size. A page
 * reserves what its rows are expected to weigh before it reads them (the table's bytes per row seen so far, times
 * the rows it may hold), waits while the budget is spent, and corrects the reservation to the rows it read. A page
 * heavier than the whole budget runs alone rather than never. Waiters are served in arrival order.
 */
import type { Row } from '../dataverse/client-types.js';

/**
 * Row JSON a process holds for pages at once by default. 4 MB halved peak RSS growth in the bench but copied the
 * bench's 3 MB account pages one at a time (copy phase 19 s -> 70 s); real pages of 5,000 wide rows weigh 10-20 MB, so
 * a small budget would copy every table page by page. 32 MB keeps several such pages in flight (each costs about five
 * times its JSON in objects) and still bounds a run whose tables would fill every activity slot with pages.
 */
export const DEFAULT_PAGE_BYTES = 32 * 1024 * 1024;

/**
 * What a row of a table not read yet is assumed to weigh (JSON characters): generous, so the first pages of a table
 * whose rows are not measured yet hold a large share of the budget (a 5,000-row page about 20 MB of the default
 * 32 MB) and only a few of them start before one has measured the table.
 */
export const FIRST_ROW_BYTES = 4096;

/** A page's hold on the budget: corrected once its rows are read, released when the page is done. */
export interface PageReservation {
    readonly bytes: number;
    /** The rows this page read: the reservation becomes their weight, and the table's estimate learns it. */
    measured(rows: readonly Row[]): void;
    release(): void;
}

interface Waiter {
    bytes: number;
    grant: () => void;
}

/** The weight of rows as the budget counts it: their JSON text (what the service sent for them). */
export function rowBytes(rows: readonly Row[]): number {
    let bytes = 0;
    for (const row of rows) bytes += JSON.stringify(row).length;
    return bytes;
}

export class PageBudget {
    private held = 0;
    private readonly waiting: Waiter[] = [];
    /** Bytes per row of each table, as its last page measured them. */
    private readonly perRow = new Map<string, number>();
    peakHeld = 0;

    constructor(readonly limitBytes: number = DEFAULT_PAGE_BYTES) {
        if (!Number.isInteger(limitBytes) || limitBytes < 1)
            throw new RangeError(`a page budget must be a positive whole number of bytes (got ${limitBytes})`);
    }

    get heldBytes(): number {
        return this.held;
    }

    /** What a page of `rows` rows of `table` is expected to weigh. */
    estimate(table: string, rows: number): number {
        return Math.max(1, rows * (this.perRow.get(table) ?? FIRST_ROW_BYTES));
    }

    /**
     * Waits until `bytes` fit beside what other pages hold (or nothing is held), then holds them. An aborted
     * signal gives up the wait with the signal's reason.
     */
    async reserve(table: string, bytes: number, signal?: AbortSignal): Promise<PageReservation> {
        signal?.throwIfAborted();
        if (this.waiting.length > 0 || !this.fits(bytes)) await this.wait(bytes, signal);
        else this.take(bytes);
        let current = bytes;
        let released = false;
        return {
            get bytes() {
                return current;
            },
            measured: (rows) => {
                if (released) return;
                const actual = rowBytes(rows);
                if (rows.length > 0) this.perRow.set(table, actual / rows.length);
                this.held += actual - current;
                this.peakHeld = Math.max(this.peakHeld, this.held);
                current = actual;
                this.serve();
            },
            release: () => {
                if (released) return;
                released = true;
                this.held -= current;
                this.serve();
            },
        };
    }

    private fits(bytes: number): boolean {
        return this.held === 0 || this.held + bytes <= this.limitBytes;
    }

    private take(bytes: number): void {
        this.held += bytes;
        this.peakHeld = Math.max(this.peakHeld, this.held);
    }

    private wait(bytes: number, signal?: AbortSignal): Promise<void> {
        return new Promise<void>((resolve, reject) => {
            const waiter: Waiter = {
                bytes,
                grant: () => {
                    signal?.removeEventListener('abort', onAbort);
                    resolve();
                },
            };
            const onAbort = () => {
                const i = this.waiting.indexOf(waiter);
                if (i >= 0) this.waiting.splice(i, 1);
                reject(signal?.reason instanceof Error ? signal.reason : new Error('the page was aborted'));
                this.serve();
            };
            signal?.addEventListener('abort', onAbort, { once: true });
            this.waiting.push(waiter);
        });
    }

    /** Grants waiters in order while the first fits. */
    private serve(): void {
        while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
            const next = this.waiting.shift()!;
            this.take(next.bytes);
            next.grant();
        }
    }
}
