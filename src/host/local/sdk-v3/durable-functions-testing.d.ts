/**
 * Types for the one internal module of `durable-functions` (3.5.0, CommonJS, no `.d.ts` under lib/) that the
 * local host imports: the SDK's own test entry point, which runs an orchestrator generator through the same
 * replay engine the Functions host drives. test/unit/host-sdk-guard.test.ts fails clearly if an upgrade moves it.
 */
declare module 'durable-functions/lib/src/util/testingUtils.js' {
    import type { InvocationContext, LogHandler } from '@azure/functions';
    import type { DurableOrchestrationContext, OrchestrationHandler } from 'durable-functions';

    /** What the SDK returns for one replay (`OrchestratorState`); failures reject with the state inside. */
    export interface SdkOrchestratorState {
        isDone: boolean;
        actions: unknown[][];
        output?: unknown;
        error?: string;
        customStatus?: unknown;
        schemaVersion: number;
    }

    /** An InvocationContext whose `df` the SDK fills in on the first call. */
    export class DummyOrchestrationContext extends InvocationContext {
        constructor(functionName?: string, invocationId?: string, logHandler?: LogHandler);
        df: DurableOrchestrationContext | undefined;
    }

    /** The orchestration trigger handler the SDK registers for `fn` (`new Orchestrator(fn).listen()`). */
    export function createOrchestrator(
        fn: OrchestrationHandler,
    ): (orchestrationTrigger: object, context: DummyOrchestrationContext) => Promise<SdkOrchestratorState>;
}
