/**
 * The input of every activity, checked with zod when it arrives: an activity trusts nothing that
 * crossed the host boundary (queues, a hand-edited journal, an older orchestrator version).
 */
import { z } from 'zod';

const runId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'expected a run id' });
const name = z.string().min(1);
const page = z.number().int().min(0);
const mode = z.enum(['full', 'delta', 'watermark']);
const kind = z.enum(['copy', 'delta']);
const counts = z.object({
    read: z.number(),
    written: z.number(),
    skipped: z.number(),
    unchanged: z.number(),
    failed: z.number(),
    created: z.number().optional(),
    updated: z.number().optional(),
    cleared: z.number().optional(),
});

export const planRunInput = z.object({ runId, spec: z.unknown(), trigger: z.string(), startedAt: z.string() });
const guid = z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'expected a GUID' });
export const listPagesInput = z.object({
    runId,
    table: name,
    mode,
    chunk: page.optional(),
    after: guid.nullable().optional(),
    firstPage: page.optional(),
});
export const pageInput = z.object({ runId, table: name, page, kind, chunk: page.optional() });
export const relationshipInput = z.object({ runId, relationship: name });
export const associateInput = z.object({ runId, relationship: name, page });
export const tableInput = z.object({ runId, table: name });
export const findDeletesInput = z.object({ runId, table: name, page, source: z.enum(['range', 'delta']) });
export const deletePageInput = z.object({ runId, table: name, page });
export const logEventInput = z.object({
    runId,
    event: z
        .object({
            type: z.enum(['phase', 'cancelled', 'stopped', 'warning']),
            phase: z.string().optional(),
            table: z.string().optional(),
            message: z.string().optional(),
        })
        .catchall(z.unknown()),
});

const tableSummary = z.object({
    mode,
    fallback: z.string().optional(),
    pages: z.number(),
    copy: counts,
    deferred: counts,
    state: counts,
    delete: counts,
    ms: z.number(),
    completed: z.boolean(),
});

export const finishRunInput = z.object({
    runId,
    spec: z.string(),
    status: z.enum(['running', 'succeeded', 'failed', 'cancelled', 'invalid']),
    reason: z.string().optional(),
    trigger: z.string(),
    source: z.string(),
    target: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    durationMs: z.number(),
    tables: z.record(z.string(), tableSummary),
    manyToMany: z.record(z.string(), counts),
    totals: z.object({ read: z.number(), written: z.number(), skipped: z.number(), failed: z.number() }),
    refusedDeletes: z
        .array(z.object({ table: z.string(), wouldDelete: z.number(), targetRows: z.number(), maxShare: z.number() }))
        .optional(),
    problems: z
        .array(
            z.object({
                path: z.string().optional(),
                table: z.string().optional(),
                column: z.string().optional(),
                columns: z.array(z.string()).optional(),
                message: z.string(),
                routine: z.boolean().optional(),
            }),
        )
        .optional(),
    warnings: z.number().optional(),
});
