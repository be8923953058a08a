/** Seeded fault decisions: at most one fault per request, drawn in request order, so a seed replays exactly. */
import { ErrorCodes, SimError } from '../errors.js';
import {
    DEFAULT_AFTER_WORK_SHARE,
    DEFAULT_RESET_AFTER_BYTES,
    DEFAULT_UNAVAILABLE_RETRY_AFTER_SECONDS,
    type FaultsConfig,
} from './faults-config.js';
import { Prng } from '../prng.js';

export type FaultDecision =
    | { kind: 'serverError'; status: 500 | 502 | 504; phase: 'beforeWork' | 'afterWork' }
    | { kind: 'unavailable'; retryAfterSeconds: number }
    | { kind: 'reset'; afterBytes: number }
    | { kind: 'slow'; extraMs: number };

export type FaultStatsKey = 'serverErrorBeforeWork' | 'serverErrorAfterWork' | 'unavailable' | 'reset' | 'slow';

export function faultStatsKey(d: FaultDecision): FaultStatsKey {
    return d.kind === 'serverError'
        ? d.phase === 'beforeWork'
            ? 'serverErrorBeforeWork'
            : 'serverErrorAfterWork'
        : d.kind;
}

export class FaultInjector {
    private readonly rng: Prng;

    constructor(private readonly config: FaultsConfig) {
        this.rng = new Prng(config.seed);
    }

    /** One categorical draw (plus sub-draws for the chosen fault's parameters); undefined = no fault. */
    draw(): FaultDecision | undefined {
        const c = this.config;
        let u = this.rng.next();
        if (c.serverError) {
            if (u < c.serverError.rate) {
                const statuses = c.serverError.statuses ?? [500, 502, 504];
                const status = this.rng.pick(statuses);
                const share = c.serverError.afterWorkShare ?? DEFAULT_AFTER_WORK_SHARE;
                return { kind: 'serverError', status, phase: this.rng.chance(share) ? 'afterWork' : 'beforeWork' };
            }
            u -= c.serverError.rate;
        }
        if (c.unavailable) {
            if (u < c.unavailable.rate) {
                const retryAfterSeconds = c.unavailable.retryAfterSeconds ?? DEFAULT_UNAVAILABLE_RETRY_AFTER_SECONDS;
                return { kind: 'unavailable', retryAfterSeconds };
            }
            u -= c.unavailable.rate;
        }
        if (c.reset) {
            if (u < c.reset.rate) {
                const [min, max] = c.reset.afterBytes ?? DEFAULT_RESET_AFTER_BYTES;
                return { kind: 'reset', afterBytes: this.rng.int(min, max) };
            }
            u -= c.reset.rate;
        }
        if (c.slow && u < c.slow.rate) return { kind: 'slow', extraMs: c.slow.extraMs };
        return undefined;
    }
}

/** Real-shaped error bodies for injected 5xx. The codes are the service's generic unexpected error and SQL timeout. */
const FAULT_ERRORS: Record<500 | 502 | 503 | 504, { code: string; message: string }> = {
    500: { code: ErrorCodes.UnexpectedError, message: 'An unexpected error occurred.' },
    502: {
        code: ErrorCodes.UnexpectedError,
        message: 'Bad Gateway: the web server received an invalid response (simulated fault).',
    },
    503: {
        code: ErrorCodes.UnexpectedError,
        message: 'The service is temporarily unavailable. Retry after the time in Retry-After.',
    },
    504: { code: '0x80044151', message: 'The request timed out (simulated fault).' },
};

export function faultError(status: 500 | 502 | 503 | 504, headers: Record<string, string>): SimError {
    const { code, message } = FAULT_ERRORS[status];
    return new SimError(status, code, message, headers);
}
