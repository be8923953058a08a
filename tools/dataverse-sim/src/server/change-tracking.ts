/**
 * Change tracking's delta side (research §6, use-change-tracking docs): delta tokens `<version>!<MM/dd/yyyy HH:mm:ss>`,
 * the changes since a token (new or updated rows by version, then deletions), paged like any collection when they
 * exceed the page size (`@odata.nextLink` until the last page brings the new `@odata.deltaLink`), and tokens older
 * than the organization's `expirechangetrackingindays` (default 7) refused with ExpiredVersionStamp, as are tokens
 * issued before a test invalidated them (`invalidate`, as a metadata change does on the service).
 */
import { DEFAULT_TRACKING_DAYS } from '../data/system-rows.js';
import { ErrorCodes, SimError } from '../errors.js';
import type { SimRow, SimTable } from '../model.js';
import type { SimClock } from './sim-clock.js';
import type { Store } from './store.js';
import { VERSION_FIELD } from './store.js';

const DAY_MS = 86_400_000;
const EXPIRED_MESSAGE = 'Version stamp associated with the client has expired. Please perform a full sync.';
/** `$skiptoken` of a delta page: the snapshot version, the phase (c = changed rows, d = deletions) and a cursor. */
const DELTA_PAGE = /^dt(\d+)\.([cd])\.(\d+)$/;

/** One entry of a delta: a row as stored, or the id of a deleted row. */
export type DeltaItem = { row: SimRow } | { deleted: string };

export interface DeltaPage {
    items: DeltaItem[];
    /** The version the new deltaLink starts from (the snapshot of the first page). */
    snapshot: number;
    /** The `$skiptoken` of the next page; absent on the last page. */
    next?: string;
}

/**
 * Tokens issued before now are refused (of one table, a logical name, or of all). The service refuses tokens after
 * metadata changes and maintenance, with ExpiredVersionStamp as far as is known (a public sync client's comment: "If
 * entity metadata has changed we get an error: Version stamp associated with the client has expired. Please perform a
 * full sync.", DFE-Digital/teaching-record-system CrmEntityChangesService.cs; for schema changes the powerapps-docs
 * caching article, "Manage expired cache", says ExpiredVersionStamp "will be thrown when any changes on the server
 * affect accurately tracking deleted schema data"). `answer` stands for an answer not documented.
 */
export interface DeltaInvalidation {
    table?: string;
    answer?: { status: number; code: string; message: string };
}

interface Cursor {
    phase: 'c' | 'd';
    after: number;
}

export class ChangeTracking {
    /** Invalidations in order: tokens of a version below `before` are refused with the answer. */
    private readonly invalidations: Array<{ before: number; table?: string; error: SimError }> = [];

    constructor(
        private readonly store: Store,
        private readonly clock: SimClock,
    ) {}

    /** From now on, refuses the tokens issued so far (see DeltaInvalidation). */
    invalidate(invalidation: DeltaInvalidation = {}): void {
        const { table, answer } = invalidation;
        if (answer && !(answer.status >= 400 && answer.status < 500))
            throw new RangeError(`invalidateDeltaTokens: the answer must be a 4xx, got ${answer.status}`);
        const error = answer
            ? new SimError(answer.status, answer.code, answer.message)
            : new SimError(400, ErrorCodes.ExpiredVersionStamp, EXPIRED_MESSAGE);
        // A version of its own, so that a token issued right after is newer than the invalidation.
        this.invalidations.push({ before: this.store.nextVersion(), ...(table ? { table } : {}), error });
    }

    /** A token for the current moment at `version` (the stamp is what expiry is measured against). */
    token(version: number): string {
        const d = this.clock.now();
        const pad = (n: number) => String(n).padStart(2, '0');
        const stamp = `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
        return `${version}!${stamp}`;
    }

    /** One page of the changes since `token`; `skipToken` continues a delta that paged. */
    page(table: SimTable, token: string, skipToken: string | undefined, pageSize: number): DeltaPage {
        const since = this.checkToken(table, token);
        let snapshot = this.store.currentVersion;
        let cursor: Cursor = { phase: 'c', after: since };
        if (skipToken !== undefined) {
            const m = DELTA_PAGE.exec(skipToken);
            if (!m) throw new SimError(400, ErrorCodes.InvalidArgument, `The skip token '${skipToken}' is not valid.`);
            snapshot = Number(m[1]);
            cursor = { phase: m[2] as 'c' | 'd', after: Number(m[3]) };
        }
        const items: DeltaItem[] = [];
        let last = cursor;
        if (cursor.phase === 'c') {
            // One more than the page holds: the page is full only when a further change follows.
            for (const row of this.changedRows(table, cursor.after, snapshot, pageSize + 1)) {
                if (items.length === pageSize) return this.more(items, snapshot, last);
                items.push({ row });
                last = { phase: 'c', after: row[VERSION_FIELD] as number };
            }
            last = { phase: 'd', after: since };
        }
        for (const tomb of this.deletions(table, last.after, snapshot)) {
            if (items.length === pageSize) return this.more(items, snapshot, last);
            items.push({ deleted: tomb.id });
            last = { phase: 'd', after: tomb.version };
        }
        return { items, snapshot };
    }

    /** The number of changes since `token` (`GET <set>/$count?$deltatoken=`). */
    count(table: SimTable, token: string): number {
        const since = this.checkToken(table, token);
        const now = this.store.currentVersion;
        let n = 0;
        for (const row of this.store.tableStore(table.logicalName).rows.values()) {
            const v = row[VERSION_FIELD] as number;
            if (v > since && v <= now) n++;
        }
        for (const _tomb of this.deletions(table, since, now)) n++;
        return n;
    }

    private more(items: DeltaItem[], snapshot: number, cursor: Cursor): DeltaPage {
        return { items, snapshot, next: `dt${snapshot}.${cursor.phase}.${cursor.after}` };
    }

    /**
     * The first `limit` rows written after `after` up to the snapshot, in version order. Once `limit` rows are held
     * only rows older than the newest of them are kept, so a page costs one pass over the table and never sorts
     * all the changes left (which made paging a large delta quadratic).
     */
    private changedRows(table: SimTable, after: number, snapshot: number, limit: number): SimRow[] {
        const version = (row: SimRow): number => row[VERSION_FIELD] as number;
        const held: SimRow[] = [];
        let newest = Number.POSITIVE_INFINITY;
        const trim = (): void => {
            held.sort((a, b) => version(a) - version(b));
            if (held.length > limit) held.length = limit;
            if (held.length === limit) newest = version(held[limit - 1]!);
        };
        for (const row of this.store.tableStore(table.logicalName).rows.values()) {
            const v = version(row);
            if (v <= after || v > snapshot || v >= newest) continue;
            held.push(row);
            if (held.length >= limit * 2) trim();
        }
        trim();
        return held;
    }

    /** Rows deleted after `after` up to the snapshot and not re-created since (tombstones are in version order). */
    private *deletions(table: SimTable, after: number, snapshot: number): Generator<{ id: string; version: number }> {
        const ts = this.store.tableStore(table.logicalName);
        for (const tomb of ts.tombstones)
            if (tomb.version > after && tomb.version <= snapshot && !ts.rows.has(tomb.id)) yield tomb;
    }

    /** The token's version, after refusing a malformed token or one older than the retention. */
    private checkToken(table: SimTable, token: string): number {
        if (!table.changeTracking) throw changeTrackingDisabled(table.logicalName);
        const m = /^(\d+)!(\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d):(\d\d)$/.exec(token);
        const since = m ? Number(m[1]) : Number.NaN;
        if (!m || since > this.store.currentVersion) {
            throw new SimError(400, ErrorCodes.InvalidArgument, `The delta token '${token}' is not valid.`);
        }
        const issued = Date.UTC(Number(m[4]), Number(m[2]) - 1, Number(m[3]), Number(m[5]), Number(m[6]), Number(m[7]));
        if (this.clock.now().getTime() - issued > this.retentionDays() * DAY_MS) {
            // ExpiredVersionStamp (0x80044352) with the message of the Web service error codes reference.
            throw new SimError(400, ErrorCodes.ExpiredVersionStamp, EXPIRED_MESSAGE);
        }
        const invalidated = this.invalidations.find(
            (i) => since < i.before && (i.table === undefined || i.table === table.logicalName),
        );
        if (invalidated) throw invalidated.error;
        return since;
    }

    /** Organization.ExpireChangeTrackingInDays, read per request so that tests can change it. */
    private retentionDays(): number {
        const org = this.store.tables.get('organization')?.rows.values().next().value;
        const days = org?.expirechangetrackingindays;
        return typeof days === 'number' && days > 0 ? days : DEFAULT_TRACKING_DAYS;
    }
}

export function changeTrackingDisabled(logicalName: string): SimError {
    return new SimError(
        400,
        ErrorCodes.InvalidArgument,
        `Change tracking is not enabled for the entity '${logicalName}'.`,
    );
}
