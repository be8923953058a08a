/**
 * The activity table: every activity by name, each a host-free function of its input (checked against
 * its schema in contract.ts) and of the host's abort signal. Both hosts dispatch from this one table:
 * the Functions app registers each entry with `df.app.activity`, the local host calls them in-process.
 * Row outcomes come back as data. Failures no retry can mend (an input that does not parse, a run
 * document that is not there) come back as data too, so the run fails at once; only transient failures
 * throw, and the orchestrators retry those. Activities run at least once: a completed one leaves a receipt
 * (src/run/receipts.ts), and an execution with the same input returns its result without doing the work again.
 */
import { setMaxListeners } from 'node:events';
import { z } from 'zod';
import { activityFailure, RunDocumentError } from '../run/activity-failure.js';
import { withTally } from '../run/request-outcome.js';
import { readReceipt, writeReceipt } from '../run/receipts.js';
import { RunContexts, type ActivityDeps } from '../run/run-context.js';
import { LeaseKeeper } from '../run/lease-keeper.js';
import { LeaseLostError } from '../run/run-lease.js';
import { associatePage } from './associate-page.js';
import {
    ACTIVITY_NAMES,
    activityInputs,
    type ActivityInput,
    type ActivityName,
    type ActivityOptions,
} from './contract.js';
import { copyContentPage } from './copy-content-page.js';
import { copyPage } from './copy-page.js';
import { createSchema } from './create-schema.js';
import { deletePage } from './delete-page.js';
import { findDeletes } from './find-deletes.js';
import { disassociatePairs, findDisassociations } from './disassociate-pairs.js';
import { finishRun } from './finish-run.js';
import { listDeletePages } from './list-delete-pages.js';
import { listPages } from './list-pages.js';
import { listRelationshipPages } from './list-relationship-pages.js';
import { logEvent } from './log-event.js';
import { patchDeferredPage } from './patch-deferred-page.js';
import { planRun } from './plan-run.js';
import { setStatePage } from './set-state-page.js';
import { PageBudget } from '../copy/page-budget.js';

export type { ActivityInput, ActivityName, ActivityOptions } from './contract.js';

type Work = { [N in ActivityName]: (input: ActivityInput<N>, options: ActivityOptions) => Promise<unknown> };

/** Every activity's work over one process's dependencies (store, environment connections, clock). */
export function activityWork(deps: ActivityDeps) {
    const contexts = new RunContexts(deps);
    // One budget for every page this process copies, whichever run it belongs to.
    const pages = new PageBudget(deps.pageBytes);
    const ctx = (runId: string) => contexts.get(runId);
    return {
        planRun: (input, options) => {
            contexts.forget(input.runId); // planned again (a resume): its documents may have changed
            return planRun(deps, input, options);
        },
        createSchema: async (input, options) => {
            const outcome = await createSchema(await ctx(input.runId), input, options);
            contexts.forget(input.runId); // the plan was written again against the created schema
            return outcome;
        },
        listPages: async (input, options) => listPages(await ctx(input.runId), input, options),
        copyPage: async (input, options) => copyPage(await ctx(input.runId), input, { ...options, pages }),
        patchDeferredPage: async (input, options) => patchDeferredPage(await ctx(input.runId), input, options),
        setStatePage: async (input, options) => setStatePage(await ctx(input.runId), input, options),
        copyContentPage: async (input, options) => copyContentPage(await ctx(input.runId), input, options),
        listRelationshipPages: async (input, options) => listRelationshipPages(await ctx(input.runId), input, options),
        associatePage: async (input, options) => associatePage(await ctx(input.runId), input, options),
        listDeletePages: async (input, options) => listDeletePages(await ctx(input.runId), input, options),
        findDeletes: async (input, options) => findDeletes(await ctx(input.runId), input, options),
        deletePage: async (input, options) => deletePage(await ctx(input.runId), input, options),
        findDisassociations: async (input, options) => findDisassociations(await ctx(input.runId), input, options),
        disassociatePairs: async (input, options) => disassociatePairs(await ctx(input.runId), input, options),
        logEvent: (input) => logEvent(deps, input),
        finishRun: async (input) => {
            const summary = await finishRun(deps, input);
            contexts.forget(input.runId);
            return summary;
        },
    } satisfies Work;
}

/** What an activity gives back, as the orchestrators receive it (inferred from the work itself). */
export type ActivityResult<N extends ActivityName> = Awaited<ReturnType<ReturnType<typeof activityWork>[N]>>;

/** An activity as a host dispatches it: its raw input and the host's signal in, its result out. */
export type ActivityHandler = (input: unknown, context: ActivityOptions) => Promise<unknown>;
export type ActivityTable = Record<ActivityName, ActivityHandler>;

/** A result that did not do the activity's work: a page that stopped for a cancel gets no receipt. */
function cancelled(result: unknown): boolean {
    return typeof result === 'object' && result !== null && (result as { cancelled?: unknown }).cancelled === true;
}

/**
 * The table the hosts dispatch from: input checked, an earlier completed execution's result returned as it was,
 * failures that no retry mends returned as data.
 */
export function createActivities(deps: ActivityDeps): ActivityTable {
    const work: Work = activityWork(deps);
    const leases = deps.leases ?? new LeaseKeeper({ store: deps.store, ...(deps.now ? { now: deps.now } : {}) });
    const table = {} as ActivityTable;
    for (const name of ACTIVITY_NAMES) {
        const run = work[name] as (input: unknown, options: ActivityOptions) => Promise<unknown>;
        table[name] = async (raw, context) => {
            const parsed = activityInputs[name].safeParse(raw);
            if (!parsed.success)
                return activityFailure(name, {
                    name: 'InvalidActivityInput',
                    message: `its input is not valid: ${z.prettifyError(parsed.error)}`,
                });
            // Every request of the activity listens to its signal (many wait in the limiter at once).
            if (context.signal) setMaxListeners(0, context.signal);
            const input = parsed.data as { runId: string; spec?: unknown };
            try {
                // Each execution's work, done once: a repeated one returns its receipt (at-least-once delivery).
                const once = async () => {
                    const done = await readReceipt(deps.store, name, parsed.data);
                    if (done) return done.result;
                    // Its requests are counted into its outcome, so they are kept in its receipt and summed as counts.
                    const result = await withTally(() => run(parsed.data, { signal: context.signal }));
                    if (!cancelled(result)) await writeReceipt(deps.store, name, parsed.data, result);
                    return result;
                };
                // The finish writes the summary even for a run that lost its leases, then lets them go.
                if (name === 'finishRun') {
                    const summary = await once();
                    await leases.release(input.runId);
                    return summary;
                }
                const spec = name === 'planRun' ? (input.spec ?? null) : undefined;
                return await leases.during(input.runId, spec, once);
            } catch (error) {
                if (error instanceof RunDocumentError || error instanceof LeaseLostError)
                    return activityFailure(name, error);
                throw error;
            }
        };
    }
    return table;
}
