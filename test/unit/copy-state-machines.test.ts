/**
 * The paths of rows between states (state-machines.ts): reopen before leaving a state only a message reaches, a quote
 * activated before WinQuote/CloseQuote, closed orders and e-mails' sending statuses left as they are with a reason.
 */
import { describe, expect, it } from 'vitest';
import { needsMessage } from '../../src/copy/state-messages.js';
import { readOnlyKind, statePath } from '../../src/copy/state-machines.js';

const open = { state: 0, status: 1 };
const path = (
    table: string,
    from: { state: number; status: number } | undefined,
    to: { state: number; status: number },
) => statePath(table, from, to, open, (s) => needsMessage(table, s));

describe('statePath', () => {
    it('activates a Draft quote before winning or closing it, and reopens a won quote to Draft first', () => {
        expect(path('quote', open, { state: 2, status: 4 })).toEqual({
            steps: [
                { state: 1, status: 2 },
                { state: 2, status: 4 },
            ],
        });
        expect(path('quote', { state: 1, status: 3 }, { state: 3, status: 5 })).toEqual({
            steps: [{ state: 3, status: 5 }],
        });
        expect(path('quote', { state: 2, status: 4 }, { state: 3, status: 6 })).toEqual({
            steps: [open, { state: 1, status: 2 }, { state: 3, status: 6 }],
        });
        expect(path('quote', { state: 2, status: 4 }, { state: 2, status: 4 })).toEqual({ steps: [] });
    });

    it('reopens a won opportunity or a resolved case before another state; sets plain states directly', () => {
        expect(path('opportunity', { state: 1, status: 3 }, { state: 2, status: 4 })).toEqual({
            steps: [open, { state: 2, status: 4 }],
        });
        expect(path('incident', { state: 1, status: 5 }, { state: 2, status: 6 })).toEqual({
            steps: [open, { state: 2, status: 6 }],
        });
        expect(path('account', open, { state: 1, status: 2 })).toEqual({ steps: [{ state: 1, status: 2 }] });
    });

    it('leaves a closed order as it is, with the reason, and never writes an e-mail as sending', () => {
        expect(path('salesorder', { state: 3, status: 100001 }, open)).toEqual({
            code: 'ClosedInTarget',
            leave: expect.stringContaining('cannot be reopened'),
        });
        expect(path('salesorder', open, { state: 3, status: 100001 })).toEqual({
            steps: [{ state: 3, status: 100001 }],
        });
        for (const status of [6, 7])
            expect(path('email', open, { state: 1, status })).toEqual({
                code: 'StateNotWritten',
                leave: expect.stringMatching(/server-side sync would send them/),
            });
        expect(path('email', open, { state: 1, status: 3 })).toEqual({ steps: [{ state: 1, status: 3 }] });
    });

    it('knows which closed states take changes after a reopen and which never do', () => {
        expect([readOnlyKind('quote', 1), readOnlyKind('quote', 0), readOnlyKind('salesorder', 4)]).toEqual([
            'reopen',
            undefined,
            'final',
        ]);
    });
});

describe('statePath under enforced status transitions', () => {
    // In Progress (1) -> On Hold (2) only; On Hold -> Problem Solved (5) or Canceled (6); Problem Solved -> In
    // Progress; Canceled nowhere. A status without a list moves anywhere (as the simulator models it).
    const transitions = { allowed: { 1: [2], 2: [5, 6], 5: [1], 6: [] }, stateOf: { 1: 0, 2: 0, 5: 1, 6: 2, 1000: 1 } };
    const enforced = (from: { state: number; status: number }, to: { state: number; status: number }) =>
        statePath('incident', from, to, open, (s) => needsMessage('incident', s), transitions);

    it('goes through the allowed statuses between the steps', () => {
        expect(enforced(open, { state: 1, status: 5 })).toEqual({
            steps: [
                { state: 0, status: 2 },
                { state: 1, status: 5 },
            ],
        });
        // A resolved case reopens (5 -> 1), then goes on hold before it is canceled.
        expect(enforced({ state: 1, status: 5 }, { state: 2, status: 6 })).toEqual({
            steps: [open, { state: 0, status: 2 }, { state: 2, status: 6 }],
        });
    });

    it('leaves a row whose status no chain of allowed moves reaches, with the reason', () => {
        expect(enforced(open, { state: 1, status: 1000 })).toEqual({
            code: 'NoStateTransition',
            leave: expect.stringMatching(/does not allow status 1 to become 1000/),
        });
    });
});
