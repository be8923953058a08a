/**
 * The unbound function `RetrieveTotalRecordCount(EntityNames=[...])` (research §1.1): rows per table "from a snapshot
 * within the last 24 hours", not a count at the moment of the call. The environment keeps one snapshot of every
 * table's row count, taken at load and taken again by the first call that finds it 24 hours (of the environment's
 * clock) old, so rows written since the snapshot are not counted until then, as on the service.
 */
import { ErrorCodes, SimError, unknownSegment } from '../errors.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { jsonResponse } from './http-types.js';
import { methodNotAllowed } from './route-errors.js';
import type { SimClock } from './sim-clock.js';
import type { Store } from './store.js';

export const RECORD_COUNT_FUNCTION = 'RetrieveTotalRecordCount';

/** How old a snapshot may be before a call takes a new one ("a snapshot within the last 24 hours"). */
export const RECORD_COUNT_SNAPSHOT_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * Whether the environment answers the function: `available` (default); `missing`, as an environment without it
 * answers an unknown segment (404); `denied`, as for a caller without the privilege (403).
 */
export type RecordCountMode = 'available' | 'missing' | 'denied';

interface Snapshot {
    takenAt: number;
    counts: Map<string, number>;
}

export class RecordCounts {
    private snapshot: Snapshot;

    constructor(
        private readonly store: Store,
        private readonly clock: SimClock,
        private readonly mode: RecordCountMode = 'available',
    ) {
        this.snapshot = this.take();
    }

    /** True when the path addresses the function (`RetrieveTotalRecordCount(...)`); names are case-sensitive. */
    static addresses(rest: string): boolean {
        return rest.startsWith(`${RECORD_COUNT_FUNCTION}(`) && rest.endsWith(')');
    }

    handle(req: SimRequest, rest: string, base: string): SimResponse {
        if (this.mode === 'missing') throw unknownSegment(RECORD_COUNT_FUNCTION);
        if (req.method !== 'GET') throw methodNotAllowed(req.method); // a function is called with GET
        if (this.mode === 'denied') {
            // PrivilegeDenied (Web service error codes) with the status research §7 gives privilege errors.
            throw new SimError(403, ErrorCodes.PrivilegeDenied, 'The user does not hold the necessary privileges.');
        }
        const names = entityNames(rest, req.url.searchParams);
        const now = this.clock.now().getTime();
        if (now - this.snapshot.takenAt >= RECORD_COUNT_SNAPSHOT_MAX_AGE_MS) this.snapshot = this.take(now);
        const keys: string[] = [];
        const values: number[] = [];
        for (const name of names) {
            // A table created after the snapshot (metadata writes) has no rows counted yet [inferred].
            const count = this.snapshot.counts.get(name) ?? (this.store.tables.has(name) ? 0 : undefined);
            if (count === undefined) throw noEntity(name);
            if (keys.includes(name)) continue; // the response is a dictionary: one entry a table
            keys.push(name);
            values.push(count);
        }
        return jsonResponse(200, {
            '@odata.context': `${base}$metadata#Microsoft.Dynamics.CRM.RetrieveTotalRecordCountResponse`,
            EntityRecordCountCollection: { Count: keys.length, IsReadOnly: false, Keys: keys, Values: values },
        });
    }

    private take(at = this.clock.now().getTime()): Snapshot {
        const counts = new Map<string, number>();
        for (const [name, table] of this.store.tables) counts.set(name, table.size);
        return { takenAt: at, counts };
    }
}

/**
 * `EntityNames=['account','contact']` inline, or `EntityNames=@p1` with `?@p1=["account"]` (the documentation's
 * sample sends the alias as JSON, with double quotes): a collection literal of quoted strings.
 */
function entityNames(rest: string, query: URLSearchParams): string[] {
    const inside = decodeURIComponent(rest.slice(RECORD_COUNT_FUNCTION.length + 1, -1)).trim();
    const match = /^EntityNames\s*=\s*(.+)$/s.exec(inside);
    if (!match) throw missingParameter();
    let literal = match[1]!.trim();
    if (literal.startsWith('@')) {
        const aliased = query.get(literal);
        if (aliased === null) throw missingParameter();
        literal = aliased.trim();
    }
    return collectionLiteral(literal);
}

function collectionLiteral(text: string): string[] {
    if (!text.startsWith('[') || !text.endsWith(']')) throw badLiteral(text);
    const body = text.slice(1, -1).trim();
    if (body === '') return [];
    const names: string[] = [];
    let i = 0;
    while (i < body.length) {
        const quote = body[i];
        if (quote !== "'" && quote !== '"') throw badLiteral(text);
        let value = '';
        let j = i + 1;
        for (; j < body.length; j++) {
            const ch = body[j]!;
            if (ch !== quote) {
                value += ch;
                continue;
            }
            // OData doubles a single quote inside a single-quoted string; JSON escapes are not needed for names.
            if (quote === "'" && body[j + 1] === "'") {
                value += "'";
                j++;
                continue;
            }
            break;
        }
        if (j >= body.length) throw badLiteral(text);
        names.push(value);
        i = j + 1;
        while (body[i] === ' ') i++;
        if (i >= body.length) break;
        if (body[i] !== ',') throw badLiteral(text);
        i++;
        while (body[i] === ' ') i++;
    }
    return names;
}

function missingParameter(): SimError {
    return new SimError(
        400,
        ErrorCodes.ODataParse,
        `The parameter 'EntityNames' of the function '${RECORD_COUNT_FUNCTION}' is missing.`,
    );
}

function badLiteral(text: string): SimError {
    return new SimError(
        400,
        ErrorCodes.ODataParse,
        `The parameter 'EntityNames' of the function '${RECORD_COUNT_FUNCTION}' is not a collection of strings: ${text}`,
    );
}

/** QueryBuilderNoEntity (Web service error codes); the wording is the metadata cache's (see the README). */
function noEntity(name: string): SimError {
    return new SimError(
        400,
        ErrorCodes.QueryBuilderNoEntity,
        `The entity with a name = '${name}' with namemapping = 'Logical' was not found in the MetadataCache.`,
    );
}
