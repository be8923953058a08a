/**
 * `dataverse-sim/testing`: for tests that drive the gate directly (`createGate`) rather than over HTTP: a manual
 * clock to inject as its `clock`, and requests with given headers to pass to `enter`.
 */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';

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
