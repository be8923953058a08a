import { describe, expect, it } from 'vitest';
import { OUTAGE_QUIET_GAP_MS, OutageTracker } from '../../src/dataverse/outage.js';
import { isTransientTokenFailure, TokenTimeoutError } from '../../src/dataverse/token-request.js';

describe('OutageTracker', () => {
    it('dates an outage from its first refusal, for every request, until an answer ends it', () => {
        const tracker = new OutageTracker();
        expect(tracker.view(0)).toEqual({ since: undefined, answeredBefore: false });
        tracker.answer();
        tracker.signal(1000, false);
        tracker.signal(5000, false);
        expect(tracker.view(6000)).toEqual({ since: 1000, answeredBefore: true });
        tracker.answer();
        expect(tracker.view(7000).since).toBeUndefined();
        tracker.signal(8000, true);
        expect(tracker.view(8000).since).toBe(8000);
    });

    it('starts afresh after a quiet gap: an old refusal does not count against a new outage', () => {
        const tracker = new OutageTracker();
        tracker.signal(0, true);
        expect(tracker.view(OUTAGE_QUIET_GAP_MS).since).toBe(0);
        expect(tracker.view(OUTAGE_QUIET_GAP_MS + 1).since).toBeUndefined();
        tracker.signal(OUTAGE_QUIET_GAP_MS + 10, false);
        expect(tracker.view(OUTAGE_QUIET_GAP_MS + 10).since).toBe(OUTAGE_QUIET_GAP_MS + 10);
    });
});

describe('isTransientTokenFailure', () => {
    it('retries timeouts, 5xx and 429 of the token endpoint and broken connections; not refusals of the identity', () => {
        const withStatus = (statusCode: number) => Object.assign(new Error('token endpoint'), { statusCode });
        expect(isTransientTokenFailure(new TokenTimeoutError('no answer'))).toBe(true);
        expect(isTransientTokenFailure(withStatus(503))).toBe(true);
        expect(isTransientTokenFailure(withStatus(429))).toBe(true);
        expect(
            isTransientTokenFailure(
                new Error('request failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
            ),
        ).toBe(true);
        expect(isTransientTokenFailure(new Error('connect ECONNREFUSED 10.0.0.1:443'))).toBe(true);
        expect(isTransientTokenFailure(withStatus(400))).toBe(false);
        expect(isTransientTokenFailure(new Error('AADSTS7000215: Invalid client secret provided.'))).toBe(false);
    });
});
