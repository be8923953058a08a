/** Shared by the gate-*.test.ts files: the package's testing helpers (a manual clock, requests with given headers) and result checks. */
import { expect } from 'vitest';
import type { EnterResult, GateContext, GateExit } from '../src/gate/index.js';
import type { SimError } from '../src/errors.js';

export { ManualClock, request } from '../src/testing.js';

export function bearer(token: string): Record<string, string> {
    return { Authorization: `Bearer ${token}` };
}

export function admitted(result: EnterResult): GateContext {
    if (!result.ok) throw new Error(`expected admission, got ${result.error.status} ${result.error.message}`);
    return result.ctx;
}

export function rejected(result: EnterResult): SimError {
    if (result.ok) throw new Error(`expected a rejection, request for ${result.ctx.user} was admitted`);
    return result.error;
}

export function responded(exit: GateExit): Extract<GateExit, { kind: 'respond' }> {
    expect(exit.kind).toBe('respond');
    return exit as Extract<GateExit, { kind: 'respond' }>;
}
