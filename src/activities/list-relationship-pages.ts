/**
 * The listRelationshipPages activity: the source intersect table of a many-to-many relationship, divided
 * into key-range pages once (a repeated execution returns the stored list).
 */
import { intersectNames } from '../copy/intersect.js';
import { pageBoundaries } from '../plan/pages.js';
import { appendEvent } from '../run/events.js';
import type { RunContext } from '../run/run-context.js';
import type { ActivityOptions, ListRelationshipInput } from './contract.js';
import { relationshipOf, type IntersectPages } from './relationship-pages.js';

export interface ListRelationshipOutcome {
    relationship: string;
    pages: number;
    rows: number;
    ms: number;
}

export async function listRelationshipPages(
    ctx: RunContext,
    input: ListRelationshipInput,
    { signal }: ActivityOptions = {},
): Promise<ListRelationshipOutcome> {
    const started = Date.now();
    const path = ctx.paths.pages(input.relationship, 'intersect');
    let stored = await ctx.store.readJson<IntersectPages>(path);
    if (!stored) {
        const relationship = relationshipOf(ctx, input.relationship);
        const names = await intersectNames(ctx.source, relationship.source, { signal });
        const boundaries = await pageBoundaries(
            ctx.source,
            { entitySetName: names.entitySet, primaryId: names.primaryId },
            ctx.plan.options.pageSize,
            undefined,
            signal ? { signal } : {},
        );
        stored = { ...boundaries, ...names };
        await ctx.store.writeJson(path, stored);
    }
    const outcome = {
        relationship: input.relationship,
        pages: stored.ranges.length,
        rows: stored.rowCount,
        ms: Date.now() - started,
    };
    await appendEvent(ctx, {
        type: 'table-listed',
        phase: 'associate',
        table: input.relationship,
        pages: outcome.pages,
        rows: outcome.rows,
        ms: outcome.ms,
    });
    return outcome;
}
