/**
 * The message catalogue a client reads to learn which tables take which message: `sdkmessages` (one row per message)
 * and `sdkmessagefilters` (one row per message and table, `primaryobjecttypecode` the table's logical name), read-only,
 * built from the schema. A table has filters for Create, Update, Delete, Upsert and RetrieveMultiple, and for
 * CreateMultiple, UpdateMultiple and UpsertMultiple exactly when the bulk actions accept it (data-bulk.ts), so the
 * documented availability query answers as the actions behave: "Use bulk operation messages", Availability with
 * standard tables, Web API tab:
 * `sdkmessagefilters?$select=sdkmessagefilterid&$filter=sdkmessageid/name eq @message and primaryobjecttypecode eq
 * @table&@message='CreateMultiple'&@table='sample_example'` answers one row when the table supports the message, else
 * an empty `value`. DeleteMultiple has no filter (elastic tables only, which the simulator does not model).
 *
 * Served: GET of the collection with `$select`, `$filter` (aliases; the one navigation path `sdkmessageid/name`) and
 * `$top`. Other paths through the lookup, other methods and single rows are refused (simulator limitations).
 */
import { createHash } from 'node:crypto';
import { ErrorCodes, SimError } from '../errors.js';
import type { SimTable } from '../model.js';
import { fixedListing } from './fixed-listing.js';
import { supportsBulkActions } from './data-bulk.js';
import type { SimRequest, SimResponse } from './http-types.js';
import type { PathSegment } from './resource-path.js';
import { methodNotAllowed, notFound } from './route-errors.js';
import type { SchemaIndex } from './schema-index.js';

const SINGLE_MESSAGES = ['Create', 'Update', 'Delete', 'Upsert', 'RetrieveMultiple'] as const;
const BULK_MESSAGES = ['CreateMultiple', 'UpdateMultiple', 'UpsertMultiple'] as const;
const MESSAGES = [...SINGLE_MESSAGES, ...BULK_MESSAGES, 'DeleteMultiple', 'Associate', 'Disassociate'] as const;

type Row = Record<string, unknown>;

/** A stable GUID for a catalogue row (the same in every environment, as message ids are). */
function stableGuid(text: string): string {
    const h = createHash('sha256').update(text).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class SdkMessages {
    static readonly SETS = new Set(['sdkmessages', 'sdkmessagefilters']);
    private readonly messages: Row[];
    private readonly messageNames = new Map<string, string>();

    constructor(private readonly schema: SchemaIndex) {
        this.messages = MESSAGES.map((name) => {
            const id = stableGuid(`sdkmessage:${name}`);
            this.messageNames.set(id, name);
            return { sdkmessageid: id, name, isprivate: false, isvalidforexecuteasync: false };
        });
    }

    handle(req: SimRequest, segments: PathSegment[], base: string): SimResponse {
        const [head, second] = segments;
        if (!head || head.key || second) throw notFound(req);
        if (req.method !== 'GET') throw methodNotAllowed(req.method);
        const isFilters = head.name === 'sdkmessagefilters';
        const type = isFilters ? 'sdkmessagefilter' : 'sdkmessage';
        const rows = isFilters ? this.filters() : this.messages;
        const params = req.url.searchParams;
        return fixedListing(params, head.name, rows, (row, property) => this.resolve(type, row, property), base, {
            allowPaths: true,
        });
    }

    /** One filter per message a table takes. */
    private filters(): Row[] {
        const rows: Row[] = [];
        for (const info of this.schema.tables.values()) {
            const table: SimTable = info.table;
            if (table.isIntersect) continue;
            const names = [...SINGLE_MESSAGES, ...(supportsBulkActions(table) ? BULK_MESSAGES : [])];
            for (const name of names) {
                const message = this.messages.find((m) => m.name === name)!;
                rows.push({
                    sdkmessagefilterid: stableGuid(`sdkmessagefilter:${name}:${table.logicalName}`),
                    _sdkmessageid_value: message.sdkmessageid,
                    primaryobjecttypecode: table.logicalName,
                    secondaryobjecttypecode: 'none',
                    iscustomprocessingstepallowed: true,
                    isvisible: true,
                    availability: 0,
                });
            }
        }
        return rows;
    }

    private resolve(type: string, row: Row, property: string): unknown {
        if (type === 'sdkmessagefilter' && property === 'sdkmessageid/name')
            return this.messageNames.get(row._sdkmessageid_value as string);
        if (property.includes('/'))
            throw new SimError(
                501,
                ErrorCodes.UnexpectedError,
                `The simulator does not support the navigation path '${property}' in $filter of ${type}s; only sdkmessageid/name.`,
            );
        if (!(property in row))
            throw new SimError(
                400,
                ErrorCodes.ODataParse,
                `Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${type}'.`,
            );
        return row[property];
    }
}
