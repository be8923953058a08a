/**
 * Results of activities a run completed before it ended, for continuing it (`run --resume` of a cancelled or
 * failed run): the continued run plays its orchestrators again, and every activity it schedules with the same
 * name and input as one that completed takes that result instead of running, so finished pages are neither
 * read nor written again and their counts stay in the run. Never taken: the plan (the run's documents are
 * written again), the events and the summary, a page that stopped for a cancel, and failures returned as data.
 */
import type { ActivityTable } from '../activities/index.js';
import { isActivityFailure } from '../run/activity-failure.js';
import type { CompletedActivity } from './local/completed-activities.js';

const NEVER = new Set(['planRun', 'logEvent', 'finishRun']);

function runIdOf(input: unknown): string | undefined {
    const runId = (input as { runId?: unknown } | null)?.runId;
    return typeof runId === 'string' ? runId : undefined;
}

/** Activity name and input as one key: the input normalised through JSON, as the host passes it. */
function keyOf(name: string, input: unknown): string {
    return `${name}\u0000${JSON.stringify(input ?? null)}`;
}

export class ActivityMemo {
    private readonly runs = new Map<string, Map<string, unknown>>();

    /** Takes the completed activities of a run's earlier executions (later ones win). */
    remember(runId: string, completed: readonly CompletedActivity[]): number {
        const results = new Map<string, unknown>();
        for (const activity of completed) {
            if (NEVER.has(activity.name)) continue;
            const result: unknown = JSON.parse(activity.result);
            if (isActivityFailure(result) || (result as { cancelled?: unknown } | null)?.cancelled === true) continue;
            const input: unknown = activity.input === undefined ? undefined : JSON.parse(activity.input);
            if (runIdOf(input) !== runId) continue;
            results.set(keyOf(activity.name, input), result);
        }
        this.runs.set(runId, results);
        return results.size;
    }

    forget(runId: string): void {
        this.runs.delete(runId);
    }

    /** The table with every activity answering from the memo where it can. */
    wrap(table: ActivityTable): ActivityTable {
        const wrapped = { ...table };
        for (const [name, handler] of Object.entries(table) as Array<
            [keyof ActivityTable, ActivityTable[keyof ActivityTable]]
        >) {
            wrapped[name] = async (input, context) => {
                const runId = runIdOf(input);
                const results = runId === undefined ? undefined : this.runs.get(runId);
                const key = keyOf(name, input);
                if (results?.has(key)) return results.get(key);
                const result = await handler(input, context);
                if (name === 'finishRun' && runId !== undefined) this.forget(runId);
                return result;
            };
        }
        return wrapped;
    }
}
