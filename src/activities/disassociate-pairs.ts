/**
 * Many-to-many as a sync (`deleteMissing` on a relationship). findDisassociations compares both intersect tables
 * (missing-pairs.ts: the target pairs of the rows the run speaks for whose source pair is gone), stores them and says
 * how many of how many, so the delete phase can hold them to `options.maxDeleteShare` like row deletes; pairs the
 * target refuses to remove are left alone with a warning. disassociatePairs then removes the stored pairs in `$batch`
 * requests: a pair no longer related is unchanged, one whose answer was lost is settled by reading the target.
 */
import { missingPairs } from '../copy/missing-pairs.js';
import { pairKey, relatedPairs } from '../copy/intersect.js';
import { refusalOfCode } from '../copy/refused-pairs.js';
import { writeSettled } from '../copy/settle-writes.js';
import { isCancelRequested } from '../run/cancel.js';
import { appendEvent } from '../run/events.js';
import { FailureLog } from '../run/failures.js';
import { countsAddUp, emptyCounts, type PhaseCounts } from '../run/outcomes.js';
import type { RunContext } from '../run/run-context.js';
import { readWork, writeWork } from '../run/work.js';
import type { ActivityOptions, DisassociatePairsInput, FindDisassociationsInput } from './contract.js';
import { relationshipOf } from './relationship-pages.js';

export interface FindDisassociationsOutcome {
    relationship: string;
    /** Pairs to disassociate, and the target pairs of the rows the run speaks for (the share's base). */
    wouldDelete: number;
    targetRows: number;
    /** Pairs the target refuses to remove, left alone. */
    refused: number;
    ms: number;
}

export interface DisassociatePairsOutcome {
    relationship: string;
    counts: PhaseCounts;
    cancelled?: boolean;
    ms: number;
}

type Pair = [string, string];

export async function findDisassociations(
    ctx: RunContext,
    input: FindDisassociationsInput,
    { signal }: ActivityOptions = {},
): Promise<FindDisassociationsOutcome> {
    const started = Date.now();
    const relationship = relationshipOf(ctx, input.relationship);
    const found = await missingPairs(ctx, relationship, { signal });
    await writeWork(ctx, 'disassociate', input.relationship, 0, found.missing);
    const byReason = new Map<string, number>();
    for (const { reason } of found.refused) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    for (const [reason, pairs] of byReason)
        await appendEvent(ctx, {
            type: 'warning',
            phase: 'disassociate',
            table: input.relationship,
            message: `${pairs} pairs the source no longer has left alone: ${reason}`,
            reason,
            pairs,
        });
    return {
        relationship: input.relationship,
        wouldDelete: found.missing.length,
        targetRows: found.targetPairs,
        refused: found.refused.length,
        ms: Date.now() - started,
    };
}

export async function disassociatePairs(
    ctx: RunContext,
    input: DisassociatePairsInput,
    { signal }: ActivityOptions = {},
): Promise<DisassociatePairsOutcome> {
    const started = Date.now();
    const counts = emptyCounts();
    const base = { relationship: input.relationship };
    if (await isCancelRequested(ctx)) return { ...base, counts, cancelled: true, ms: 0 };
    const relationship = relationshipOf(ctx, input.relationship);
    const pairs = await readWork<Pair>(ctx, 'disassociate', input.relationship, 0);
    counts.read = pairs.length;
    const { entity1 } = relationship.target;
    const table = {
        logicalName: entity1.table,
        entitySetName: entity1.entitySetName,
        primaryIdAttribute: entity1.primaryId,
    };
    const related = (batch: readonly Pair[]) => relatedPairs(ctx.target, relationship.target, batch, { signal });
    const failures = new FailureLog(ctx, input.relationship, 'disassociate');
    const settled = await writeSettled(pairs, {
        write: (batch) =>
            ctx.target.disassociateMany(table, entity1.navigationProperty, [...batch], {
                batchSize: ctx.plan.options.writeBatchSize,
                ...(signal ? { signal } : {}),
            }),
        recheck: async (batch) => {
            const still = await related(batch);
            return batch.map((item) => ({ item, then: still.has(pairKey(item)) ? 'write' : 'done' }));
        },
    });
    for (const s of settled) {
        if (s.outcome === 'written') counts.written++;
        else if (s.outcome === 'unchanged' || refusalOfCode(s.failure.code)) {
            // Already gone, or a pair the target manages itself (a default team that became one since it was read).
            counts.skipped++;
            if (s.outcome === 'unchanged') counts.unchanged++;
        } else failures.add({ sourceId: s.item.join('|'), ...s.failure });
    }
    counts.failed = failures.count;
    await failures.flush();
    const ms = Date.now() - started;
    if (!countsAddUp(counts))
        throw new Error(`internal error: disassociation counts of ${input.relationship} do not add up`);
    await appendEvent(ctx, { type: 'page', phase: 'disassociate', table: input.relationship, page: 0, counts, ms });
    return { ...base, counts, ms };
}
