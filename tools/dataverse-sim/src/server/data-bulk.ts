/**
 * The actions bound to an entity set: CreateMultiple, UpdateMultiple and UpsertMultiple (all or nothing, as on a
 * standard table), and DeleteMultiple, which standard tables refuse.
 */
import { ErrorCodes, SimError } from '../errors.js';
import type { RouteContext } from './call-context.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { emptyResponse, jsonResponse, parseJsonBody } from './http-types.js';
import type { KeyTarget } from './references.js';
import { findRowId, resolveKeyPredicate } from './references.js';
import { parseKeyPredicate } from './resource-path.js';
import type { TableInfo } from './schema-index.js';
import type { Store } from './store.js';
import type { Writer } from './writer.js';

const BULK_ACTIONS = ['CreateMultiple', 'UpdateMultiple', 'UpsertMultiple', 'DeleteMultiple'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** The bulk action a path segment names (`Microsoft.Dynamics.CRM.CreateMultiple`), if it names one. */
export function bulkActionOf(segment: string): BulkAction | undefined {
    const action = /^Microsoft\.Dynamics\.CRM\.(\w+)$/.exec(segment)?.[1];
    return (BULK_ACTIONS as readonly string[]).includes(action ?? '') ? (action as BulkAction) : undefined;
}

/** Whether CreateMultiple, UpdateMultiple and UpsertMultiple accept the table (the message catalogue says the same). */
export function supportsBulkActions(table: { bulkOperations?: boolean; isIntersect?: boolean }): boolean {
    return table.bulkOperations !== false && table.isIntersect !== true;
}

export class BulkActions {
    constructor(
        private readonly store: Store,
        private readonly writer: Writer,
    ) {}

    run(req: SimRequest, info: TableInfo, action: BulkAction, ctx: RouteContext): SimResponse {
        const { table } = info;
        if (action === 'DeleteMultiple') {
            // Elastic tables only; every simulated table is a standard table (research §3.2). Code unverified.
            throw new SimError(400, ErrorCodes.UnexpectedError, 'DeleteMultiple has not yet been implemented.');
        }
        if (!supportsBulkActions(table)) {
            throw new SimError(
                400,
                ErrorCodes.UnexpectedError,
                `The '${action}' method does not support entities of type '${table.logicalName}'. MessageProcessorCache returned MessageProcessor.Empty.`,
            );
        }
        const body = parseJsonBody(req);
        const targets = body.Targets;
        if (!Array.isArray(targets)) {
            throw new SimError(
                400,
                ErrorCodes.ODataParse,
                `The parameter 'Targets' of the action '${action}' is missing or not a collection.`,
            );
        }
        const expectedType = `Microsoft.Dynamics.CRM.${table.logicalName}`;
        targets.forEach((t, i) => {
            if (t === null || typeof t !== 'object' || Array.isArray(t)) {
                throw new SimError(400, ErrorCodes.ODataParse, `Targets[${i}] is not an entity.`);
            }
            const type = (t as Record<string, unknown>)['@odata.type'];
            if (type === undefined) {
                throw new SimError(
                    400,
                    ErrorCodes.ODataParse,
                    `An entity in 'Targets' has no '@odata.type' annotation; each entity must name its type, e.g. '${expectedType}'.`,
                );
            }
            if (type !== expectedType) {
                throw new SimError(
                    400,
                    ErrorCodes.InvalidArgument,
                    `Targets[${i}] has '@odata.type' '${JSON.stringify(type)}', expected '${expectedType}'.`,
                );
            }
        });
        const entities = targets as Array<Record<string, unknown>>;
        // Standard tables: all or nothing.
        const ids = this.store.transaction(() =>
            entities.map((entity) => {
                if (action === 'CreateMultiple') return this.writer.create(info, entity, ctx)[table.primaryIdAttribute];
                if (action === 'UpdateMultiple') {
                    const id = entity[table.primaryIdAttribute];
                    if (typeof id !== 'string') {
                        throw new SimError(
                            400,
                            ErrorCodes.InvalidArgument,
                            `Entity Id must be specified for Update (${table.primaryIdAttribute}).`,
                        );
                    }
                    if (!this.store.get(table.logicalName, id.toLowerCase())) {
                        // The bulk form of ObjectDoesNotExist (research §3.2, §7: "Contact With Ids = <guid> Do Not
                        // Exist"); naming the table by its schema name follows that quote [inferred].
                        throw new SimError(
                            404,
                            ErrorCodes.ObjectDoesNotExist,
                            `${table.schemaName ?? table.logicalName} With Ids = ${id.toLowerCase()} Do Not Exist`,
                        );
                    }
                    return this.writer.update(info, id.toLowerCase(), entity, ctx)[table.primaryIdAttribute];
                }
                return this.upsertTarget(info, entity, ctx);
            }),
        );
        ctx.work.rowsWritten += entities.length;
        if (action === 'CreateMultiple') {
            return jsonResponse(200, {
                '@odata.context': `${ctx.base}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`,
                Ids: ids,
            });
        }
        return emptyResponse(204);
    }

    private upsertTarget(info: TableInfo, entity: Record<string, unknown>, ctx: RouteContext): unknown {
        const { table } = info;
        let target: KeyTarget = {};
        const odataId = entity['@odata.id'];
        if (typeof odataId === 'string') {
            const m = /^([A-Za-z0-9_]+)\((.*)\)$/.exec(
                odataId.replace(/^.*\/api\/data\/v9\.[0-2]\//, '').replace(/^\//, ''),
            );
            if (!m || m[1] !== table.entitySetName) {
                throw new SimError(
                    400,
                    ErrorCodes.InvalidArgument,
                    `'@odata.id' '${odataId}' does not address a row of ${table.entitySetName}.`,
                );
            }
            target = resolveKeyPredicate(info, parseKeyPredicate(m[2]!));
        } else if (typeof entity[table.primaryIdAttribute] === 'string') {
            target = { id: (entity[table.primaryIdAttribute] as string).toLowerCase() };
        }
        const id = target.id !== undefined || target.keyValues ? findRowId(this.store, info, target) : undefined;
        const body = { ...entity };
        delete body['@odata.id'];
        if (id !== undefined) return this.writer.update(info, id, body, ctx)[table.primaryIdAttribute];
        return this.writer.create(info, body, ctx, target)[table.primaryIdAttribute];
    }
}
