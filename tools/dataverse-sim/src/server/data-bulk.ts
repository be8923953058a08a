/**
 * The actions bound to an entity set: CreateMultiple, UpdateMultiple and UpsertMultiple (all or nothing, as on a
 * standard table), and DeleteMultiple, which standard tables refuse.
 */
import { ErrorCodes, SimError } from '../errors.js';
import type { RouteContext } from './call-context.js';
import type { SimRequest, SimResponse } from './http-types.js';
import { emptyResponse, jsonResponse, parseJsonBody } from './http-types.js';
import type { KeyTarget } from './references.js';
import { entityPathOf, findRowId, resolveKeyPredicate } from './references.js';
import { parseResourcePath } from './resource-path.js';
import { normalizedKeyPart } from './store.js';
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
            // [inferred, stricter] No page says the bulk messages take related rows (deep insert, an activity's
            // `<activity>_activity_parties`): bulk-operations.md shows only column values in Targets. Refused, so a
            // client sends such rows by Create / Update (in $batch) as the documented deep insert.
            for (const [key, value] of Object.entries(t as Record<string, unknown>)) {
                if (Array.isArray(value))
                    throw new SimError(
                        400,
                        ErrorCodes.InvalidArgument,
                        `Targets[${i}].${key}: related rows (deep insert) are not supported by '${action}'; create or update the row with its related rows by a single request.`,
                    );
            }
        });
        const all = targets as Array<Record<string, unknown>>;
        // "Multiple records with the same primary key or alternate key values in the payload are not supported with
        // UpsertMultiple ... UpsertMultiple will return an error"; UpdateMultiple applies only the first of them
        // (PD: bulk-operations.md "Duplicate records in UpsertMultiple/UpdateMultiple Targets parameter").
        const identities = all.map((entity) => this.identityOf(info, action, entity));
        const seen = new Set<string>();
        const entities = all.filter((_, i) => {
            const identity = identities[i];
            if (identity === undefined) return true;
            if (!seen.has(identity)) {
                seen.add(identity);
                return true;
            }
            if (action === 'UpsertMultiple') throw duplicateTargets(table.logicalName);
            return false;
        });
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

    /** What identifies a target row in the payload (its id or its key values, normalized), if anything does. */
    private identityOf(info: TableInfo, action: BulkAction, entity: Record<string, unknown>): string | undefined {
        if (action === 'CreateMultiple') return undefined;
        const target = action === 'UpsertMultiple' ? this.targetOf(info, entity) : {};
        const id = target.id ?? entity[info.table.primaryIdAttribute];
        if (typeof id === 'string') return `id:${id.toLowerCase()}`;
        if (!target.keyValues) return undefined;
        const key = Object.keys(target.keyValues).sort();
        return `key:${JSON.stringify(key.map((k) => [k, normalizedKeyPart(target.keyValues![k]!, this.store.collation)]))}`;
    }

    /** The row an UpsertMultiple target names: its `@odata.id` (percent-decoded, as a URL is) or its primary id. */
    private targetOf(info: TableInfo, entity: Record<string, unknown>): KeyTarget {
        const { table } = info;
        const odataId = entity['@odata.id'];
        if (typeof odataId === 'string') {
            const segments = parseResourcePath(entityPathOf(odataId));
            const [only] = segments;
            if (segments.length !== 1 || only?.name !== table.entitySetName || !only.key) {
                throw new SimError(
                    400,
                    ErrorCodes.InvalidArgument,
                    `'@odata.id' '${odataId}' does not address a row of ${table.entitySetName}.`,
                );
            }
            return resolveKeyPredicate(info, only.key);
        }
        if (typeof entity[table.primaryIdAttribute] === 'string') {
            return { id: (entity[table.primaryIdAttribute] as string).toLowerCase() };
        }
        return {};
    }

    private upsertTarget(info: TableInfo, entity: Record<string, unknown>, ctx: RouteContext): unknown {
        const { table } = info;
        const target = this.targetOf(info, entity);
        const id = target.id !== undefined || target.keyValues ? findRowId(this.store, info, target) : undefined;
        const body = { ...entity };
        delete body['@odata.id'];
        if (id !== undefined) return this.writer.update(info, id, body, ctx)[table.primaryIdAttribute];
        return this.writer.create(info, body, ctx, target)[table.primaryIdAttribute];
    }
}

/**
 * UpsertMultiple's refusal of two targets with the same key. The doc says only that it "will return an error"; the
 * status and code follow the service's other refusals of an invalid argument, the message the doc's sentence
 * [inferred].
 */
function duplicateTargets(logicalName: string): SimError {
    return new SimError(
        400,
        ErrorCodes.InvalidArgument,
        `Multiple records with the same primary key or alternate key values in the payload are not supported with UpsertMultiple (entity '${logicalName}').`,
    );
}
