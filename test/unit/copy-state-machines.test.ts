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
