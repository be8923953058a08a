/**
 * The associatePage activity: the source intersect rows of a relationship, page by page (key ranges over
 * the intersect table), each side translated to its target id (a copied row, or a matched user, role,
 * team, ...) and associated in the target in `$batch` requests. A pair the target refuses whoever asks (a default or
 * Entra ID group team's members, a disabled user's or another business unit's role: refused-pairs.ts) is skipped
 * with its reason, logged as a warning. An association that already exists is unchanged (the service's duplicate key
 * answer, 0x80040237, told by its code whatever its status); a pair whose side is not in the target (its copy failed,
 * it is outside the run's filter or subset, or its user or role has no match) is skipped and counted; anything else the service
 * refuses is a failed pair. An association whose answer was lost is settled by reading the target's intersect table:
 * related now means written by this run, else it is sent again.
 */
import type { Row } from '../dataverse/client-types.js';
import { sideTargetIds } from '../copy/id-map.js';
import { pairKey, relatedPairs } from '../copy/intersect.js';
import { refusalOfCode, refusedPairs } from '../copy/refused-pairs.js';
import { writeSettled } from '../copy/settle-writes.js';
import { pageFilter } from '../plan/pages.js';
import type { ManyToManySide, ManyToManySideMatch } from '../plan/types.js';
import { readSubset } from '../run/subset-store.js';
import { RunDocumentError } from '../run/activity-failure.js';
import { isCancelRequested } from '../run/cancel.js';
import { appendEvent } from '../run/events.js';
import { FailureLog } from '../run/failures.js';
import { countsAddUp, emptyCounts, type PhaseCounts } from '../run/outcomes.js';
import type { RunContext } from '../run/run-context.js';
import type { ActivityOptions, AssociatePageInput } from './contract.js';
import { relationshipOf, type IntersectPages } from './relationship-pages.js';

export interface AssociatePageOutcome {
    relationship: string;
    page: number;
    counts: PhaseCounts;
    cancelled?: boolean;
    ms: number;
}

const MISSING_STATUS = 404;

/** A side's table as the target addresses it: its own entity set and primary key (a run table or a matched one). */
function writeTableOf(side: ManyToManySide) {
    return { logicalName: side.table, entitySetName: side.entitySetName, primaryIdAttribute: side.primaryId };
}

/** The ids a subset run took of a run-table side; undefined when every row of the side is in the run. */
async function subsetSide(ctx: RunContext, match: ManyToManySideMatch): Promise<Set<string> | undefined> {
    if (!ctx.spec.subset || match.kind !== 'run') return undefined;
    return new Set((await readSubset(ctx.store, ctx.runId, match.table)).ids);
}

export async function associatePage(
    ctx: RunContext,
    input: AssociatePageInput,
    { signal }: ActivityOptions = {},
): Promise<AssociatePageOutcome> {
    const started = Date.now();
    const counts = emptyCounts();
    const base = { relationship: input.relationship, page: input.page };
    if (await isCancelRequested(ctx)) return { ...base, counts, cancelled: true, ms: 0 };
    const relationship = relationshipOf(ctx, input.relationship);
    const pages = await ctx.store.readJson<IntersectPages>(ctx.paths.pages(input.relationship, 'intersect'));
    const range = pages?.ranges[input.page];
    if (!pages || !range)
        throw new RunDocumentError(`run ${ctx.runId}: ${input.relationship} has no intersect page ${input.page}`);
    const { entity1, entity2 } = relationship.source;
    const filter = pageFilter(range, pages.primaryId);
    const rows: Row[] = [];
    for await (const page of ctx.source.queryPages(
        pages.entitySet,
        {
            select: [entity1.intersectAttribute, entity2.intersectAttribute],
            orderBy: `${pages.primaryId} asc`,
            ...(filter ? { filter } : {}),
        },
        { pageSize: 5000, ...(signal ? { signal } : {}) },
    ))
        rows.push(...page);
    counts.read = rows.length;

    const ids = (attribute: string) => rows.map((r) => String(r[attribute]).toLowerCase());
    const [match1, match2] = relationship.match;
    const [map1, map2] = await Promise.all([
        sideTargetIds(ctx, match1, ids(entity1.intersectAttribute), { signal }),
        sideTargetIds(ctx, match2, ids(entity2.intersectAttribute), { signal }),
    ]);
    // A subset associates only pairs between rows it took: a run side outside it is skipped like a missing row.
    const [taken1, taken2] = await Promise.all([subsetSide(ctx, match1), subsetSide(ctx, match2)]);
    const pairs: Array<{ source: [string, string]; target: [string, string] }> = [];
    for (const row of rows) {
        const a = String(row[entity1.intersectAttribute]).toLowerCase();
        const b = String(row[entity2.intersectAttribute]).toLowerCase();
        const ta = taken1 && !taken1.has(a) ? undefined : map1.get(a);
        const tb = taken2 && !taken2.has(b) ? undefined : map2.get(b);
        if (ta === undefined || tb === undefined) counts.skipped++;
        else pairs.push({ source: [a, b], target: [ta, tb] });
    }

    // Pairs the target refuses whoever asks are skipped with their reason: a warning, not a failed row every refresh.
    const refused = new Map<string, number>();
    const refuse = (reason: string) => {
        counts.skipped++;
        refused.set(reason, (refused.get(reason) ?? 0) + 1);
    };
    const reasons = await refusedPairs(
        ctx.target,
        relationship.target,
        pairs.map((p) => p.target),
        { signal },
    );
    for (const reason of reasons.values()) refuse(reason);
    const sendable = pairs.filter((_, index) => !reasons.has(index));

    const failures = new FailureLog(ctx, input.relationship, 'associate');
    if (sendable.length > 0) {
        const { entity1: target1, entity2: target2 } = relationship.target;
        const settled = await writeSettled(sendable, {
            write: (batch) =>
                ctx.target.associateMany(
                    writeTableOf(target1),
                    target1.navigationProperty,
                    writeTableOf(target2),
                    batch.map((p) => p.target),
                    { batchSize: ctx.plan.options.writeBatchSize, ...(signal ? { signal } : {}) },
                ),
            recheck: async (batch) => {
                const related = await relatedPairs(
                    ctx.target,
                    relationship.target,
                    batch.map((p) => p.target),
                    { signal },
                );
                return batch.map((item) => ({ item, then: related.has(pairKey(item.target)) ? 'done' : 'write' }));
            },
        });
        for (const s of settled) {
            if (s.outcome === 'written') counts.written++;
            else if (s.outcome === 'unchanged') {
                counts.skipped++;
                counts.unchanged++;
            } else if (s.failure.status === MISSING_STATUS) counts.skipped++;
            else if (refusalOfCode(s.failure.code)) refuse(refusalOfCode(s.failure.code)!);
            else failures.add({ sourceId: s.item.source.join('|'), ...s.failure });
        }
    }
    counts.failed = failures.count;
    await failures.flush();
    const ms = Date.now() - started;
    if (!countsAddUp(counts))
        throw new Error(`internal error: association counts of ${input.relationship} do not add up`);
    for (const [reason, pairCount] of refused)
        await appendEvent(ctx, {
            type: 'warning',
            phase: 'associate',
            table: input.relationship,
            page: input.page,
            message: `${pairCount} pairs skipped: ${reason}`,
            reason,
            pairs: pairCount,
        });
    await appendEvent(ctx, {
        type: 'page',
        phase: 'associate',
        table: input.relationship,
        page: input.page,
        counts,
        ms,
    });
    return { ...base, counts, ms };
}
