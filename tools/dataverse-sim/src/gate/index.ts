/**
 * Request gate of the Dataverse simulator (contract: ../gate-contract.md): auth, service protection limits,
 * server-time model, time scale and seeded fault injection. The HTTP server calls `enter` first for every request
 * ($batch counts as one), runs the handler, then `leave`, and always calls `leave` for a request that entered.
 */
import type { IncomingMessage } from 'node:http';
import type { SimError } from '../errors.js';
import { authenticate } from './auth.js';
import { computeCeiling, type Ceiling } from './ceiling.js';
import { DatabaseFaults, type DatabaseFaultKind, type WriteFootprint } from './database-faults.js';
import type { FaultsConfig } from './faults-config.js';
import { FaultInjector, faultError, faultStatsKey, type FaultDecision, type FaultStatsKey } from './faults.js';
import { Limiter } from './limiter.js';
import { DEFAULT_DOP_HINT, modeledServerMs, type LimitsConfig } from './limits-config.js';
import { SimTime, type Clock } from './sim-time.js';
import { throttleError, type LimitKind } from './throttle-errors.js';

export type { LimitsConfig } from './limits-config.js';
export type { FaultsConfig } from './faults-config.js';
export type { Clock } from './sim-time.js';
export type { BindingLimit, Ceiling } from './ceiling.js';
export type { LimitKind } from './throttle-errors.js';
export type { DatabaseFaultKind, WriteFootprint } from './database-faults.js';
export {
    DATAVERSE_LIMITS,
    limitsConfigSchema,
    modeledServerMs,
    parseLimitsConfig,
    resolveLimitsOption,
} from './limits-config.js';
export { faultsConfigSchema, loadFaultsFile, parseFaultsConfig } from './faults-config.js';
export { makeTestJwt, decodeJwt } from './jwt.js';
export { UnauthorizedError, ANONYMOUS_USER, SIM_TENANT_ID } from './auth.js';
export { computeCeiling } from './ceiling.js';

export interface GateOptions {
    /** Environment URL, e.g. http://127.0.0.1:5555; its origin is the token audience in strict auth. */
    envUrl: string;
    auth: 'any' | 'strict';
    /** `DATAVERSE_LIMITS` = documented service protection limits; 'none' = no limits and no delays. */
    limits: LimitsConfig | 'none';
    faults?: FaultsConfig;
    /** Real ms added to every response. */
    latencyMs?: number;
    /** Real seconds per simulated second (0.01 compresses the 300 s window to 3 s). Default 1. */
    timeScale?: number;
    /** Optional (not in the contract): real epoch-ms clock, injectable for deterministic tests. Default Date.now. */
    clock?: Clock;
}

/** Opaque per-request handle from `enter`, passed back to `leave`. */
export interface GateContext {
    user: string;
}

export type GateExit =
    | { kind: 'respond'; delayMs: number; headers: Record<string, string> }
    | { kind: 'error'; delayMs: number; error: SimError }
    | { kind: 'reset'; afterBytes: number };

export interface GateStats {
    /** Every request that reached `enter`. */
    requests: number;
    /** Requests admitted to the handler. */
    admitted: number;
    /** 401 answers (strict auth). */
    unauthorized: number;
    throttled: Record<LimitKind, number>;
    faults: Record<FaultStatsKey | DatabaseFaultKind, number>;
    /** 503 answers of an outage (`beginOutage`), not counted as requests' faults. */
    outage: number;
    requestsPerUser: Record<string, number>;
    /** Modeled (simulated) server execution time of all admitted requests, ms. */
    totalExecutionMs: number;
    rowsRead: number;
    rowsWritten: number;
}

export type EnterResult = { ok: true; ctx: GateContext } | { ok: false; error: SimError; delayMs: number };

export interface Gate {
    /** First thing per HTTP request ($batch counts as one). Auth, 429 limits, injected pre-work faults. */
    enter(req: IncomingMessage): EnterResult;
    /**
     * The handler is about to write `write.rows` rows of `write.table` in one transaction: the SQL error that rolls
     * it back (the handler answers it and writes nothing), or undefined. At most one per request.
     */
    write(ctx: GateContext, write: WriteFootprint): SimError | undefined;
    /** After the handler did the work, before the response is written. */
    leave(ctx: GateContext, work: { rowsRead: number; rowsWritten: number; status: number }): GateExit;
    /** Until `endOutage`, every request is answered 503 with `Retry-After` before anything else (the data is kept). */
    beginOutage(retryAfterSeconds: number): void;
    endOutage(): void;
    stats(): GateStats;
    /** The throughput ceiling implied by the config (rows written per real second, one user), for benchmarks. */
    ceiling(writeBatchSize: number): Ceiling;
}

interface Pending {
    fault: FaultDecision | undefined;
    /** A database fault rolled back one of its writes: the request draws no other. */
    databaseFault: boolean;
    left: boolean;
}

export function createGate(options: GateOptions): Gate {
    const envOrigin = originOf(options.envUrl);
    const time = new SimTime(options.clock ?? Date.now, options.timeScale ?? 1);
    const latencyMs = options.latencyMs ?? 0;
    if (!(latencyMs >= 0)) throw new Error(`latencyMs must be >= 0, got ${latencyMs}`);
    const limits = options.limits;
    const limiter = limits === 'none' ? undefined : new Limiter(limits);
    const faults = options.faults ? new FaultInjector(options.faults) : undefined;
    const database = new DatabaseFaults(options.faults ?? { seed: 0 }, () => time.realNow());
    let outageRetryAfterSeconds: number | undefined;
    const dopHint = String(limits === 'none' ? DEFAULT_DOP_HINT : limits.dopHint);
    const pending = new WeakMap<GateContext, Pending>();

    const stats: GateStats = {
        requests: 0,
        admitted: 0,
        unauthorized: 0,
        throttled: { requests: 0, executionTime: 0, concurrency: 0 },
        faults: {
            serverErrorBeforeWork: 0,
            serverErrorAfterWork: 0,
            unavailable: 0,
            reset: 0,
            slow: 0,
            sqlTimeout: 0,
            deadlock: 0,
        },
        outage: 0,
        requestsPerUser: {},
        totalExecutionMs: 0,
        rowsRead: 0,
        rowsWritten: 0,
    };

    /** x-ms-dop-hint plus, with limits on, the two debug headers in the service's formats. */
    function baseHeaders(user: string, now: number): Record<string, string> {
        const headers: Record<string, string> = { 'x-ms-dop-hint': dopHint };
        if (limiter) {
            const left = limiter.remaining(user, now);
            headers['x-ms-ratelimit-burst-remaining-xrm-requests'] = String(left.requests);
            // The service reports the remaining combined duration in seconds, e.g. "1,199.46".
            headers['x-ms-ratelimit-time-remaining-xrm-requests'] = (left.executionMs / 1000).toLocaleString('en-US', {
                minimumFractionDigits: 2,
                maximumFractionDigits: 2,
            });
        }
        return headers;
    }

    function enter(req: IncomingMessage): EnterResult {
        stats.requests++;
        if (outageRetryAfterSeconds !== undefined) {
            // The environment is away: the front door answers before auth, limits or work.
            stats.outage++;
            const retryAfter = time.retryAfter(outageRetryAfterSeconds * 1000).header;
            const headers = { 'x-ms-dop-hint': dopHint, 'Retry-After': retryAfter };
            return { ok: false, error: faultError(503, headers), delayMs: latencyMs };
        }
        const auth = authenticate(req.headers, options.auth, envOrigin, time.realNow());
        if (!auth.ok) {
            stats.unauthorized++;
            Object.assign(auth.error.headers, { 'x-ms-dop-hint': dopHint });
            return { ok: false, error: auth.error, delayMs: latencyMs };
        }
        const user = auth.user;
        stats.requestsPerUser[user] = (stats.requestsPerUser[user] ?? 0) + 1;
        const now = time.now();

        if (limiter) {
            const check = limiter.check(user, now);
            if (!check.ok) {
                stats.throttled[check.kind]++;
                const headers = baseHeaders(user, now);
                headers['Retry-After'] = time.retryAfter(check.retryAfterMs).header;
                return { ok: false, error: throttleError(check.kind, limiter.limits, headers), delayMs: latencyMs };
            }
        }

        const fault = faults?.draw();
        if (fault && (fault.kind === 'unavailable' || (fault.kind === 'serverError' && fault.phase === 'beforeWork'))) {
            stats.faults[faultStatsKey(fault)]++;
            const headers = baseHeaders(user, now);
            if (fault.kind === 'unavailable') {
                headers['Retry-After'] = time.retryAfter(fault.retryAfterSeconds * 1000).header;
                return { ok: false, error: faultError(503, headers), delayMs: latencyMs };
            }
            return { ok: false, error: faultError(fault.status, headers), delayMs: latencyMs };
        }

        limiter?.admit(user, now);
        stats.admitted++;
        const ctx: GateContext = { user };
        pending.set(ctx, { fault, databaseFault: false, left: false });
        return { ok: true, ctx };
    }

    function write(ctx: GateContext, footprint: WriteFootprint): SimError | undefined {
        const p = pending.get(ctx);
        if (!p || p.left) throw new Error('gate.write: the request did not enter this gate, or has left it');
        const drawn = database.write(ctx, footprint, p.fault === undefined && !p.databaseFault);
        if (!drawn) return undefined;
        p.databaseFault = true;
        stats.faults[drawn.kind]++;
        Object.assign(drawn.error.headers, baseHeaders(ctx.user, time.now()));
        return drawn.error;
    }

    function leave(ctx: GateContext, work: { rowsRead: number; rowsWritten: number; status: number }): GateExit {
        const p = pending.get(ctx);
        if (!p) throw new Error('gate.leave: context was not returned by enter() of this gate');
        if (p.left) throw new Error(`gate.leave: called twice for one request of user ${ctx.user}`);
        p.left = true;

        const now = time.now();
        const serverMs = limits === 'none' ? 0 : modeledServerMs(limits, work);
        limiter?.complete(ctx.user, now, serverMs);
        stats.totalExecutionMs += serverMs;
        stats.rowsRead += work.rowsRead;
        stats.rowsWritten += work.rowsWritten;

        const delayMs = time.toRealMs(serverMs) + latencyMs;
        const headers = baseHeaders(ctx.user, now);
        const fault = p.fault;
        // A write holds its table until its response is due (a reset answers at once).
        const due =
            time.realNow() + (fault?.kind === 'reset' ? 0 : delayMs + (fault?.kind === 'slow' ? fault.extraMs : 0));
        database.release(ctx, due);
        if (!fault) return { kind: 'respond', delayMs, headers };
        stats.faults[faultStatsKey(fault)]++;
        switch (fault.kind) {
            case 'serverError':
                return { kind: 'error', delayMs, error: faultError(fault.status, headers) };
            case 'reset':
                return { kind: 'reset', afterBytes: fault.afterBytes };
            case 'slow':
                return { kind: 'respond', delayMs: delayMs + fault.extraMs, headers };
            case 'unavailable':
                throw new Error('gate.leave: a pre-work fault reached leave'); // enter() answers these itself
        }
    }

    return {
        enter,
        write,
        leave,
        beginOutage: (retryAfterSeconds) => {
            if (!(retryAfterSeconds > 0))
                throw new Error(`retryAfterSeconds must be positive, got ${retryAfterSeconds}`);
            outageRetryAfterSeconds = retryAfterSeconds;
        },
        endOutage: () => {
            outageRetryAfterSeconds = undefined;
        },
        stats: () => structuredClone(stats),
        ceiling: (writeBatchSize) => computeCeiling(limits, time.timeScale, writeBatchSize),
    };
}

function originOf(envUrl: string): string {
    try {
        return new URL(envUrl).origin;
    } catch {
        throw new Error(`createGate: envUrl is not a URL: ${JSON.stringify(envUrl)}`);
    }
}
