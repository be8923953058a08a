/**
 * The activities a set of journals recorded as completed: name, input and result, from the tasks their
 * episodes scheduled and the completions they received (a retried activity's completion counts for the
 * activity it retries). A host that continues an ended run takes these results instead of running the same
 * activities again.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readJournal, type TaskRecord } from './journal.js';

export interface CompletedActivity {
    name: string;
    /** The input as JSON text, as the orchestrator scheduled it (absent for no input). */
    input?: string;
    /** The result as JSON text. */
    result: string;
}

/** Completed activities of every journal in `folder` (none when the folder does not exist). */
export async function completedActivities(folder: string): Promise<CompletedActivity[]> {
    const files = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw error;
    });
    const completed: CompletedActivity[] = [];
    for (const file of files.filter((f) => f.endsWith('.jsonl')).sort()) {
        const journal = await readJournal(join(folder, file));
        if (!journal) continue;
        const tasks = new Map<number, TaskRecord>();
        for (const record of journal.records)
            if (record.k === 'episode') for (const task of record.scheduled) tasks.set(task.id, task);
        const activityOf = (id: number): TaskRecord | undefined => {
            const task = tasks.get(id);
            return task?.kind === 'retryAttempt' ? tasks.get(task.of) : task;
        };
        for (const record of journal.records) {
            if (record.k !== 'msg' || record.m.kind !== 'taskCompleted') continue;
            const task = activityOf(record.m.taskId);
            if (task?.kind !== 'activity') continue;
            completed.push({
                name: task.name,
                ...(task.input !== undefined ? { input: task.input } : {}),
                result: record.m.result,
            });
        }
    }
    return completed;
}
