/**
 * `npm run bench replay`: what replaying orchestration histories costs per page as tables grow. One table of 1k, 10k
 * and 100k pages is copied by the real table orchestrator (listing in growing chunks, as list-pages walks them, at
 * the spec's default page size) under the default page budget, played through the real durable-functions SDK as the
 * Functions host plays it in Azure (replay-driver.ts: 32 messages an episode, the whole history replayed each time),
 * with synthetic activity results. Per size: episodes, events fed to the SDK per page (`replayCostPerPage`: what
 * the replays cost, independent of the machine), the largest single replay, and the time in the SDK per page (µs;
 * on a loaded machine it varies run to run by more than the effect). Bounded histories keep the cost flat: the
 * 100k/1k ratio is the figure to watch (issue 22: within 2x). An unbounded table orchestration (one history holding every page) is played
 * at 1k and 10k pages beside it, to show what the budget prevents; at 100k it would replay some 10^10 events.
 */
import { chunkPages } from '../src/activities/list-pages.js';
import { OrchestratorName, orchestrators } from '../src/orchestrators/index.js';
import { SPEC_DEFAULTS } from '../src/spec/defaults.js';
import { playTree } from './replay-driver.js';

export const REPLAY_SIZES = [1_000, 10_000, 100_000] as const;
/** Sizes the unbounded comparison plays (quadratic: 100k pages would take hours). */
const UNBOUNDED_SIZES = [1_000, 10_000] as const;

export interface ReplayCase {
    pages: number;
    /** Page activities one history holds at most; absent: unbounded. */
    pagesPerOrchestration?: number;
    orchestrations: number;
    episodes: number;
    replayedEvents: number;
    largestReplay: number;
    replayMs: number;
    eventsPerPage: number;
    /** SDK replay time per page, µs. */
    microsecondsPerPage: number;
}

export interface ReplayFigures {
    bounded: ReplayCase[];
    unbounded: ReplayCase[];
    /** Events replayed per page, by page count. */
    replayCostPerPage: Record<string, number>;
    /** replayCostPerPage at 100k pages over that at 1k. */
    replayCostRatio: number;
    /** The same ratio in SDK replay time per page (noisy on a shared machine). */
    replayTimeRatio: number;
}

const zero = { read: 0, written: 0, skipped: 0, unchanged: 0, failed: 0 };

/** Synthetic results: a table of `pages` pages of the default size, listed in list-pages' growing chunks. */
function syntheticActivities(pages: number) {
    const pageSize = SPEC_DEFAULTS.pageSize;
    return (name: string, input: any): unknown => {
        if (name === 'listPages') {
            const first: number = input.firstPage ?? 0;
            const count = Math.min(chunkPages(input.chunk ?? 0, pageSize), pages - first);
            const more = first + count < pages;
            return {
                table: input.table,
                mode: 'full',
                kind: 'copy',
                pages: count,
                rows: count * pageSize,
                deletedPages: 0,
                deleted: 0,
                chunk: input.chunk,
                firstPage: first,
                more,
                ...(more ? { next: `key-${first + count}` } : {}),
                ms: 1,
            };
        }
        if (name === 'copyPage')
            return {
                table: input.table,
                page: input.page,
                kind: 'copy',
                counts: { ...zero, read: pageSize, written: pageSize, created: pageSize },
                deferredWork: input.page % 10 === 0 ? 1 : 0,
                stateWork: 0,
                ms: 1,
            };
        throw new Error(`replay bench: no synthetic result for ${name}`);
    };
}

async function playCase(pages: number, pagesPerOrchestration: number | undefined): Promise<ReplayCase> {
    const input = {
        runId: 'bench',
        table: 'account',
        mode: 'full',
        // Far above any table here: one history holds every page (what the budget replaced).
        pagesPerOrchestration: pagesPerOrchestration ?? Number.MAX_SAFE_INTEGER,
    };
    const tree = await playTree(OrchestratorName.tableCopy, input, 'bench:copy:0-0', {
        orchestrators,
        activity: syntheticActivities(pages),
        dropFinished: true,
    });
    const output = tree.output as { pages: number };
    if (output.pages !== pages) throw new Error(`replay bench: ${output.pages} pages copied of ${pages}`);
    return {
        pages,
        ...(pagesPerOrchestration !== undefined ? { pagesPerOrchestration } : {}),
        orchestrations: tree.instances.size,
        episodes: tree.episodes,
        replayedEvents: tree.replayedEvents,
        largestReplay: tree.largestReplay,
        replayMs: tree.replayMs,
        eventsPerPage: tree.replayedEvents / pages,
        microsecondsPerPage: (tree.replayMs * 1000) / pages,
    };
}

export async function replayBench(log: (line: string) => void): Promise<ReplayFigures> {
    // Once untimed first: the first replays run before the JIT has compiled the SDK, and would weigh on 1k alone.
    await playCase(REPLAY_SIZES[0], SPEC_DEFAULTS.pagesPerOrchestration);
    const bounded: ReplayCase[] = [];
    for (const pages of REPLAY_SIZES) {
        log(`replay: ${pages} pages, bounded`);
        bounded.push(await playCase(pages, SPEC_DEFAULTS.pagesPerOrchestration));
    }
    const unbounded: ReplayCase[] = [];
    for (const pages of UNBOUNDED_SIZES) {
        log(`replay: ${pages} pages, unbounded`);
        unbounded.push(await playCase(pages, undefined));
    }
    const first = bounded[0]!;
    const last = bounded[bounded.length - 1]!;
    return {
        bounded,
        unbounded,
        replayCostPerPage: Object.fromEntries(bounded.map((c) => [String(c.pages), c.eventsPerPage])),
        replayCostRatio: last.eventsPerPage / first.eventsPerPage,
        replayTimeRatio: last.microsecondsPerPage / first.microsecondsPerPage,
    };
}
