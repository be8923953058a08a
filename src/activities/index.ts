/**
 * The activity table: every activity by name, as host-free functions of their (zod-checked) input.
 * Both hosts dispatch from this one table: the Functions app registers each entry with
 * `df.app.activity`, the local host calls them in-process. Row outcomes come back as data; only
 * infrastructure failures throw, and the orchestrators retry those.
 */
import { associatePage, listRelationshipPages } from './associate-page.js';
import { copyPage } from './copy-page.js';
import { patchDeferredPage } from './patch-deferred-page.js';
import { deletePage, findDeletes, listDeletePages } from './delete-page.js';
import { appendEvents } from '../run/events.js';
import { finishRun } from './finish-run.js';
import { listPages } from './list-pages.js';
import { planRun } from './plan-run.js';
import { RunContexts, type ActivityDeps } from '../run/run-context.js';
import { setStatePage } from './set-state-page.js';
import { ActivityName, type ActivityNameValue } from '../orchestrators/names.js';
import {
    associateInput,
    deletePageInput,
    finishRunInput,
    findDeletesInput,
    listPagesInput,
    logEventInput,
    pageInput,
    planRunInput,
    relationshipInput,
    tableInput,
} from './contract.js';

export type ActivityFunction = (input: unknown) => Promise<unknown>;
export type ActivityTable = Record<ActivityNameValue, ActivityFunction>;

/** Builds the table over one process's dependencies (store, environment connections, clock). */
export function createActivities(deps: ActivityDeps): ActivityTable {
    const contexts = new RunContexts(deps);
    const ctx = (runId: string) => contexts.get(runId);
    return {
        [ActivityName.planRun]: async (raw) => {
            const input = planRunInput.parse(raw);
            contexts.forget(input.runId);
            return planRun(deps, input);
        },
        [ActivityName.listPages]: async (raw) => {
            const input = listPagesInput.parse(raw);
            return listPages(await ctx(input.runId), input);
        },
        [ActivityName.copyPage]: async (raw) => {
            const input = pageInput.parse(raw);
            return copyPage(await ctx(input.runId), input);
        },
        [ActivityName.patchDeferredPage]: async (raw) => {
            const input = pageInput.parse(raw);
            return patchDeferredPage(await ctx(input.runId), input);
        },
        [ActivityName.setStatePage]: async (raw) => {
            const input = pageInput.parse(raw);
            return setStatePage(await ctx(input.runId), input);
        },
        [ActivityName.listRelationshipPages]: async (raw) => {
            const input = relationshipInput.parse(raw);
            return listRelationshipPages(await ctx(input.runId), input);
        },
        [ActivityName.associatePage]: async (raw) => {
            const input = associateInput.parse(raw);
            return associatePage(await ctx(input.runId), input);
        },
        [ActivityName.listDeletePages]: async (raw) => {
            const input = tableInput.parse(raw);
            return listDeletePages(await ctx(input.runId), input);
        },
        [ActivityName.findDeletes]: async (raw) => {
            const input = findDeletesInput.parse(raw);
            return findDeletes(await ctx(input.runId), input);
        },
        [ActivityName.deletePage]: async (raw) => {
            const input = deletePageInput.parse(raw);
            return deletePage(await ctx(input.runId), input);
        },
        [ActivityName.logEvent]: async (raw) => {
            const input = logEventInput.parse(raw);
            await appendEvents(deps.store, input.runId, [input.event], deps.now);
            return null;
        },
        [ActivityName.finishRun]: async (raw) => {
            const input = finishRunInput.parse(raw);
            const summary = await finishRun(deps, input);
            contexts.forget(input.runId);
            return summary;
        },
    };
}
