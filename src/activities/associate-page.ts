/**
 * The associatePage activity: the source intersect rows of a relationship, page by page (key ranges over
 * the intersect table), each side translated to its target id (a copied row, or a matched user, role,
 * team, ...) and associated in the target in `$batch` requests. An association that already exists is
 * unchanged (the service's duplicate key answer, told by its code); a pair whose side is not in the target (its
 * copy failed, it is outside the run's filter, or its user or role has no match) is skipped and counted; anything
 * else the service refuses is a failed pair. An association whose answer was lost is settled by reading the target's
 * intersect table: related now means written by this run, else it is sent again.
 */
import type { Row } from '../dataverse/client-types.js';
import { sideTargetIds } from '../copy/id-map.js';
import { pairKey, relatedPairs } from '../copy/intersect.js';
import { writeSettled } from '../copy/settle-writes.js';
import { pageFilter } from '../plan/pages.js';
import type { ManyToManySide } from '../plan/types.js';
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
    const pairs: Array<{ source: [string, string]; target: [string, string] }> = [];
    for (const row of rows) {
        const a = String(row[entity1.intersectAttribute]).toLowerCase();
        const b = String(row[entity2.intersectAttribute]).toLowerCase();
        const ta = map1.get(a);
        const tb = map2.get(b);
        if (ta === undefined || tb === undefined) counts.skipped++;
        else pairs.push({ source: [a, b], target: [ta, tb] });
    }

    const failures = new FailureLog(ctx, input.relationship, 'associate');
    if (pairs.length > 0) {
        const { entity1: target1, entity2: target2 } = relationship.target;
        const settled = await writeSettled(pairs, {
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
            else failures.add({ sourceId: s.item.source.join('|'), ...s.failure });
        }
    }
    counts.failed = failures.count;
    await failures.flush();
    const ms = Date.now() - started;
    if (!countsAddUp(counts))
        throw new Error(`internal error: association counts of ${input.relationship} do not add up`);
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
