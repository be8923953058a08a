/**
 * Request gate of the Dataverse simulator: auth, service protection limits, server-time model,
 * time scale and fault injection. See ../gate-contract.md. Implementation lands in sibling modules.
 */
import type { IncomingMessage } from 'node:http';
import type { SimError } from '../errors.js';

export interface LimitsConfig {
    windowSeconds: number;
    maxRequestsPerWindow: number;
    maxExecutionMsPerWindow: number;
    maxConcurrentRequests: number;
    dopHint: number;
    serverTime: { fixedMsPerRequest: number; msPerRowRead: number; msPerRowWritten: number };
}

export interface FaultsConfig {
    seed: number;
}

export interface GateOptions {
    envUrl: string;
    auth: 'any' | 'strict';
    limits: LimitsConfig | 'none';
    faults?: FaultsConfig;
    latencyMs?: number;
    timeScale?: number;
}
export interface GateContext {
    user: string;
}
export type GateExit =
    | { kind: 'respond'; delayMs: number; headers: Record<string, string> }
    | { kind: 'error'; delayMs: number; error: SimError }
    | { kind: 'reset'; afterBytes: number };
export interface GateStats {
    throttled: { requests: number; executionTime: number; concurrency: number };
    faults: Record<string, number>;
    requestsPerUser: Record<string, number>;
    totalExecutionMs: number;
}
export interface Gate {
    enter(req: IncomingMessage): { ok: true; ctx: GateContext } | { ok: false; error: SimError; delayMs: number };
    leave(ctx: GateContext, work: { rowsRead: number; rowsWritten: number; status: number }): GateExit;
    stats(): GateStats;
    ceiling(writeBatchSize: number): { rowsPerSecond: number; requestsPerSecond: number; bindingLimit: string };
}
export function createGate(options: GateOptions): Gate {
    void options;
    throw new Error('createGate: not implemented yet');
}
