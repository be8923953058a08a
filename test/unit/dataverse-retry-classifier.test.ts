import { describe, expect, it } from 'vitest';
import { DataverseError } from '../../src/dataverse/errors.js';
import {
    classifyAttempt,
    type RetryContext,
    type RetryDecision,
    type RetryState,
} from '../../src/dataverse/retry-classifier.js';
import { DEFAULT_RETRY_OPTIONS } from '../../src/dataverse/retry-policy.js';
import { NetworkFailure } from '../../src/dataverse/transport.js';

const NOW = Date.parse('2024-05-01T10:00:00Z');

const context = (overrides: Partial<RetryContext> = {}): RetryContext => ({
    retry: { ...DEFAULT_RETRY_OPTIONS, maxTransientAttempts: 3, baseDelayMs: 1000, maxDelayMs: 8000 },
    method: 'POST',
    path: '/api/data/v9.2/accounts',
    origin: 'https://contoso.crm.dynamics.com',
    canRefreshToken: true,
    now: () => NOW,
    random: () => 0.5,
    ...overrides,
});

const fresh = (overrides: Partial<RetryState> = {}): RetryState => ({
    transientFailures: 0,
    throttles: 0,
    tokenRefreshed: false,
    ...overrides,
});

function response(status: number, headers: Record<string, string> = {}, body?: unknown) {
    return {
        response: {
            status,
            header: (name: string) => headers[name.toLowerCase()],
            bodyText: body === undefined ? '' : JSON.stringify(body),
        },
    };
}

const THROTTLE_BODY = {
    error: {
        code: '0x80072322',
        message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
    },
};

function retryOf(decision: RetryDecision) {
    if (decision.action !== 'retry') throw new Error(`expected a retry, got ${JSON.stringify(decision)}`);
    return decision;
}

function failureOf(decision: RetryDecision) {
    if (decision.action !== 'fail') throw new Error(`expected a failure, got ${JSON.stringify(decision)}`);
    return decision;
}

describe('classifyAttempt: responses', () => {
    it('accepts 2xx, 304 and the statuses the caller accepts', () => {
        for (const status of [200, 201, 204, 304]) {
            expect(classifyAttempt(response(status), fresh(), context())).toEqual({ action: 'accept' });
        }
        expect(classifyAttempt(response(404), fresh(), context({ accept: [404] }))).toEqual({ action: 'accept' });
    });

    it('waits Retry-After on 429, as delta-seconds or an HTTP date, with the service code kept', () => {
        const seconds = retryOf(
            classifyAttempt(response(429, { 'retry-after': '7' }, THROTTLE_BODY), fresh(), context()),
        );
        expect(seconds).toMatchObject({ reason: 'throttled', delayMs: 7000 });
        expect(seconds.error).toMatchObject({ kind: 'throttled', status: 429, code: '0x80072322', attempts: 1 });
        const date = retryOf(
            classifyAttempt(response(429, { 'retry-after': 'Wed, 01 May 2024 10:00:30 GMT' }), fresh(), context()),
        );
        expect(date.delayMs).toBe(30_000);
    });

    it('without Retry-After, a 429 waits a fallback that grows with each throttle (never giving up)', () => {
        const delays = [0, 1, 2, 3, 10, 40].map(
            (throttles) => retryOf(classifyAttempt(response(429), fresh({ throttles }), context())).delayMs,
        );
        // throttleFallbackMs 5000 doubling, capped at max(maxDelayMs, 60 s); random 0.5 puts it at 3/4 of the step.
        expect(delays).toEqual([3750, 7500, 15_000, 30_000, 45_000, 45_000]);
    });

    it('fails a 429 of a customization lock at once: no throttling, the metadata writer waits it out', () => {
        const lock = {
            error: {
                code: '0x80071151',
                message:
                    'Cannot start another [EntityCustomization] because there is a previous [EntityCustomization] running at this moment. Use Solution History for more details.',
            },
        };
        const decision = classifyAttempt(response(429, {}, lock), fresh(), context());
        expect(decision).toMatchObject({
            action: 'fail',
            because: 'status',
            error: { status: 429, code: '0x80071151' },
        });
        expect(
            classifyAttempt(response(429, {}, { error: { code: '0x80072322', message: 'x' } }), fresh(), context()),
        ).toMatchObject({ action: 'retry', reason: 'throttled' });
    });

    it('fails a 429 whose wait would pass the deadline, as a throttled error naming the deadline', () => {
        const deadline = NOW + 5000;
        const decision = failureOf(
            classifyAttempt(response(429, { 'retry-after': '10' }, THROTTLE_BODY), fresh(), context({ deadline })),
        );
        expect(decision.because).toBe('deadline');
        expect(decision.error).toMatchObject({ kind: 'throttled', status: 429, code: '0x80072322' });
        expect(decision.error.message).toContain(
            `still throttled at the run's deadline ${new Date(deadline).toISOString()}`,
        );
        expect(decision.error.cause).toBeInstanceOf(DataverseError);
        // Within the deadline it is an ordinary wait.
        expect(classifyAttempt(response(429, { 'retry-after': '5' }), fresh(), context({ deadline })).action).toBe(
            'retry',
        );
    });

    it('backs off 5xx exponentially with jitter, honours 503 Retry-After, and gives up after the attempts', () => {
        const at = (transientFailures: number, status = 500, headers: Record<string, string> = {}) =>
            classifyAttempt(response(status, headers), fresh({ transientFailures }), context());
        expect(retryOf(at(0)).delayMs).toBe(750);
        expect(retryOf(at(1, 502)).delayMs).toBe(1500);
        // A 503 is the environment being away: an outage wait, whatever the transient failures so far.
        expect(retryOf(at(2, 503, { 'retry-after': '2' }))).toMatchObject({ reason: 'outage', delayMs: 2000 });
        // Retry-After on a 500 is not the service's instruction: plain backoff.
        expect(retryOf(at(0, 500, { 'retry-after': '2' })).delayMs).toBe(750);
        const exhausted = failureOf(at(2, 504));
        expect(exhausted.because).toBe('exhausted');
        expect(exhausted.error).toMatchObject({ kind: 'transient', status: 504, attempts: 3 });
        expect(exhausted.error.message).toContain('gave up after 3 attempts');
        expect((exhausted.error.cause as DataverseError).status).toBe(504);
    });

    it('refreshes the token once after a 401, then fails with an auth error naming the environment', () => {
        expect(retryOf(classifyAttempt(response(401), fresh(), context()))).toMatchObject({
            reason: 'token-rejected',
            delayMs: 0,
        });
        const again = failureOf(classifyAttempt(response(401), fresh({ tokenRefreshed: true }), context()));
        expect(again.error).toMatchObject({ kind: 'auth', status: 401 });
        expect(again.error.message).toContain('rejected the access token');
        expect(again.error.message).toContain('https://contoso.crm.dynamics.com');
        expect(failureOf(classifyAttempt(response(401), fresh(), context({ canRefreshToken: false }))).because).toBe(
            'status',
        );
    });

    it('fails other statuses at once with the service code, message and request id', () => {
        const decision = failureOf(
            classifyAttempt(
                response(
                    400,
                    { 'x-ms-service-request-id': 'req-1' },
                    { error: { code: '0x80044331', message: 'A validation error occurred.' } },
                ),
                fresh({ throttles: 2 }),
                context(),
            ),
        );
        expect(decision.because).toBe('status');
        expect(decision.error).toMatchObject({
            kind: 'http',
            status: 400,
            code: '0x80044331',
            requestId: 'req-1',
            method: 'POST',
            path: '/api/data/v9.2/accounts',
            attempts: 3,
            serviceMessage: 'A validation error occurred.',
        });
    });
});

describe('classifyAttempt: network failures', () => {
    it('retries broken connections and timeouts with backoff, with the failure as the cause', () => {
        const reset = retryOf(
            classifyAttempt(
                { failure: new NetworkFailure('transient', 'ECONNRESET', 'socket hang up') },
                fresh(),
                context(),
            ),
        );
        expect(reset).toMatchObject({ reason: 'transient', delayMs: 750 });
        expect(reset.error).toMatchObject({ kind: 'transient', status: 0 });
        expect(reset.error.message).toContain('connection failed (ECONNRESET: socket hang up)');
        expect((reset.error.cause as Error).name).toBe('NetworkFailure');
        const timeout = retryOf(
            classifyAttempt({ failure: new NetworkFailure('timeout', 'ETIMEDOUT', 'no response') }, fresh(), context()),
        );
        expect(timeout.error.kind).toBe('timeout');
    });

    it('fails an unreachable host at once, naming it', () => {
        const decision = classifyAttempt(
            { failure: new NetworkFailure('unreachable', 'ENOTFOUND', 'getaddrinfo ENOTFOUND contoso') },
            fresh(),
            context(),
        );
        expect(decision).toMatchObject({ action: 'fail', because: 'unreachable' });
        expect(decision.error.message).toContain('cannot reach https://contoso.crm.dynamics.com (ENOTFOUND');
    });

    it('ends an aborted request with the abort reason as the cause; after a 429 it is a throttled error', () => {
        const budget = new Error('run budget spent');
        const failure = new NetworkFailure('aborted', undefined, 'the request was aborted', budget);
        const lastError = new DataverseError({
            kind: 'throttled',
            status: 429,
            code: '0x80072322',
            message: 'Number of requests exceeded the limit',
            method: 'POST',
            path: '/api/data/v9.2/accounts',
        });
        const decision = classifyAttempt({ failure }, fresh({ lastError }), context());
        expect(decision).toMatchObject({ action: 'fail', because: 'aborted' });
        expect(decision.error).toMatchObject({ kind: 'throttled', status: 429, code: '0x80072322' });
        expect(decision.error.message).toContain('the request was aborted: run budget spent (last failure: 429');
        expect((decision.error.cause as Error).message).toBe('run budget spent');
        expect(classifyAttempt({ failure }, fresh(), context()).error).toMatchObject({ kind: 'aborted', status: 0 });
    });
});

const SQL_TIMEOUT_BODY = {
    error: {
        code: '0x80044151',
        message: 'Sql error: SQL timeout expired. CRM ErrorCode: -2147204783 Sql ErrorCode: -2146232060 Sql Number: -2',
    },
};
const DEADLOCK_BODY = {
    error: {
        code: '0x80044150',
        message: 'Sql error: Generic SQL error. CRM ErrorCode: -2147204784 Sql ErrorCode: -2146232060 Sql Number: 1205',
    },
};
const TRANSACTION_ABORTED_BODY = {
    error: {
        code: '0x80040255',
        message:
            'The transaction of the SQL command has already been rolled back or committed; this is usually caused by a swallowed SQL deadlock exception.',
    },
};

describe('classifyAttempt: SQL errors', () => {
    it('fails a SQL timeout at once when the caller splits the request, else backs it off like a 5xx', () => {
        const split = failureOf(
            classifyAttempt(response(500, {}, SQL_TIMEOUT_BODY), fresh(), context({ splitOnSqlTimeout: true })),
        );
        expect(split.because).toBe('split');
        expect(split.error).toMatchObject({ kind: 'transient', status: 500, code: '0x80044151', attempts: 1 });
        expect(split.error.serviceMessage).toBe(SQL_TIMEOUT_BODY.error.message);
        expect(retryOf(classifyAttempt(response(500, {}, SQL_TIMEOUT_BODY), fresh(), context()))).toMatchObject({
            reason: 'transient',
            delayMs: 750,
        });
        // A gateway's 504 may hide a commit: the same body again, never halves.
        expect(
            retryOf(classifyAttempt(response(504, {}, SQL_TIMEOUT_BODY), fresh(), context({ splitOnSqlTimeout: true })))
                .reason,
        ).toBe('transient');
    });

    it('retries deadlock victims, in both of the forms the service reports, with jittered backoff', () => {
        for (const body of [DEADLOCK_BODY, TRANSACTION_ABORTED_BODY]) {
            expect(retryOf(classifyAttempt(response(500, {}, body), fresh(), context()))).toMatchObject({
                reason: 'deadlock',
                delayMs: 750,
            });
            const spread = [0, 1].map(
                (r) => retryOf(classifyAttempt(response(500, {}, body), fresh(), context({ random: () => r }))).delayMs,
            );
            expect(spread).toEqual([500, 1000]);
        }
        // A generic SQL error without the deadlock number is a plain 5xx.
        const generic = { error: { code: '0x80044150', message: 'Generic SQL error.' } };
        expect(retryOf(classifyAttempt(response(500, {}, generic), fresh(), context())).reason).toBe('transient');
        const exhausted = failureOf(
            classifyAttempt(response(500, {}, DEADLOCK_BODY), fresh({ transientFailures: 2 }), context()),
        );
        expect(exhausted).toMatchObject({ because: 'exhausted', error: { code: '0x80044150', attempts: 3 } });
        expect(exhausted.error.serviceMessage).toContain('Sql Number: 1205');
    });
});

describe('classifyAttempt: outages', () => {
    const budget = {
        ...DEFAULT_RETRY_OPTIONS,
        maxTransientAttempts: 3,
        baseDelayMs: 1000,
        maxDelayMs: 8000,
        outageBudgetMs: 60_000,
    };
    const refused = { failure: new NetworkFailure('unreachable', 'ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443') };

    it('waits out refused connections from an environment that answered before, beyond maxTransientAttempts', () => {
        const decision = retryOf(
            classifyAttempt(
                refused,
                fresh({ transientFailures: 2, outages: 3 }),
                context({ retry: budget, outage: { since: NOW - 10_000, answeredBefore: true } }),
            ),
        );
        // Backoff step 8000 (capped) at 3/4.
        expect(decision).toMatchObject({ reason: 'outage', delayMs: 6000 });
        // Never answered: more likely a wrong URL than an outage.
        const unknown = classifyAttempt(
            refused,
            fresh(),
            context({ retry: budget, outage: { since: undefined, answeredBefore: false } }),
        );
        expect(unknown).toMatchObject({ action: 'fail', because: 'unreachable' });
    });

    it('shortens the last wait to the end of the budget, then fails with an outage error saying how long', () => {
        const near = retryOf(
            classifyAttempt(
                response(503, { 'retry-after': '30' }),
                fresh(),
                context({ retry: budget, outage: { since: NOW - 55_000, answeredBefore: true } }),
            ),
        );
        expect(near).toMatchObject({ reason: 'outage', delayMs: 5000 });
        const over = failureOf(
            classifyAttempt(
                refused,
                fresh({ outages: 9 }),
                context({ retry: budget, outage: { since: NOW - 61_000, answeredBefore: true } }),
            ),
        );
        expect(over.because).toBe('outage');
        expect(over.error).toMatchObject({ kind: 'outage', status: 0 });
        expect(over.error.isTransient).toBe(true);
        expect(over.error.message).toContain(
            'the environment https://contoso.crm.dynamics.com has been unavailable for 61 s (last: ECONNREFUSED: connect ECONNREFUSED 10.0.0.1:443), longer than the outage budget of 60 s',
        );
        expect(over.error.message).toContain('start the run again once the environment answers');
        expect((over.error.cause as DataverseError).kind).toBe('unreachable');
    });

    it('stops an outage wait that would pass the run deadline', () => {
        const decision = failureOf(
            classifyAttempt(
                response(503, { 'retry-after': '30' }),
                fresh(),
                context({ retry: budget, deadline: NOW + 10_000, outage: { since: NOW, answeredBefore: true } }),
            ),
        );
        expect(decision.because).toBe('deadline');
        expect(decision.error.message).toContain("still unavailable at the run's deadline");
    });
});
