import { describe, expect, it } from 'vitest';
import { createGate, DATAVERSE_LIMITS, makeTestJwt, type Gate, type LimitsConfig } from '../src/gate/index.js';
import { ManualClock, admitted, bearer, rejected, request, responded } from './gate-helpers.js';

const ENV = 'http://127.0.0.1:5555';
const noWork = { rowsRead: 0, rowsWritten: 0, status: 200 };

/** A small config so each limit can be reached in a few requests. */
function small(overrides: Partial<LimitsConfig> = {}): LimitsConfig {
    return {
        windowSeconds: 10,
        maxRequestsPerWindow: 1000,
        maxExecutionMsPerWindow: 1e9,
        maxConcurrentRequests: 1000,
        dopHint: 7,
        keepSendingPenaltySeconds: 1,
        serverTime: { fixedMsPerRequest: 0, msPerRowRead: 0, msPerRowWritten: 0 },
        ...overrides,
    };
}

function gateWith(limits: LimitsConfig | 'none', clock: ManualClock, timeScale = 1): Gate {
    return createGate({ envUrl: ENV, auth: 'any', limits, clock: clock.read, timeScale });
}

function roundTrip(gate: Gate, headers: Record<string, string> = {}, work = noWork) {
    return gate.leave(admitted(gate.enter(request(headers))), work);
}

describe('request-count limit', () => {
    it('serves the 6000th request, answers the 6001st with 0x80072322 and the verbatim message', () => {
        const clock = new ManualClock();
        const gate = gateWith(
            { ...DATAVERSE_LIMITS, serverTime: { fixedMsPerRequest: 0, msPerRowRead: 0, msPerRowWritten: 0 } },
            clock,
        );
        for (let i = 0; i < 6000; i++) roundTrip(gate);
        const error = rejected(gate.enter(request()));
        expect(error.status).toBe(429);
        expect(JSON.stringify(error.toBody())).toBe(
            '{"error":{"code":"0x80072322","message":"Number of requests exceeded the limit of 6000 over time window of 300 seconds."}}',
        );
        expect(error.headers['Retry-After']).toBe('300');
        expect(gate.stats().throttled).toEqual({ requests: 1, executionTime: 0, concurrency: 0 });
    });

    it('slides: budget returns as the oldest requests leave the window', () => {
        const clock = new ManualClock();
        const gate = gateWith(small({ maxRequestsPerWindow: 5 }), clock);
        for (let s = 0; s < 5; s++) {
            roundTrip(gate);
            clock.advance(1000);
        }
        // t = 5 s: five requests at 0..4 s fill the window; the first leaves at 10 s.
        expect(rejected(gate.enter(request())).headers['Retry-After']).toBe('5');
        clock.advance(4999);
        expect(rejected(gate.enter(request())).code).toBe('0x80072322');
        clock.advance(1);
        responded(roundTrip(gate)); // t = 10 s: the t=0 request left
        const again = rejected(gate.enter(request()));
        expect(again.headers['Retry-After']).toBe('1'); // the t=1 s request leaves at 11 s
        clock.advance(1000);
        responded(roundTrip(gate));
    });

    it('keeps rejecting until Retry-After passes, then admits', () => {
        const clock = new ManualClock();
        const gate = gateWith(small({ maxRequestsPerWindow: 2 }), clock);
        roundTrip(gate);
        roundTrip(gate);
        const first = rejected(gate.enter(request()));
        expect(first.headers['Retry-After']).toBe('10');
        clock.advance(9999);
        expect(rejected(gate.enter(request())).code).toBe('0x80072322');
        clock.advance(1);
        responded(roundTrip(gate));
    });
});

describe('execution-time limit', () => {
    it('trips only after the window total is exceeded, with 0x80072321 and the verbatim message', () => {
        const clock = new ManualClock();
        const gate = gateWith(DATAVERSE_LIMITS, clock);
        // One CreateMultiple of 120,000 rows: 50 + 1,200,000 ms, over the 1,200,000 ms budget — but it is served.
        const ctx = admitted(gate.enter(request()));
        responded(gate.leave(ctx, { rowsRead: 0, rowsWritten: 120_000, status: 200 }));
        const error = rejected(gate.enter(request()));
        expect(JSON.stringify(error.toBody())).toBe(
            '{"error":{"code":"0x80072321","message":"Combined execution time of incoming requests exceeded limit of 1,200,000  milliseconds over time window of 300 seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later."}}',
        );
        expect(error.status).toBe(429);
        expect(error.headers['Retry-After']).toBe('300');
    });

    it('admits the request that will cross the line, rejects the next, and drains as the window slides', () => {
        const clock = new ManualClock();
        const gate = gateWith(
            small({
                maxExecutionMsPerWindow: 1000,
                serverTime: { fixedMsPerRequest: 300, msPerRowRead: 0, msPerRowWritten: 0 },
            }),
            clock,
        );
        for (let i = 0; i < 4; i++) {
            // 300, 600, 900 ms used: each still under 1000 when it arrives; the 4th brings it to 1200.
            const exit = responded(roundTrip(gate));
            expect(exit.delayMs).toBe(300);
            clock.advance(300);
        }
        const error = rejected(gate.enter(request()));
        expect(error.code).toBe('0x80072321');
        // Now t = 1.2 s; dropping the first 300 ms entry (recorded at t = 0) brings 1200 to 900: at t = 10 s.
        expect(error.headers['Retry-After']).toBe('9'); // 8.8 s rounded up to whole seconds
        clock.advance(8800);
        responded(roundTrip(gate));
        expect(gate.stats().throttled.executionTime).toBe(1);
    });
});

describe('concurrency limit', () => {
    it('rejects the 53rd concurrent request immediately with 0x80072326', () => {
        const clock = new ManualClock();
        const gate = gateWith(DATAVERSE_LIMITS, clock);
        for (let i = 0; i < 52; i++) admitted(gate.enter(request()));
        const error = rejected(gate.enter(request()));
        expect(JSON.stringify(error.toBody())).toBe(
            '{"error":{"code":"0x80072326","message":"Number of concurrent requests exceeded the limit of 52."}}',
        );
        expect(error.status).toBe(429);
        expect(error.headers['Retry-After']).toBe('1');
        expect(gate.stats().throttled.concurrency).toBe(1);
    });

    it('holds a slot until the modeled server time has passed after leave, and keeps no throttle state', () => {
        const clock = new ManualClock();
        const gate = gateWith(
            small({
                maxConcurrentRequests: 2,
                serverTime: { fixedMsPerRequest: 100, msPerRowRead: 0, msPerRowWritten: 0 },
            }),
            clock,
        );
        const a = admitted(gate.enter(request()));
        admitted(gate.enter(request()));
        expect(rejected(gate.enter(request())).code).toBe('0x80072326');
        gate.leave(a, noWork); // the server still works on it for 100 ms
        expect(rejected(gate.enter(request())).code).toBe('0x80072326');
        clock.advance(100);
        admitted(gate.enter(request()));
    });
});

describe('per user', () => {
    it('gives every identity of a pool its own budget', () => {
        const clock = new ManualClock();
        const gate = gateWith(small({ maxRequestsPerWindow: 3 }), clock);
        const users = ['oid-a', 'oid-b', 'oid-c'].map((oid) => bearer(makeTestJwt({ aud: ENV, oid })));
        for (const headers of users) for (let i = 0; i < 3; i++) responded(roundTrip(gate, headers));
        for (const headers of users) expect(rejected(gate.enter(request(headers))).code).toBe('0x80072322');
        // An opaque (non-JWT) token is its own user, and so is an anonymous caller.
        responded(roundTrip(gate, bearer('opaque-token')));
        responded(roundTrip(gate));
        expect(gate.stats().requestsPerUser).toEqual({
            'oid-a': 4,
            'oid-b': 4,
            'oid-c': 4,
            'opaque-token': 1,
            anonymous: 1,
        });
    });

    it('keeps the throttle of one user from touching another', () => {
        const clock = new ManualClock();
        const gate = gateWith(small({ maxConcurrentRequests: 1 }), clock);
        admitted(gate.enter(request(bearer('u1'))));
        expect(rejected(gate.enter(request(bearer('u1')))).code).toBe('0x80072326');
        admitted(gate.enter(request(bearer('u2'))));
    });
});

describe('clients that keep sending while throttled', () => {
    it('get a longer Retry-After, capped at one window', () => {
        const clock = new ManualClock();
        const gate = gateWith(small({ maxRequestsPerWindow: 1, maxConcurrentRequests: 3 }), clock);
        roundTrip(gate);
        clock.advance(6000);
        const retry = () => Number(rejected(gate.enter(request())).headers['Retry-After']);
        // The first maxConcurrentRequests (3) rejections of the episode are parallel callers: no penalty.
        expect([retry(), retry(), retry()]).toEqual([4, 4, 4]);
        const later = [retry(), retry(), retry()];
        expect(later).toEqual([5, 6, 7]);
        for (let i = 0; i < 50; i++) retry();
        expect(retry()).toBe(10); // the window (10 s) is the cap
    });

    it('are not penalised when they wait as told', () => {
        const clock = new ManualClock();
        const gate = gateWith(small({ maxRequestsPerWindow: 1 }), clock);
        roundTrip(gate);
        const wait = Number(rejected(gate.enter(request())).headers['Retry-After']);
        clock.advance(wait * 1000);
        responded(roundTrip(gate));
    });
});

describe('limits none', () => {
    it('never throttles and adds no delay', () => {
        const clock = new ManualClock();
        const gate = gateWith('none', clock);
        const open = [];
        for (let i = 0; i < 20_000; i++) open.push(admitted(gate.enter(request())));
        for (const ctx of open) {
            const exit = responded(gate.leave(ctx, { rowsRead: 5000, rowsWritten: 1000, status: 200 }));
            expect(exit.delayMs).toBe(0);
        }
        const stats = gate.stats();
        expect(stats.throttled).toEqual({ requests: 0, executionTime: 0, concurrency: 0 });
        expect(stats.admitted).toBe(20_000);
    });
});

describe('headers and time scale', () => {
    it('sends x-ms-dop-hint and the debug headers in the service formats', () => {
        const clock = new ManualClock();
        const gate = gateWith(DATAVERSE_LIMITS, clock);
        const exit = responded(roundTrip(gate, {}, { rowsRead: 10, rowsWritten: 0, status: 200 }));
        expect(exit.headers['x-ms-dop-hint']).toBe(String(DATAVERSE_LIMITS.dopHint));
        expect(exit.headers['x-ms-ratelimit-burst-remaining-xrm-requests']).toBe('5999');
        // 1,200,000 ms - (50 + 10 * 1) ms = 1,199,940 ms, reported in seconds as the service does.
        expect(exit.headers['x-ms-ratelimit-time-remaining-xrm-requests']).toBe('1,199.94');
        expect(exit.delayMs).toBe(60);
        const none = responded(roundTrip(gateWith('none', clock)));
        expect(Object.keys(none.headers)).toEqual(['x-ms-dop-hint']);
    });

    it('compresses time: the window, the delays and a decimal Retry-After scale by timeScale', () => {
        const clock = new ManualClock();
        const limits = small({
            windowSeconds: 300,
            maxRequestsPerWindow: 2,
            serverTime: { fixedMsPerRequest: 200, msPerRowRead: 0, msPerRowWritten: 0 },
        });
        const gate = gateWith(limits, clock, 0.01);
        expect(responded(roundTrip(gate)).delayMs).toBeCloseTo(2, 10); // 200 simulated ms = 2 real ms
        clock.advance(2750); // 275 simulated seconds
        roundTrip(gate);
        const error = rejected(gate.enter(request()));
        expect(error.headers['Retry-After']).toBe('0.25'); // 25 simulated seconds
        clock.advance(250);
        responded(roundTrip(gate));
    });

    it('gives integer Retry-After in real seconds when time runs slower than real', () => {
        const clock = new ManualClock();
        const gate = gateWith(small({ maxRequestsPerWindow: 1 }), clock, 2.5);
        roundTrip(gate);
        expect(rejected(gate.enter(request())).headers['Retry-After']).toBe('25');
    });

    it('adds latencyMs to every response', () => {
        const clock = new ManualClock();
        const gate = createGate({
            envUrl: ENV,
            auth: 'any',
            limits: small({ maxConcurrentRequests: 1 }),
            latencyMs: 15,
            clock: clock.read,
        });
        const ctx = admitted(gate.enter(request()));
        const throttled = gate.enter(request());
        expect(throttled.ok === false && throttled.delayMs).toBe(15);
        expect(responded(gate.leave(ctx, noWork)).delayMs).toBe(15);
    });
});
