/**
 * The tick's window (from the previous tick, or from the last run when ticks were missed, to this tick's own
 * occurrence) and the local ticker that `serve` runs: contiguous windows, no overlap when a tick runs long.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTicker, tickWindow, type TickWindow } from '../../src/schedule/index.js';

const at = (iso: string) => new Date(iso);
const iso = (w: TickWindow) => ({ from: w.from.toISOString(), to: w.to.toISOString() });

describe('tickWindow', () => {
    it('runs from the previous occurrence of the tick schedule to the one that fired, late or not', () => {
        expect(iso(tickWindow('0 */1 * * * *', at('2026-01-05T10:00:00.300Z')))).toEqual({
            from: '2026-01-05T09:59:00.000Z',
            to: '2026-01-05T10:00:00.000Z',
        });
        // Fired 40 s late (a cold start): still this tick's window, not the next one's.
        expect(iso(tickWindow('0 */1 * * * *', at('2026-01-05T10:00:40Z')))).toEqual({
            from: '2026-01-05T09:59:00.000Z',
            to: '2026-01-05T10:00:00.000Z',
        });
        expect(iso(tickWindow('0 */15 * * * *', at('2026-01-05T10:00:00Z')))).toEqual({
            from: '2026-01-05T09:45:00.000Z',
            to: '2026-01-05T10:00:00.000Z',
        });
    });

    it('reaches back to the last run when ticks were missed, never forward', () => {
        expect(iso(tickWindow('0 */1 * * * *', at('2026-01-05T10:00:00Z'), at('2026-01-05T07:30:00Z')))).toEqual({
            from: '2026-01-05T07:30:00.000Z',
            to: '2026-01-05T10:00:00.000Z',
        });
        expect(iso(tickWindow('0 */1 * * * *', at('2026-01-05T10:00:00Z'), at('2026-01-05T09:59:30Z')))).toEqual({
            from: '2026-01-05T09:59:00.000Z',
            to: '2026-01-05T10:00:00.000Z',
        });
    });
});

describe('startTicker', () => {
    afterEach(() => {
        vi.useRealTimers();
    });

    it('fires at each occurrence with contiguous windows, and waits for a long tick instead of overlapping it', async () => {
        vi.useFakeTimers({ now: at('2026-01-05T10:00:00.500Z') });
        const windows: TickWindow[] = [];
        let release: (() => void) | undefined;
        const ticker = startTicker('* * * * * *', async (window) => {
            windows.push(window);
            // The second tick takes 3.5 s.
            if (windows.length === 2) await new Promise<void>((resolve) => (release = resolve));
        });
        await vi.advanceTimersByTimeAsync(2_000);
        expect(windows.map(iso)).toEqual([
            { from: '2026-01-05T10:00:00.000Z', to: '2026-01-05T10:00:01.000Z' },
            { from: '2026-01-05T10:00:01.000Z', to: '2026-01-05T10:00:02.000Z' },
        ]);
        await vi.advanceTimersByTimeAsync(3_500);
        expect(windows).toHaveLength(2);
        release?.();
        await vi.advanceTimersByTimeAsync(1_000);
        // Released at 10:00:06.0: the next tick fires at 07 and covers the occurrences the long one held up.
        expect(iso(windows[2]!)).toEqual({ from: '2026-01-05T10:00:02.000Z', to: '2026-01-05T10:00:07.000Z' });
        await ticker.stop();
        const count = windows.length;
        await vi.advanceTimersByTimeAsync(5_000);
        expect(windows).toHaveLength(count);
    });
});
