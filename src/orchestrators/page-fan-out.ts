/**
 * Page fan-out with a bounded history. The Functions host replays an orchestration's whole history on every
 * episode, so one that scheduled n page activities replays O(n) events per completion and O(n²) per table. Each
 * orchestration execution therefore schedules at most `limit` page activities itself (all its fan-outs together);
 * a fan-out past that budget goes to `pageBatch` sub-orchestrations of at most `limit` pages each. Their ids derive
 * from the parent's (`<parent id>:pages:<n>`, n counting this execution's batches in scheduling order), so a replay
 * or a resume names the same children and no two orchestrations of a run share an id. Either way the outcomes are
 * folded by page-fold.ts, so a table adds up the same however it was split.
 */
import type { OrchestrationContext, Task } from 'durable-functions';
import type { ActivityInput, ActivityName, ActivityResult } from '../activities/index.js';
import { SPEC_DEFAULTS } from '../spec/defaults.js';
import { activity, all, child, type TypedTask } from './call.js';
import type { PageBatchInput } from './contracts.js';
import { OrchestratorName } from './names.js';
import { foldOutcomes, mergeFolds, type PageFold } from './page-fold.js';

/** Activities that work on one page: their input has a page number. */
export type PageActivity = {
    [N in ActivityName]: ActivityInput<N> extends { page: number } ? N : never;
}[ActivityName];

/** The numeric fields of an outcome (what a fold can mark). */
type NumericField<T> = { [K in keyof T]-?: NonNullable<T[K]> extends number ? K : never }[keyof T] & string;

/** One fan-out: an activity, the input its pages share, the pages, and the outcome fields to mark. */
export interface PageWork<N extends PageActivity> {
    activity: N;
    /** Everything of the activity's input but the page. */
    input: Omit<ActivityInput<N>, 'page'>;
    pages: readonly number[];
    /** Outcome fields whose pages and total the fold keeps (`deferredWork`: the pages the deferred phase patches). */
    mark?: ReadonlyArray<NumericField<ActivityResult<N>>>;
}

/** The tasks of one fan-out (to wait for, alone or beside others) and how their results fold. */
export interface ScheduledPages {
    tasks: TypedTask<unknown>[];
    fold(results: readonly unknown[]): PageFold;
}

export class PageFanOut {
    private inline = 0;
    private batches = 0;
    private readonly limit: number;

    constructor(
        private readonly context: OrchestrationContext,
        /** Page activities one orchestration history holds at most; absent: the spec's default. */
        limit?: number,
    ) {
        this.limit = limit ?? SPEC_DEFAULTS.pagesPerOrchestration;
    }

    /** Schedules the pages here while the budget lasts, else in page batches of at most `limit`. */
    schedule<N extends PageActivity>(work: PageWork<N>): ScheduledPages {
        const pages = [...work.pages];
        const mark: string[] = [...(work.mark ?? [])];
        if (this.inline + pages.length <= this.limit) {
            this.inline += pages.length;
            return {
                tasks: pages.map((page) =>
                    // The input is the shared part with this page: the activity's own input, which TS cannot see.
                    activity(this.context, work.activity, { ...work.input, page } as unknown as ActivityInput<N>),
                ),
                fold: (results) => foldOutcomes(pages, results, mark),
            };
        }
        const tasks: TypedTask<PageFold>[] = [];
        for (let first = 0; first < pages.length; first += this.limit) {
            const input: PageBatchInput = {
                activity: work.activity,
                input: work.input,
                pages: pages.slice(first, first + this.limit),
                ...(mark.length > 0 ? { mark } : {}),
            };
            const id = `${this.context.df.instanceId}:pages:${this.batches++}`;
            tasks.push(child(this.context, OrchestratorName.pageBatch, input, id));
        }
        return { tasks, fold: (results) => mergeFolds(results as PageFold[], mark) };
    }

    /** Schedules one fan-out and waits for all of it. */
    *run<N extends PageActivity>(work: PageWork<N>): Generator<Task, PageFold, unknown> {
        const scheduled = this.schedule(work);
        return scheduled.fold(yield* all(this.context, scheduled.tasks));
    }
}
