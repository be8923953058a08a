/** Shared by the gate-*.test.ts files: a manual clock and real IncomingMessage objects carrying given headers. */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { expect } from 'vitest';
import type { EnterResult, GateContext, GateExit } from '../src/gate/index.js';
import type { SimError } from '../src/errors.js';

export class ManualClock {
    constructor(public nowMs = Date.UTC(2025, 0, 1)) {}
    readonly read = (): number => this.nowMs;
    advance(ms: number): void {
        this.nowMs += ms;
    }
}

/** A real (unconnected) IncomingMessage with the given request headers. */
export function request(headers: Record<string, string> = {}): IncomingMessage {
    const msg = new IncomingMessage(new Socket());
    msg.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return msg;
}

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
