/**
 * The rules behind a refresh's mode (research realworld-gaps W1, W5): the watermark read with its lag, when a delta
 * token is too old to send, and which answers to a deltaLink mean "compare in full". The runs against the simulator
 * are in test/integration/run-refresh.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { refusedDeltaReason } from '../../src/activities/delta-fallback.js';
import { DataverseError, type DataverseErrorKind } from '../../src/dataverse/errors.js';
import { deltaTooOld, watermarkFilter } from '../../src/run/sync-state.js';

const DAY = 86_400_000;

describe('watermarkFilter', () => {
    it('reads from the lag before the watermark, as the Web API writes an instant', () => {
        const state = { column: 'modifiedon', value: '2026-12-07T20:10:00Z' };
        expect(watermarkFilter(state, 15)).toBe('modifiedon ge 2026-12-07T19:55:00Z');
        expect(watermarkFilter(state, 0)).toBe('modifiedon ge 2026-12-07T20:10:00Z');
        expect(watermarkFilter({ column: 'modifiedon', value: '2026-12-07T20:10:00.250Z' }, 1)).toBe(
            'modifiedon ge 2026-12-07T20:09:00.250Z',
        );
    });

    it('gives nothing for a stored value that is no instant', () => {
        expect(watermarkFilter({ column: 'modifiedon', value: 'yesterday' }, 15)).toBeUndefined();
    });
});

describe('deltaTooOld', () => {
    const now = new Date('2026-12-07T12:00:00Z');
    const takenAgo = (ms: number) => ({ takenAt: new Date(now.getTime() - ms).toISOString() });

    it("is fine within the source's retention less an hour, too old from then on", () => {
        expect(deltaTooOld(takenAgo(6 * DAY), 7, now)).toBeUndefined();
        expect(deltaTooOld(takenAgo(7 * DAY - 61 * 60_000), 7, now)).toBeUndefined();
        expect(deltaTooOld(takenAgo(7 * DAY - 59 * 60_000), 7, now)).toMatch(/keeps changes for 7 days/);
        expect(deltaTooOld(takenAgo(3 * DAY), 2, now)).toBe(
            "the change-tracking token of 2026-12-04T12:00:00.000Z is 3 days old, and the source keeps changes for 2 days (its organization's expirechangetrackingindays)",
        );
    });

    it('counts a state whose time is unreadable as too old', () => {
        expect(deltaTooOld({ takenAt: 'x' }, 7, now)).toBe("the change-tracking token's time 'x' is unreadable");
    });
});

describe('refusedDeltaReason', () => {
    const error = (kind: DataverseErrorKind, status: number, code?: string, message = 'No.') =>
        new DataverseError({
            kind,
            status,
            message,
            method: 'GET',
            path: '/api/data/v9.2/contacts',
            ...(code ? { code } : {}),
        });

    it('names the documented expiry and any other 4xx about the request', () => {
        const expired = error(
            'http',
            400,
            '0x80044352',
            'Version stamp associated with the client has expired. Please perform a full sync.',
        );
        expect(refusedDeltaReason(expired)).toBe(
            'the source refused the change-tracking token as expired (400 0x80044352 "Version stamp associated with the client has expired. Please perform a full sync.")',
        );
        expect(refusedDeltaReason(error('http', 400, '0x80040203'))).toBe(
            'the source refused the change-tracking token (400 0x80040203 "No.")',
        );
        expect(refusedDeltaReason(error('http', 404))).toBe('the source refused the change-tracking token (404 "No.")');
    });

    it('leaves privilege errors, throttling, auth, server errors and other errors to fail as they do', () => {
        expect(refusedDeltaReason(error('http', 403, '0x80040220'))).toBeUndefined();
        expect(refusedDeltaReason(error('throttled', 429))).toBeUndefined();
        expect(refusedDeltaReason(error('auth', 401))).toBeUndefined();
        expect(refusedDeltaReason(error('transient', 500))).toBeUndefined();
        expect(refusedDeltaReason(new Error('socket hang up'))).toBeUndefined();
    });
});
