/**
 * The Web API of one environment as a function SimRequest -> SimResponse: routes `/api/data/v9.x/`
 * to the service document, WhoAmI, RetrieveTotalRecordCount, metadata, `$batch` and entity sets, and turns every failure into
 * the service's error body. Used by the HTTP listener and, part by part, by `$batch`.
 */
import { ErrorCodes, SimError, unknownSegment } from '../errors.js';
import { isLookupValue } from '../model.js';
import type { QueryEngine } from '../odata/types.js';
import { handleBatch } from './batch.js';
import { bulkActionOf } from './data-bulk.js';
import { ContentActions } from './content/content-actions.js';
import type { CallContext, RouteContext } from './call-context.js';
import { DataRoutes } from './data-routes.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { jsonResponse, parseJsonBody } from './http-types.js';
import { MetadataRoutes } from './metadata-routes.js';
import { parseCustomizationsConfig, type CustomizationsConfig } from './metadata-writes/config.js';
import { MetadataWrites, PUBLISH_ACTIONS } from './metadata-writes/metadata-writes.js';
import { Solutions } from './metadata-writes/solutions.js';
import { RecordCounts, type RecordCountMode } from './record-counts.js';
import { SdkMessages } from './sdk-messages.js';
import { parseResourcePath } from './resource-path.js';
import { errorResponse, notFound } from './route-errors.js';
import type { SchemaIndex } from './schema-index.js';
import type { Store } from './store.js';
import type { Caller } from './writer.js';
import { SimClock } from './sim-clock.js';
import { unboundStateAction } from './state-messages.js';
import type { SecurityConfig } from '../security/config.js';
import { BYPASS_BUSINESS_LOGIC, BYPASS_PLUGINS } from '../security/privileges.js';
import { addressesPrincipalAccess, principalAccessResponse } from '../security/principal-access.js';
import { userNotEnabled } from '../security/refusals.js';
import { SecurityModel } from '../security/security-model.js';
import { addressesUserPrivileges, userPrivilegesResponse } from '../security/user-privileges.js';

const API_PATH = /^\/api\/data\/(v9\.[0-2])\/(.*)$/;
const METADATA_SETS = new Set(['EntityDefinitions', 'RelationshipDefinitions', 'GlobalOptionSetDefinitions']);

export class DataverseService {
    readonly data: DataRoutes;
    private readonly metadata: MetadataRoutes;
    private readonly recordCounts: RecordCounts;
    private readonly sdkMessages: SdkMessages;
    readonly security: SecurityModel;
    /** Tables, columns, relationships and keys created through the Web API; publishers, solutions, the lock. */
    readonly metadataWrites: MetadataWrites;

    constructor(
        readonly schema: SchemaIndex,
        readonly store: Store,
        engine: QueryEngine,
        readonly clock: SimClock = new SimClock(),
        recordCountMode: RecordCountMode = 'available',
        security?: SecurityConfig,
        customizations: CustomizationsConfig = parseCustomizationsConfig(undefined),
    ) {
        // Before the row counts: the configured application users are rows of the environment.
        this.security = new SecurityModel(schema, store, security);
        this.data = new DataRoutes(schema, store, engine, clock, this.security);
        this.metadata = new MetadataRoutes(schema);
        this.metadataWrites = new MetadataWrites(schema, store, clock, customizations);
        this.sdkMessages = new SdkMessages(schema);
        // Built after the store is loaded: its first snapshot counts the rows the environment starts with.
        this.recordCounts = new RecordCounts(store, clock, recordCountMode);
    }

    /** The systemuser acting for a gate user: the user with that id, else the environment's first user. */
    callerFor(user: string): Caller {
        const users = this.store.tables.get('systemuser');
        let row = users?.rows.get(this.security.userIdOf(user) ?? user.toLowerCase());
        if (!row && users) row = users.rows.values().next().value;
        if (!row) return { userId: '00000000-0000-0000-0000-000000000000', businessUnitId: undefined };
        const bu = row.businessunitid;
        const principal = this.security.principalFor(user);
        const columns = this.security.columnsFor(user);
        return {
            userId: row.systemuserid as string,
            businessUnitId: isLookupValue(bu) ? bu.id : undefined,
            ...(principal ? { principal } : {}),
            ...(columns ? { columns } : {}),
            ...(row.isdisabled === true && this.security.enforced ? { disabled: true } : {}),
        };
    }

    handle(req: SimRequest, call: CallContext): SimResponse {
        try {
            return this.route(req, call);
        } catch (err) {
            return errorResponse(err);
        }
    }

    private route(req: SimRequest, call: CallContext): SimResponse {
        const m = API_PATH.exec(req.url.pathname);
        if (!m) throw notFound(req);
        const base = `${req.url.origin}/api/data/${m[1]}/`;
        const rest = m[2]!;
        if (call.caller.disabled) throw userNotEnabled(call.caller.userId, this.organizationId() ?? '');
        this.metadataWrites.keyJobs.tick();
        if (rest === '' && req.method === 'GET') return this.serviceDocument(base);
        if (req.method !== 'GET') checkBypassHeaders(req, call.caller);
        if (rest === '$batch') {
            if (req.method !== 'POST') throw notFound(req);
            return handleBatch(this, req, call);
        }
        if (rest === '$metadata') {
            throw new SimError(
                501,
                ErrorCodes.UnexpectedError,
                'The simulator does not serve the CSDL $metadata document; use EntityDefinitions.',
            );
        }
        if ((rest === 'WhoAmI' || rest === 'WhoAmI()') && req.method === 'GET') return this.whoAmI(base, call.caller);
        if (RecordCounts.addresses(rest)) return this.recordCounts.handle(req, rest, base);
        if (req.method === 'GET' && addressesPrincipalAccess(rest)) {
            return principalAccessResponse(rest, req.url, base, this.schema, this.store, this.security);
        }
        if (req.method === 'GET' && addressesUserPrivileges(rest)) {
            return userPrivilegesResponse(rest, base, this.store, this.security, call.caller);
        }
        if (req.method === 'POST' && PUBLISH_ACTIONS.has(rest)) return this.metadataWrites.publish(req, rest);
        const stateAction = unboundStateAction(req, rest);
        if (stateAction) {
            const response = this.data.stateMessages.closeRow(stateAction, parseJsonBody(req), {
                caller: call.caller,
                contentIds: call.contentIds,
                base,
            });
            call.work.rowsWritten += 2;
            return response;
        }
        if (ContentActions.addresses(rest)) {
            const ctx = {
                caller: call.caller,
                contentIds: call.contentIds,
                base,
                work: call.work,
                inBatch: call.inBatch ?? false,
            };
            return this.data.contentActions.handle(req, rest, ctx);
        }
        const segments = parseResourcePath(rest);
        const head = segments[0];
        if (!head) throw notFound(req);
        if (METADATA_SETS.has(head.name)) {
            if (req.method === 'POST') return this.metadataWrites.handle(req, segments, base);
            const response = this.metadata.handle(req, segments, base);
            if (req.method === 'GET') this.metadataWrites.afterMetadataRead();
            return response;
        }
        if (Solutions.SETS.has(head.name) && !this.schema.byEntitySet.has(head.name))
            return this.metadataWrites.solutions.handle(req, segments, base);
        if (SdkMessages.SETS.has(head.name) && !this.schema.byEntitySet.has(head.name))
            return this.sdkMessages.handle(req, segments, base);
        const info = this.schema.byEntitySet.get(head.name);
        if (!info) throw unknownSegment(head.name);
        if (req.method !== 'GET') {
            // The transaction rolls back before anything is written.
            const fault = call.databaseFault?.({ table: info.table.logicalName, rows: writeRows(req, segments) });
            if (fault) throw fault;
        }
        const ctx: RouteContext = {
            caller: call.caller,
            contentIds: call.contentIds,
            base,
            work: call.work,
            inBatch: call.inBatch ?? false,
        };
        return this.data.handle(req, info, segments, ctx);
    }

    private serviceDocument(base: string): SimResponse {
        const value = [...this.schema.tables.values()].map((info) => ({
            name: info.table.entitySetName,
            kind: 'EntitySet',
            url: info.table.entitySetName,
        }));
        return jsonResponse(200, { '@odata.context': `${base}$metadata`, value });
    }

    private whoAmI(base: string, caller: Caller): SimResponse {
        return jsonResponse(200, {
            '@odata.context': `${base}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
            BusinessUnitId: caller.businessUnitId ?? null,
            UserId: caller.userId,
            OrganizationId: this.organizationId() ?? null,
        });
    }

    private organizationId(): string | undefined {
        const org = this.store.tables.get('organization')?.rows.values().next().value;
        return org ? (org.organizationid as string) : undefined;
    }
}

/**
 * The bypass headers need their privileges ("Bypass custom Dataverse logic": `MSCRM.BypassBusinessLogicExecution` needs
 * prvBypassCustomBusinessLogic, `MSCRM.BypassCustomPluginExecution` prvBypassCustomPlugins); checked on the `$batch`
 * request and on each of its parts.
 */
function checkBypassHeaders(req: SimRequest, caller: Caller): void {
    const principal = caller.principal;
    if (!principal) return;
    if (req.headers['mscrm.bypassbusinesslogicexecution'] !== undefined) principal.requireBypass(BYPASS_BUSINESS_LOGIC);
    if (req.headers['mscrm.bypasscustompluginexecution']?.toLowerCase() === 'true')
        principal.requireBypass(BYPASS_PLUGINS);
}

/** Rows one write holds in its transaction: a bulk action's Targets, else one. */
function writeRows(req: SimRequest, segments: ReadonlyArray<{ name: string }>): number {
    const last = segments[segments.length - 1];
    if (segments.length !== 2 || !last || !bulkActionOf(last.name)) return 1;
    try {
        const targets = (JSON.parse(req.body) as { Targets?: unknown }).Targets;
        return Array.isArray(targets) ? Math.max(1, targets.length) : 1;
    } catch {
        return 1; // the action answers the malformed body itself
    }
}
