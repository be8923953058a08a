/**
 * Guard for the one internal module of durable-functions the local host depends on. If an upgrade moves or
 * changes it, this test says what broke and where the host uses it, instead of every host test failing oddly.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const version = (
    JSON.parse(readFileSync(require.resolve('durable-functions/package.json'), 'utf8')) as { version: string }
).version;
const where =
    'src/host/local/sdk-v3/replay.ts imports it, typed by src/host/local/sdk-v3/durable-functions-testing.d.ts; ' +
    'find where this version keeps createOrchestrator and DummyOrchestrationContext, or pin durable-functions 3.5.0 again ' +
    '(v4 has no such module: it needs an adapter of its own beside sdk-v3/, see src/host/local/README.md)';

describe('durable-functions internals used by the local host', () => {
    it(`durable-functions ${version} still has lib/src/util/testingUtils.js with createOrchestrator and DummyOrchestrationContext`, async () => {
        let testing: Record<string, unknown>;
        try {
            testing = await import('durable-functions/lib/src/util/testingUtils.js');
        } catch (error) {
            throw new Error(
                `durable-functions ${version} no longer has lib/src/util/testingUtils.js (${String(error)}); ${where}`,
            );
        }
        expect(typeof testing.createOrchestrator, `createOrchestrator is gone from testingUtils; ${where}`).toBe(
            'function',
        );
        expect(
            typeof testing.DummyOrchestrationContext,
            `DummyOrchestrationContext is gone from testingUtils; ${where}`,
        ).toBe('function');
    });

    it('replays with the trigger shape, V3 actions and failure label the host relies on', async () => {
        const { replayOnce } = await import('../../src/host/local/sdk-v3/replay.js');
        const { episode, executionStarted, orchestratorStarted, taskFailed } =
            await import('../../src/host/local/sdk-v3/history.js');
        const at = new Date('2024-01-01T00:00:00Z');
        const handler: OrchestrationHandler = function* (context: OrchestrationContext) {
            return yield context.df.callActivity('a', 1);
        };
        const first = await replayOnce(handler, { history: episode(at, executionStarted('o')), instanceId: 'g' });
        expect(first, `durable-functions ${version} returns another OrchestratorState; ${where}`).toMatchObject({
            isDone: false,
            schemaVersion: 2,
            actions: [[{ actionType: 0, functionName: 'a', input: 1 }]],
        });
        const failed = await replayOnce(handler, {
            history: [
                ...episode(at, executionStarted('o')),
                orchestratorStarted(at),
                taskFailed(0, 'reason', 'details'),
            ],
            instanceId: 'g',
        });
        expect(
            failed.error,
            `durable-functions ${version} reports failures differently ($OutOfProcData$); ${where}`,
        ).toBe('reason \n details');
    });
});
