/**
 * When the `$batch` part loop waits, on a fake clock. The simulator never throttles or fails single parts (it
 * gates a batch as one request), so the HTTP client under the real transport answers from a script here, with
 * multipart bodies in the service's documented shape (research §3.1); the loop, the classifier, the request loop
 * and the limiter are the real ones.
 */
import {
    createHttpHeaders,
    type HttpClient,
    type PipelineRequest,
    type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendBatch } from '../../src/dataverse/batch-sender.js';
import type { BatchRequest } from '../../src/dataverse/client-types.js';
import { AdaptiveLimiter } from '../../src/dataverse/concurrency.js';
import { DataverseError } from '../../src/dataverse/errors.js';
import { DataverseHttp, type RetryEvent } from '../../src/dataverse/http.js';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from '../../src/dataverse/retry-policy.js';
import { Transport } from '../../src/dataverse/transport.js';

const ORIGIN = 'https://contoso.crm.dynamics.com';

interface PartAnswer {
    status: number;
    headers?: Record<string, string>;
    body?: unknown;
}

/**
 * Answers each `$batch` POST with the next round of part answers (or, for a round that is a number, the whole batch
 * with that status); records when each came and how many parts.
 */
class ScriptedBatchService implements HttpClient {
    readonly received: Array<{ at: number; parts: number; paths: string[] }> = [];
    constructor(private readonly rounds: Array<((paths: string[]) => PartAnswer[]) | number>) {}

    sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
        const body = typeof request.body === 'string' ? request.body : '';
        const paths = [...body.matchAll(/^(?:GET|POST|PATCH|PUT|DELETE) (\S+) HTTP\/1\.1$/gm)].map(
            (m) => m[1] as string,
        );
        this.received.push({ at: Date.now(), parts: paths.length, paths });
        const round = this.rounds.shift();
        if (round === undefined) throw new Error('no more rounds scripted');
        if (typeof round === 'number')
            return Promise.resolve({
                request,
                status: round,
                headers: createHttpHeaders({ 'content-type': 'application/json' }),
                bodyAsText: JSON.stringify({ error: { code: '0x80040216', message: 'An unexpected error occurred.' } }),
            });
        return Promise.resolve({
            request,
            status: 200,
            headers: createHttpHeaders({ 'content-type': 'multipart/mixed; boundary=batchresponse_1' }),
            bodyAsText: multipart(round(paths)),
        });
    }
}

function multipart(parts: PartAnswer[]): string {
    const lines: string[] = [];
    for (const part of parts) {
        lines.push('--batchresponse_1', 'Content-Type: application/http', 'Content-Transfer-Encoding: binary', '');
        lines.push(`HTTP/1.1 ${part.status} Status`);
        for (const [name, value] of Object.entries(part.headers ?? {})) lines.push(`${name}: ${value}`);
        if (part.body !== undefined) lines.push('Content-Type: application/json; odata.metadata=minimal');
        lines.push('', part.body === undefined ? '' : JSON.stringify(part.body));
    }
    lines.push('--batchresponse_1--', '');
    return lines.join('\r\n');
}

const THROTTLED: PartAnswer = {
    status: 429,
    headers: { 'Retry-After': '3' },
    body: { error: { code: '0x80072321', message: 'Combined execution time of incoming requests exceeded limit' } },
};
/** A deadlock victim (Sql Number 1205) and the swallowed-deadlock form, as the service answers them. */
const DEADLOCK: PartAnswer = {
    status: 500,
    body: {
        error: {
            code: '0x80044150',
            message:
                'Sql error: Generic SQL error. CRM ErrorCode: -2147204784 Sql ErrorCode: -2146232060 Sql Number: 1205',
        },
    },
};
const TRANSACTION_ABORTED: PartAnswer = {
    status: 500,
    body: {
        error: {
            code: '0x80040255',
            message:
                'The transaction of the SQL command has already been rolled back or committed; this is usually caused by a swallowed SQL deadlock exception.',
        },
    },
};
const INVALID: PartAnswer = {
    status: 400,
    body: { error: { code: '0x80044331', message: 'A validation error occurred.' } },
};

function setup(service: ScriptedBatchService, retry: Partial<RetryOptions> = {}, extra: { deadline?: number } = {}) {
    const events: Array<RetryEvent & { at: number }> = [];
    const http = new DataverseHttp({
        url: ORIGIN,
        transport: new Transport({ url: ORIGIN, httpClient: service }),
        limiter: new AdaptiveLimiter({ maxConcurrency: 4 }),
        retry: { ...DEFAULT_RETRY_OPTIONS, baseDelayMs: 100, maxDelayMs: 1000, ...retry },
        random: () => 0.5,
        onRetry: (event) => events.push({ ...event, at: Date.now() }),
        ...extra,
    });
    return { http, events };
}

const requests = (n: number): BatchRequest[] =>
    Array.from({ length: n }, (_, i) => ({
        method: 'PATCH',
        path: `accounts(00000000-0000-0000-0000-00000000000${i})`,
        headers: { 'If-Match': '*' },
        body: { name: `row ${i}` },
    }));

/** Settles `promise`, advancing the fake clock timer by timer until it does. */
async function run<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; at: number }> {
    let done = false;
    const settled = promise.then(
        (value) => ({ value, at: Date.now() }),
        (error: unknown) => ({ error, at: Date.now() }),
    );
    void settled.finally(() => (done = true));
    for (let timers = 0; !done; timers++) {
        if (timers > 1000) throw new Error('still not settled after 1000 timers');
        await vi.advanceTimersToNextTimerAsync();
    }
    return settled;
}

beforeEach(() => {
    vi.useFakeTimers({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => vi.useRealTimers());

describe('sendBatch', () => {
    it('sends throttled and transient parts again, alone, after the pause; final failures come back as they came', async () => {
        const service = new ScriptedBatchService([
            () => [{ status: 204 }, THROTTLED, { status: 503, headers: { 'Retry-After': '1' } }, INVALID],
            () => [{ status: 204 }, { status: 204 }],
        ]);
        const { http, events } = setup(service);
        const { value, at } = await run(sendBatch(http, requests(4)));
        expect(value?.map((part) => part.status)).toEqual([204, 204, 204, 400]);
        expect(value?.[3]?.bodyText).toContain('0x80044331');
        // The throttled part's 3 s pause outlasts the 503 part's 1 s: one retry round at 3 s, with the two parts only.
        expect(service.received.map(({ at, parts }) => [at, parts])).toEqual([
            [0, 4],
            [3000, 2],
        ]);
        expect(service.received[1]?.paths).toEqual([
            '/api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001)',
            '/api/data/v9.2/accounts(00000000-0000-0000-0000-000000000002)',
        ]);
        expect(at).toBe(3000);
        // A 503 part is the environment being away: it waits like a throttle, not counted as a transient failure.
        expect(events.map((e) => [e.reason, e.delayMs, e.at])).toEqual([
            ['throttled', 3000, 0],
            ['outage', 1000, 0],
        ]);
        expect(http.stats()).toMatchObject({
            attempts: 2,
            succeeded: 2,
            failed: 0,
            transientRetries: 0,
            outageRetries: 1,
        });
    });

    it('sends deadlocked parts again after a backoff, and lowers the parallelism once per round', async () => {
        const service = new ScriptedBatchService([
            () => [{ status: 204 }, DEADLOCK, TRANSACTION_ABORTED],
            () => [DEADLOCK, { status: 204 }],
            () => [{ status: 204 }],
        ]);
        const { http, events } = setup(service);
        http.limiterOf({}).observeDopHint(8);
        const { value } = await run(sendBatch(http, requests(3)));
        expect(value?.map((part) => part.status)).toEqual([204, 204, 204]);
        expect(events.map((e) => [e.reason, e.delayMs])).toEqual([
            ['deadlock', 75],
            ['deadlock', 150],
        ]);
        expect(http.stats()).toMatchObject({ transientRetries: 2, deadlockRetries: 2, failed: 0 });
        expect(http.limiterOf({}).stats()).toMatchObject({ contentions: 2, decreases: 2, limit: 2 });
    });

    it('fails the call, not the rows, when parts answer 503 past the outage budget', async () => {
        const away = (paths: string[]) => paths.map(() => ({ status: 503, headers: { 'Retry-After': '2' } }));
        const service = new ScriptedBatchService([away, away, away, away]);
        const { http } = setup(service, { outageBudgetMs: 5000 });
        const { error, at } = await run(sendBatch(http, requests(2)));
        // Rounds at 0, 2 and 4 s; the budget leaves 1 s for the last wait; at 5 s the outage has lasted the budget.
        expect(service.received.map((r) => r.at)).toEqual([0, 2000, 4000, 5000]);
        expect(at).toBe(5000);
        expect(error).toMatchObject({ name: 'DataverseError', kind: 'outage', status: 503 });
        expect((error as Error).message).toContain(`the environment ${ORIGIN} has been unavailable for 5 s`);
    });

    it('returns a part that stays transient after maxTransientAttempts rounds, backing off between rounds', async () => {
        const failing = (paths: string[]) => paths.map(() => ({ status: 500 }));
        const service = new ScriptedBatchService([failing, failing, failing]);
        const { http } = setup(service, { maxTransientAttempts: 3 });
        const { value, at } = await run(sendBatch(http, requests(2)));
        expect(value?.map((part) => part.status)).toEqual([500, 500]);
        // Backoff steps 100, 200 at 3/4 each: rounds at 0, 75 and 225 ms.
        expect(service.received.map((r) => r.at)).toEqual([0, 75, 225]);
        expect(at).toBe(225);
    });

    it('with atMostOnce, returns parts whose outcome is unknown as they came; throttled and 503 parts go again', async () => {
        const service = new ScriptedBatchService([
            () => [{ status: 204 }, { status: 502 }, THROTTLED, { status: 503, headers: { 'Retry-After': '1' } }],
            () => [{ status: 204 }, { status: 204 }],
        ]);
        const { http } = setup(service);
        const { value } = await run(sendBatch(http, requests(4), { atMostOnce: true }));
        expect(value?.map((part) => part.status)).toEqual([204, 502, 204, 204]);
        expect(service.received.map((r) => r.parts)).toEqual([4, 2]);
    });

    it('with atMostOnce, throws a failure of the whole batch that leaves its outcome unknown, without sending it again', async () => {
        const service = new ScriptedBatchService([500]);
        const { http } = setup(service);
        const { error } = await run(sendBatch(http, requests(2), { atMostOnce: true }));
        expect(error).toMatchObject({ kind: 'transient', status: 500, method: 'POST', path: '/api/data/v9.2/$batch' });
        expect(service.received).toHaveLength(1);
    });

    it('throws when a throttled part would wait past the run deadline, naming that part', async () => {
        const service = new ScriptedBatchService([() => [{ status: 204 }, THROTTLED]]);
        const { http } = setup(service, {}, { deadline: 2000 });
        const { error, at } = await run(sendBatch(http, requests(2)));
        expect(at).toBe(0);
        expect(error).toBeInstanceOf(DataverseError);
        expect(error).toMatchObject({
            kind: 'throttled',
            status: 429,
            code: '0x80072321',
            method: 'PATCH',
            path: '/api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001)',
        });
        expect((error as Error).message).toContain("still throttled at the run's deadline");
    });

    it('ends a backoff between rounds when the caller aborts', async () => {
        const service = new ScriptedBatchService([() => [{ status: 502 }]]);
        const { http } = setup(service, { baseDelayMs: 10_000, maxDelayMs: 10_000 });
        const caller = new AbortController();
        const pending = sendBatch(http, requests(1), { signal: caller.signal }).catch((e: unknown) => e);
        await vi.advanceTimersByTimeAsync(2000);
        caller.abort(new Error('stopped by the user'));
        const error = await pending;
        expect(Date.now()).toBe(2000);
        expect(error).toMatchObject({ kind: 'aborted', status: 502, method: 'POST', path: '/api/data/v9.2/$batch' });
        expect((error as Error).message).toContain('the request was aborted: stopped by the user (last failure: 502');
        expect(((error as Error).cause as Error).message).toBe('stopped by the user');
        expect(service.received).toHaveLength(1);
    });
});
