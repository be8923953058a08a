/**
 * Party lists of activities (email from/to/cc/bcc, appointment attendees, phone call from/to), as the Web API shows
 * them: rows of `activityparty` written only with their activity, as the `<activity>_activity_parties` collection of a
 * create or update, and read back with `$expand=<activity>_activity_parties`.
 *
 * Sources: "Activity Party (ActivityParty) table/entity reference" (MicrosoftDocs/powerapps-docs,
 * reference/entities/activityparty.md): the only message is RetrieveMultiple (`GET activityparties`); its writable
 * columns are ActivityId, PartyId, ParticipationTypeMask, AddressUsed, ...; "ActivityParty table"
 * (activityparty-entity.md) for the ParticipationTypeMask values. [inferred] The payload shape
 * (`participationtypemask`, `partyid_<table>@odata.bind`, `addressused` alone for an address no record has), that an
 * update's collection replaces every party of the activity, and the status and code of the refusals below: no page
 * gives them; the direct write's refusal is the message the SDK gives for a message a table lacks.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCodes, SimError } from '../errors.js';
import type { SimRow } from '../model.js';
import { isLookupValue } from '../model.js';
import type { TableInfo } from './schema-index.js';
import type { SchemaIndex } from './schema-index.js';
import type { RowSerializer } from './serialize.js';
import type { Store } from './store.js';
import type { Mode, WriteContext, WriteExtension, Writer } from './writer.js';
import { invalidProperty } from './writer.js';
import { PARTICIPATION_MASKS } from '../data/participation.js';

export const PARTY_TABLE = 'activityparty';
const BIND = /^partyid_(.+)@odata\.bind$/;
/** Columns of a party in the collection, besides its partyid bind. */
const PARTY_COLUMNS = new Set(['participationtypemask', 'addressused']);

/** The most rows a single-level `$expand` of a collection-valued navigation property returns per row. */
export const EXPANDED_COLLECTION_LIMIT = 5000;

/** The collection-valued navigation property of an activity's parties (`email_activity_parties`). */
export function partiesNavigation(activity: string): string {
    return `${activity}_activity_parties`;
}

/** Writes and reads of party lists; one per environment. */
export class ActivityParties implements WriteExtension {
    /** activity id -> its activityparty ids (built from the store on first use). */
    private byActivity: Map<string, string[]> | undefined;

    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
        private readonly writer: Writer,
    ) {}

    /** True when the table has party lists (and so a parties collection). */
    hasParties(info: TableInfo): boolean {
        return (
            info.table.isActivity === true &&
            this.schema.table(PARTY_TABLE) !== undefined &&
            info.table.attributes.some((a) => a.type === 'PartyList')
        );
    }

    take(info: TableInfo, body: Record<string, unknown>, _mode: Mode, ctx: WriteContext) {
        if (info.table.logicalName === PARTY_TABLE) throw directWrite(_mode === 'create' ? 'Create' : 'Update');
        const nav = partiesNavigation(info.table.logicalName);
        if (!(nav in body) || !this.hasParties(info)) return undefined;
        const value = body[nav];
        delete body[nav];
        if (!Array.isArray(value)) throw badParties(nav, 'must be an array of activity parties');
        const masks = this.masksOf(info);
        const parties = value.map((item, i) => this.party(item, `${nav}[${i}]`, masks, ctx));
        return (id: string) => this.replace(info, id, parties);
    }

    beforeDelete(info: TableInfo, id: string): void {
        if (info.table.logicalName === PARTY_TABLE) throw directWrite('Delete');
        if (!this.hasParties(info)) return;
        for (const partyId of this.index().get(id) ?? []) this.store.delete(PARTY_TABLE, partyId);
        this.index().delete(id);
    }

    /** The parties of an activity, in the order they were written. */
    partiesOf(activityId: string): SimRow[] {
        return (this.index().get(activityId) ?? [])
            .map((id) => this.store.get(PARTY_TABLE, id))
            .filter((r): r is SimRow => r !== undefined);
    }

    /**
     * `$expand=<activity>_activity_parties` (optionally with `($select=...)`): removes it from the query and returns
     * what adds the collection to each serialized row; undefined when the query expands nothing of ours. The request's
     * `odata.include-annotations` apply to the expanded parties too (`_partyid_value@Microsoft.Dynamics.CRM.lookuplogicalname`
     * names the party's table), as to any expanded row ("Query data using the Web API", lookup property annotations).
     */
    takeExpand(
        info: TableInfo,
        params: URLSearchParams,
        serializer: RowSerializer,
        annotations?: string[],
    ): ((row: SimRow, out: Record<string, unknown>) => void) | undefined {
        const expand = params.get('$expand');
        if (expand === null || !this.hasParties(info)) return undefined;
        const nav = partiesNavigation(info.table.logicalName);
        const m = new RegExp(`^${nav}(?:\\(\\$select=([a-z0-9_,]+)\\))?$`).exec(expand.trim());
        if (!m) return undefined;
        params.delete('$expand');
        const partyInfo = this.schema.table(PARTY_TABLE)!;
        const select = m[1]?.split(',');
        const serialize = serializer.forRows(partyInfo, select, annotations);
        const pk = info.table.primaryIdAttribute;
        return (row, out) => {
            // join-tables.md "Single $expand on collection-valued navigation properties": "no paging is applied to the
            // expanded records, up to 5,000 related records can be returned for each expanded collection-valued
            // navigation property"; the rest only by a query of the related set (activityparties, RetrieveMultiple).
            out[nav] = this.partiesOf(row[pk] as string)
                .slice(0, EXPANDED_COLLECTION_LIMIT)
                .map(serialize);
        };
    }

    private masksOf(info: TableInfo): Set<number> {
        // Every party list column of the table has its mask; the masks a table's lists have are the ones it takes.
        const masks = new Set<number>();
        for (const a of info.table.attributes) {
            const mask = a.type === 'PartyList' ? LIST_MASKS[a.logicalName] : undefined;
            if (mask !== undefined) masks.add(mask);
        }
        return masks;
    }

    private party(item: unknown, where: string, masks: Set<number>, ctx: WriteContext): SimRow {
        if (item === null || typeof item !== 'object' || Array.isArray(item))
            throw badParties(where, 'must be an activity party object');
        const row: SimRow = {};
        let bound = false;
        for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
            const bind = BIND.exec(key);
            if (bind) {
                if (typeof value !== 'string') throw badParties(`${where}.${key}`, 'must be an entity URL');
                const target = this.writer.resolveExisting(value, ctx);
                const table = target.info.table.logicalName;
                const allowed = this.schema.table(PARTY_TABLE)!.attributes.get('partyid')?.targets ?? [];
                if (table !== bind[1] || !allowed.includes(table))
                    throw badParties(`${where}.${key}`, `cannot refer to a '${table}'`);
                row.partyid = { id: target.id, table };
                bound = true;
                continue;
            }
            if (key.startsWith('@')) continue;
            if (!PARTY_COLUMNS.has(key)) throw invalidProperty(key, PARTY_TABLE);
            if (key === 'participationtypemask') {
                if (typeof value !== 'number' || !masks.has(value))
                    throw badParties(
                        `${where}.participationtypemask`,
                        `${JSON.stringify(value)} is not a party list of this activity (accepted: ${[...masks].join(',')})`,
                    );
                row.participationtypemask = value;
            } else {
                if (value !== null && (typeof value !== 'string' || value.length > 200))
                    throw badParties(`${where}.addressused`, 'must be a string of at most 200 characters');
                row.addressused = value;
            }
        }
        if (row.participationtypemask === undefined) throw badParties(where, "needs a 'participationtypemask'");
        if (!bound && (typeof row.addressused !== 'string' || row.addressused === ''))
            throw badParties(where, "needs a 'partyid_<table>@odata.bind' or an 'addressused'");
        if (!bound) row.partyid = null;
        return row;
    }

    /** The activity's parties become exactly `parties` (an update's collection replaces the list). */
    private replace(info: TableInfo, id: string, parties: SimRow[]): void {
        const index = this.index();
        for (const old of index.get(id) ?? []) this.store.delete(PARTY_TABLE, old);
        const ids: string[] = [];
        for (const p of parties) {
            const partyId = randomUUID();
            this.store.insert(PARTY_TABLE, {
                activitypartyid: partyId,
                activityid: { id, table: info.table.logicalName },
                addressused: null,
                ...p,
            });
            ids.push(partyId);
        }
        index.set(id, ids);
    }

    private index(): Map<string, string[]> {
        if (this.byActivity) return this.byActivity;
        const map = new Map<string, string[]>();
        const ts = this.store.tables.get(PARTY_TABLE);
        for (const row of ts ? ts.scan() : []) {
            const activity = row.activityid;
            if (!isLookupValue(activity)) continue;
            const list = map.get(activity.id) ?? [];
            list.push(row.activitypartyid as string);
            map.set(activity.id, list);
        }
        this.byActivity = map;
        return map;
    }
}

const LIST_MASKS = PARTICIPATION_MASKS;

/** activityparty has no Create, Update or Delete message (only RetrieveMultiple). */
function directWrite(message: string): SimError {
    return new SimError(
        400,
        ErrorCodes.InvalidArgument,
        `The '${message}' method does not support entities of type '${PARTY_TABLE}'. MessageProcessorCache returned MessageProcessor.Empty.`,
    );
}

function badParties(where: string, problem: string): SimError {
    return new SimError(400, ErrorCodes.InvalidArgument, `Invalid activity party '${where}': ${problem}.`);
}
