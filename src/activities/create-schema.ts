/**
 * The createSchema activity: the run's schema phase, before the tiers, for tables loaded as `new`. Sends the plan's
 * metadata operations in order (tables, global choices, columns, relationships, keys), skipping what the target
 * already has (a resumed or repeated run), waits out customization locks and every new key's index until Active,
 * publishes, then plans the run again against the target as it now is, so the copy uses the names the service gave
 * (entity sets, navigation properties) and the privileges it granted. Each operation is an event in the run log.
 * A refusal is returned as problems (the run fails naming it, nothing is copied); transient failures throw and retry.
 */
import { DataverseError } from '../dataverse/errors.js';
import {
    createDefinition,
    KeyIndexFailedError,
    publishTables,
    readExistingSchema,
    waitForKeyIndex,
    type ExistingSchema,
} from '../dataverse/metadata-writes.js';
import { odataString } from '../dataverse/odata-url.js';
import { preparePlan } from '../plan/prepare.js';
import type { SchemaOperation } from '../plan/schema-types.js';
import type { PlanIssue } from '../plan/types.js';
import { runPaths } from '../runlog/layout.js';
import { appendEvent } from '../run/events.js';
import { addNoticed, readPlatformOwned } from '../run/platform-owned.js';
import { storedReferences, type RunContext } from '../run/run-context.js';
import type { ActivityOptions, CreateSchemaInput } from './contract.js';

export interface CreateSchemaOutcome {
    runId: string;
    created: number;
    /** Operations skipped because the target already had what they create. */
    existing: number;
    /** Non-empty: the run stops before copying. */
    problems: PlanIssue[];
}

/** The service's "already exists" (DuplicateRecord): a create whose answer was lost, sent again. */
const DUPLICATE = '0x80040237';

function nameOf(op: SchemaOperation): string {
    switch (op.kind) {
        case 'table':
            return op.table;
        case 'optionSet':
            return op.name;
        case 'column':
        case 'relationship':
            return `${op.table}.${op.column}`;
        case 'key':
            return `${op.table}.${op.key}`;
    }
}

function exists(op: SchemaOperation, schema: ExistingSchema): boolean {
    if (op.kind === 'optionSet') return schema.optionSets.has(op.name);
    const table = schema.tables.get(op.table);
    switch (op.kind) {
        case 'table':
            return table !== undefined;
        case 'column':
            return table?.columns.has(op.column) === true;
        case 'relationship':
            return (
                table?.relationships.has(op.schemaName.toLowerCase()) === true || table?.columns.has(op.column) === true
            );
        case 'key':
            return table?.keys.has(op.key) === true;
    }
}

const tablePath = (table: string) => `EntityDefinitions(LogicalName=${odataString(table)})`;

/** Where each operation is POSTed, and its body (a global choice bound by the MetadataId the target gave it). */
function request(op: SchemaOperation, schema: ExistingSchema): { path: string; body: Record<string, unknown> } {
    switch (op.kind) {
        case 'table':
            return { path: 'EntityDefinitions', body: op.body };
        case 'optionSet':
            return { path: 'GlobalOptionSetDefinitions', body: op.body };
        case 'column': {
            if (op.globalOptionSet === undefined) return { path: `${tablePath(op.table)}/Attributes`, body: op.body };
            const id = schema.optionSets.get(op.globalOptionSet);
            if (id === undefined) throw new Error(`global choice '${op.globalOptionSet}' is not in the target`);
            return {
                path: `${tablePath(op.table)}/Attributes`,
                body: { ...op.body, 'GlobalOptionSet@odata.bind': `/GlobalOptionSetDefinitions(${id})` },
            };
        }
        case 'relationship':
            return { path: 'RelationshipDefinitions', body: op.body };
        case 'key':
            return { path: `${tablePath(op.table)}/Keys`, body: op.body };
    }
}

/** The MetadataId in an `OData-EntityId` such as `.../GlobalOptionSetDefinitions(<id>)`. */
function idOf(entityId: string | undefined): string | undefined {
    return entityId?.match(/\(([0-9a-f-]{36})\)$/i)?.[1];
}

/** A refusal no retry mends: the service's 4xx (but throttling), or a key whose index failed. */
function refusal(op: SchemaOperation, error: unknown): PlanIssue | undefined {
    const table = op.kind === 'optionSet' ? {} : { table: op.table };
    if (error instanceof KeyIndexFailedError) return { ...table, message: error.message };
    if (error instanceof DataverseError && error.status >= 400 && error.status < 500 && error.status !== 429)
        return {
            ...table,
            message:
                `${op.summary}: refused by the target: ${error.serviceMessage} (${error.status} ${error.code ?? ''})`.trim(),
        };
    return undefined;
}

export async function createSchema(
    ctx: RunContext,
    input: CreateSchemaInput,
    { signal }: ActivityOptions = {},
): Promise<CreateSchemaOutcome> {
    const outcome: CreateSchemaOutcome = { runId: input.runId, created: 0, existing: 0, problems: [] };
    const schema = ctx.plan.schema;
    if (!schema || schema.operations.length === 0) return outcome;
    const options = { ...(schema.solution ? { solution: schema.solution } : {}), ...(signal ? { signal } : {}) };
    const tables = [...new Set(schema.operations.flatMap((op) => (op.kind === 'optionSet' ? [] : [op.table])))];
    const existing = await readExistingSchema(ctx.target, tables, signal ? { signal } : {});
    for (const op of schema.operations) {
        const event = {
            type: 'schema' as const,
            operation: op.kind,
            name: nameOf(op),
            ...(op.kind === 'optionSet' ? {} : { table: op.table }),
        };
        try {
            let lockWaits = 0;
            let done: 'created' | 'exists' = 'exists';
            if (!exists(op, existing)) {
                const { path, body } = request(op, existing);
                try {
                    const sent = await createDefinition(ctx.target, path, body, options);
                    lockWaits = sent.lockWaits;
                    done = 'created';
                    if (op.kind === 'optionSet') {
                        const id = idOf(sent.entityId);
                        if (id) existing.optionSets.set(op.name, id);
                    }
                } catch (error) {
                    if (!(error instanceof DataverseError && error.code?.toLowerCase() === DUPLICATE)) throw error;
                }
                if (op.kind === 'optionSet' && !existing.optionSets.has(op.name)) {
                    const read = await readExistingSchema(ctx.target, [], signal ? { signal } : {});
                    for (const [name, id] of read.optionSets) existing.optionSets.set(name, id);
                }
            }
            // A key is usable once its index is built, whoever created it (an interrupted run's key may still be building).
            const polls =
                op.kind === 'key' ? (await waitForKeyIndex(ctx.target, op.table, op.key, options)).polls : undefined;
            if (done === 'created') outcome.created++;
            else outcome.existing++;
            await appendEvent(ctx, {
                ...event,
                outcome: done,
                message: done === 'created' ? op.summary : `${op.summary}: already in the target`,
                ...(lockWaits > 0 ? { lockWaits } : {}),
                ...(polls !== undefined ? { keyIndexChecks: polls } : {}),
            });
        } catch (error) {
            const problem = refusal(op, error);
            if (!problem) throw error;
            await appendEvent(ctx, { ...event, outcome: 'refused', message: problem.message });
            outcome.problems.push(problem);
            return outcome;
        }
    }
    const published = await publishTables(ctx.target, schema.publish, options);
    await appendEvent(ctx, {
        type: 'schema',
        operation: 'publish',
        outcome: 'published',
        message: `published ${schema.publish.join(', ')}`,
        ...(published.lockWaits > 0 ? { lockWaits: published.lockWaits } : {}),
    });
    outcome.problems.push(...(await planAgain(ctx, signal)));
    return outcome;
}

/**
 * The plan of the run again, against the target as the schema phase left it: it replaces the stored plan, which was
 * built against the planned schema. Its tiers must be the ones the run already follows.
 */
async function planAgain(ctx: RunContext, signal?: AbortSignal): Promise<PlanIssue[]> {
    const prepared = await preparePlan(ctx.spec, { source: ctx.source, target: ctx.target }, signal ? { signal } : {});
    const { plan } = prepared;
    if (plan.problems.length > 0)
        return plan.problems.map((p) => ({ ...p, message: `after creating the schema: ${p.message}` }));
    if (plan.schema)
        return [
            {
                message: `after creating the schema the target still lacks: ${plan.schema.operations.map((o) => o.summary).join('; ')}`,
            },
        ];
    const tiers = (p: typeof plan) => JSON.stringify(p.tiers);
    if (tiers(plan) !== tiers(ctx.plan))
        return [
            {
                message: `the plan against the created schema orders the tables differently (${tiers(plan)}, planned ${tiers(ctx.plan)})`,
            },
        ];
    addNoticed(plan, await readPlatformOwned(ctx.store, plan.targetUrl));
    const paths = runPaths(ctx.runId);
    await ctx.store.writeJson(paths.plan, plan);
    await ctx.store.writeJson(paths.references, storedReferences(prepared.references));
    return [];
}
