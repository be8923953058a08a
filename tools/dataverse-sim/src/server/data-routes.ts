/**
 * Entity set routes: which operation a path and method address. The operations live in one module per job:
 * reads (queries, change tracking, `$count`, one row), writes of one row, one property of a row, `$ref`
 * associations, the bound bulk actions, and the state messages (QualifyLead here; the unbound ones in the service).
 */
import type { QueryEngine } from '../odata/types.js';
import type { RouteContext } from './call-context.js';
import { ActivityParties } from './activity-parties.js';
import { ChangeTracking } from './change-tracking.js';
import { ColumnContent } from './content/column-content.js';
import { ContentActions } from './content/content-actions.js';
import { ContentStore } from './content/content-store.js';
import { ImageColumns } from './content/image-columns.js';
import { NoteBodies } from './content/note-bodies.js';
import { OrgLimits } from './content/org-limits.js';
import { Associations } from './data-associations.js';
import { BulkActions, bulkActionOf } from './data-bulk.js';
import { PropertyRoutes } from './data-properties.js';
import { DataReads } from './data-reads.js';
import { DataWrites } from './data-writes.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { parseJsonBody } from './http-types.js';
import { existingRowId, resolveKeyPredicate } from './references.js';
import type { PathSegment } from './resource-path.js';
import { methodNotAllowed, notFound } from './route-errors.js';
import type { SchemaIndex, TableInfo } from './schema-index.js';
import { RowSerializer } from './serialize.js';
import type { SimClock } from './sim-clock.js';
import { StateMessages } from './state-messages.js';
import type { Store } from './store.js';
import { Writer } from './writer.js';
import { checkOwner } from '../security/owners.js';
import type { SecurityModel } from '../security/security-model.js';

export class DataRoutes {
    readonly stateMessages: StateMessages;
    /** The block messages of file content (unbound actions, routed by the service). */
    readonly contentActions: ContentActions;
    readonly content = new ContentStore();
    private readonly columnContent: ColumnContent;
    private readonly reads: DataReads;
    /** Change tracking's tokens and deltas (tests invalidate tokens through it). */
    readonly tracking: ChangeTracking;
    private readonly writes: DataWrites;
    private readonly properties: PropertyRoutes;
    private readonly associations: Associations;
    private readonly bulk: BulkActions;

    constructor(
        schema: SchemaIndex,
        private readonly store: Store,
        engine: QueryEngine,
        clock: SimClock,
        security: SecurityModel,
    ) {
        const serializer = new RowSerializer(schema, store);
        const writer = new Writer(
            schema,
            store,
            () => clock.now(),
            (table, owner, callerId) => {
                if (security.enforced) checkOwner(store, security, table, owner, callerId);
            },
        );
        const parties = new ActivityParties(schema, store, writer);
        writer.extensions.push(parties);
        const limits = new OrgLimits(store);
        const notes = new NoteBodies(store, this.content, limits);
        notes.adoptLoaded();
        const images = new ImageColumns(store, this.content);
        writer.extensions.push(notes, images);
        serializer.contentValue = (info, column, row) =>
            notes.value(info.table.logicalName, column, row, info.table.primaryIdAttribute);
        this.contentActions = new ContentActions(schema, store, writer, this.content, limits, notes, images);
        this.columnContent = new ColumnContent(store, this.content, limits, this.contentActions);
        this.stateMessages = new StateMessages(schema, store, writer, () => clock.now());
        this.tracking = new ChangeTracking(store, clock);
        this.reads = new DataReads(schema, store, engine, serializer, this.tracking);
        this.reads.expanders.push((info, params, annotations) =>
            parties.takeExpand(info, params, serializer, annotations),
        );
        this.writes = new DataWrites(schema, store, engine, serializer, writer);
        this.properties = new PropertyRoutes(schema, store, serializer, writer);
        this.associations = new Associations(schema, store, writer);
        this.bulk = new BulkActions(store, writer);
    }

    handle(req: SimRequest, info: TableInfo, segments: PathSegment[], ctx: RouteContext): SimResponse {
        const [head, second, third, fourth] = segments;
        const method = req.method;
        if (!head) throw notFound(req);
        if (!head.key) {
            if (!second) {
                if (method === 'GET') return this.reads.query(req, info, ctx);
                if (method === 'POST') return this.writes.create(req, info, ctx);
                throw methodNotAllowed(method);
            }
            if (second.name === '$count' && !third && method === 'GET') return this.reads.count(req, info, ctx);
            const action = bulkActionOf(second.name);
            if (action && !third) {
                if (method !== 'POST') throw methodNotAllowed(method);
                return this.bulk.run(req, info, action, ctx);
            }
            throw notFound(req);
        }
        const target = resolveKeyPredicate(info, head.key);
        if (!second) {
            if (method === 'GET') return this.reads.retrieve(req, info, target, ctx);
            if (method === 'PATCH') return this.writes.upsert(req, info, target, ctx);
            if (method === 'DELETE') return this.writes.remove(req, info, target, ctx);
            throw methodNotAllowed(method);
        }
        if (third?.name === '$ref' && !fourth) return this.associations.reference(req, info, target, second, ctx);
        if (second.name === 'Microsoft.Dynamics.CRM.QualifyLead' && info.table.logicalName === 'lead' && !third) {
            if (method !== 'POST') throw methodNotAllowed(method);
            const id = existingRowId(this.store, info, target);
            const response = this.stateMessages.qualifyLead(id, parseJsonBody(req), ctx);
            ctx.work.rowsWritten++;
            return response;
        }
        if (second.name === '$ref') throw notFound(req);
        const content = fourth
            ? undefined
            : this.columnContent.handle(req, info, target, second.name, third?.name, ctx);
        if (content) return content;
        if (!third) return this.properties.handle(req, info, target, second.name, ctx);
        throw notFound(req);
    }
}
