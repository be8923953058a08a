/**
 * What an attempt of a page set out to write, kept in the run store before its writes go out. Activities
 * run at least once, and a killed run resumes by running its unfinished pages again: the second attempt
 * finds the rows the first one wrote already as wanted. With the intent it counts them as created or
 * updated by this run instead of unchanged, so the counts of a resumed run add what every attempt wrote.
 */
import type { RunContext } from '../run/run-context.js';
import { readWork, writeWork, type PageKind } from '../run/work.js';

export type WriteAction = 'create' | 'update';

interface IntentItem {
    id: string;
    action: WriteAction;
}

const kindOf = (kind: PageKind) => (kind === 'copy' ? 'written' : 'written-delta');

/** Source id -> what an earlier attempt of this page set out to do with it. */
export async function earlierIntent(
    ctx: Pick<RunContext, 'store' | 'paths' | 'runId'>,
    kind: PageKind,
    table: string,
    page: number,
): Promise<Map<string, WriteAction>> {
    const items = await readWork<IntentItem>(ctx, kindOf(kind), table, page);
    return new Map(items.map((i) => [i.id, i.action]));
}

/**
 * Records this attempt's writes beside the earlier ones (a row created once stays 'create'); returns them all, for
 * the next writes of this attempt (rows written again after their answer was lost).
 */
export async function recordIntent(
    ctx: Pick<RunContext, 'store' | 'paths'>,
    kind: PageKind,
    table: string,
    page: number,
    earlier: ReadonlyMap<string, WriteAction>,
    writes: ReadonlyArray<{ id: string; action: WriteAction }>,
): Promise<Map<string, WriteAction>> {
    const all = new Map(earlier);
    let changed = false;
    for (const { id, action } of writes) {
        if (all.get(id) === 'create' || all.get(id) === action) continue;
        all.set(id, action);
        changed = true;
    }
    if (changed)
        await writeWork(
            ctx,
            kindOf(kind),
            table,
            page,
            [...all].map(([id, action]): IntentItem => ({ id, action })),
        );
    return all;
}
