/**
 * The v3 SDK adapter: the history builder and replayOnce drive toy orchestrators episode by episode through the
 * real SDK, the way durable-functions' own tests do (trigger input, task ids in scheduling order, retry timers
 * taking ids, V3 actions, failures parsed from $OutOfProcData$, currentUtcDateTime and isReplaying), and
 * replayEpisode plays the next episode of an execution rebuilt from journal records.
 */
import * as df from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { Execution } from '../../src/host/local/execution.js';
import {
    ActionType,
    episode,
    executionStarted,
    orchestratorStarted,
    replayOnce,
    stateOfFailure,
    taskCompleted,
    taskFailed,
    taskScheduled,
    timerCreated,
    timerFired,
    replayEpisode,
    type HistoryEvent,
} from '../../src/host/local/sdk-v3/index.js';
import type { JournalRecord } from '../../src/host/local/journal.js';
import { fanOut, makeObserver, uncaughtFailure } from '../fixtures/host/orchestrators.js';

const t0 = new Date('2024-03-01T10:00:00.000Z');
const at = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000);

describe('replayOnce with built histories', () => {
    it('schedules a fan-out as one WhenAll, waits while some results are missing, then returns', async () => {
        const input = { count: 3 };
        const start = episode(at(0), executionStarted('fanOut', input));
        const first = await replayOnce(fanOut, { history: start, input, instanceId: 'f' });
        expect(first.isDone).toBe(false);
        expect(first.actions).toHaveLength(1);
        expect(first.actions[0]).toMatchObject([
            {
                actionType: ActionType.WhenAll,
                compoundActions: [0, 1, 2].map((i) => ({
                    actionType: ActionType.CallActivity,
                    functionName: 'square',
                    input: i,
                })),
            },
        ]);
        const scheduled = [0, 1, 2].map((i) => taskScheduled(i, 'square', i));
        const partly = [
            ...start.slice(0, -1),
            ...scheduled,
            ...episode(at(1), taskCompleted(2, 4), taskCompleted(0, 0)),
        ];
        expect((await replayOnce(fanOut, { history: partly, input, instanceId: 'f' })).isDone).toBe(false);
        const done = [...partly, ...episode(at(2), taskCompleted(1, 1))];
        expect(await replayOnce(fanOut, { history: done, input, instanceId: 'f' })).toMatchObject({
            isDone: true,
            output: 5,
        });
    });

    it('gives a retry timer and the next attempt the next task ids, and fails after the last attempt', async () => {
        const handler: df.OrchestrationHandler = function* (context: df.OrchestrationContext) {
            const tasks = [
                context.df.callActivityWithRetry('flaky', new df.RetryOptions(1000, 2), 'a'),
                context.df.callActivity('square', 2),
            ];
            return yield context.df.Task.all(tasks);
        };
        const replay = (history: HistoryEvent[]) => replayOnce(handler, { history, instanceId: 'r' });
        // Ids 0 and 1 are the two activities; the failure of 0 makes timer 2, its firing makes attempt 3.
        const history = [
            ...episode(at(0), executionStarted('r'), taskScheduled(0, 'flaky', 'a'), taskScheduled(1, 'square', 2)),
            ...episode(at(1), taskFailed(0, 'first failure', 'stack'), timerCreated(2, at(2)), taskCompleted(1, 4)),
            ...episode(at(2), timerFired(2, at(2)), taskScheduled(3, 'flaky', 'a')),
        ];
        expect((await replay(history)).isDone).toBe(false);
        expect(await replay([...history, ...episode(at(3), taskCompleted(3, 'ok'))])).toMatchObject({
            isDone: true,
            output: ['ok', 4],
        });
        // After the second (last) attempt fails, the SDK waits for one more timer, then fails the task.
        const failing = [
            ...history,
            ...episode(at(3), taskFailed(3, 'second failure', 'stack 2'), timerCreated(4, at(3))),
        ];
        expect((await replay(failing)).isDone).toBe(false);
        const failed = await replay([...failing, ...episode(at(3), timerFired(4, at(3)))]);
        expect(failed.error).toBe('second failure \n stack 2');
    });

    it('parses the failure state of an uncaught activity failure from $OutOfProcData$', async () => {
        const history = [
            ...episode(at(0), executionStarted('u'), taskScheduled(0, 'fail', 'why')),
            orchestratorStarted(at(1)),
            taskFailed(0, "Activity function 'fail' failed: no", 'Error: no\n    at somewhere'),
        ];
        const state = await replayOnce(uncaughtFailure, { history, instanceId: 'u' });
        expect(state).toMatchObject({
            isDone: false,
            error: "Activity function 'fail' failed: no \n Error: no\n    at somewhere",
        });
        expect(stateOfFailure(new Error('plain error'))).toBeUndefined();
    });

    it('advances currentUtcDateTime to each episode start and replays with isReplaying until the new episode', async () => {
        const effects: string[] = [];
        const observer = makeObserver(effects);
        const history = [
            ...episode(at(0), executionStarted('o'), taskScheduled(0, 'identity')),
            ...episode(at(5), taskCompleted(0), taskScheduled(1, 'identity')),
            orchestratorStarted(at(9)),
            taskCompleted(1),
        ];
        const state = await replayOnce(observer, { history, instanceId: 'obs' });
        expect(effects).toEqual(['step 2']);
        const seen = (state.actions[0] as { input: { when: Date } }[]).map((a) => a.input.when.toISOString());
        expect(seen).toEqual([at(0), at(5), at(9)].map((d) => d.toISOString()));
    });

    it('rejects a history without an OrchestratorStarted event with the SDK message', async () => {
        await expect(
            replayOnce(fanOut, { history: [executionStarted('f', { count: 1 })], instanceId: 'x' }),
        ).rejects.toThrow('The orchestrator can not execute without an OrchestratorStarted event.');
    });
});

describe('episodes of an execution rebuilt from journal records', () => {
    const start: JournalRecord = {
        k: 'start',
        v: 1,
        execution: 0,
        name: 'fanOut',
        instanceId: 'e',
        input: '{"count":2}',
        at: at(0).toISOString(),
    };
    const firstEpisode: JournalRecord = {
        k: 'episode',
        execution: 0,
        at: at(0).toISOString(),
        consumed: [0],
        scheduled: [
            { id: 0, kind: 'activity', name: 'square', input: '0' },
            { id: 1, kind: 'activity', name: 'square', input: '1' },
        ],
    };

    /** Message n: task `taskId` completed with `result` (JSON text). */
    function completion(n: number, taskId: number, result: string): JournalRecord {
        return { k: 'msg', execution: 0, n, at: at(1).toISOString(), m: { kind: 'taskCompleted', taskId, result } };
    }

    /** The next episode of the execution that `records` make, its start input replaced by `input` when given. */
    async function next(records: JournalRecord[], handler: df.OrchestrationHandler, input?: unknown) {
        const first = { ...start, ...(input === undefined ? {} : { input: JSON.stringify(input) }) } as JournalRecord;
        const exec = Execution.fromRecords([first, ...records], 'test');
        const episode = await replayEpisode(handler, { execution: exec, at: at(1) });
        return episode!.record;
    }

    it('plays a received completion and completes with the output', async () => {
        const exec = Execution.fromRecords([start, firstEpisode, completion(1, 1, '1'), completion(2, 0, '0')], 'test');
        expect(exec.outstanding.size).toBe(0);
        const record = await next([firstEpisode, completion(1, 1, '1'), completion(2, 0, '0')], fanOut);
        expect(record).toMatchObject({
            consumed: [1, 2],
            scheduled: [],
            outcome: { status: 'Completed', output: '1' },
        });
    });

    it('names the task when a replay schedules it with another input, or not at all', async () => {
        const records = [firstEpisode, completion(1, 0, '0')];
        const sameTasks = await next(records, fanOut, { count: 2, activity: 'square' });
        expect(sameTasks.outcome).toBeUndefined();
        const fewer = await next(records, fanOut, { count: 1 });
        expect(fewer.outcome).toMatchObject({ status: 'Failed' });
        expect((fewer.outcome as { error: string }).error).toContain(
            "Non-deterministic orchestrator 'fanOut' (instance 'e'): task 1 is activity 'square' in the history, but the replay scheduled nothing",
        );
        const handler: df.OrchestrationHandler = function* (context: df.OrchestrationContext) {
            return yield context.df.Task.all([
                context.df.callActivity('square', 0),
                context.df.callActivity('square', 5),
            ]);
        };
        const other = await next(records, handler);
        expect((other.outcome as { error: string }).error).toContain(
            "task 1 is activity 'square' in the history, but the replay scheduled activity 'square' with a different input",
        );
    });
});
