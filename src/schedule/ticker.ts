/**
 * The refresh timer on one machine (`serve`): fires at each occurrence of the tick schedule and hands the tick
 * its window, the way the Functions timer does in Azure. A tick that runs long is never overlapped: the next
 * one waits, and its window reaches back to the last one, so no occurrence of a spec is lost.
 */
import { nextOccurrence, parseSchedule } from './ncrontab.js';
import { tickWindow, type TickWindow } from './tick.js';

export interface Ticker {
    /** Stops firing and waits for a tick in progress. */
    stop(): Promise<void>;
}

export function startTicker(
    schedule: string,
    onTick: (window: TickWindow) => Promise<void>,
    clock: () => Date = () => new Date(),
): Ticker {
    const parsed = parseSchedule(schedule);
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    let stopped = false;
    let lastRun: Date | undefined;

    const arm = (): void => {
        if (stopped) return;
        const now = clock();
        const next = nextOccurrence(parsed, now);
        if (next === undefined) return;
        timer = setTimeout(() => fire(next), Math.max(0, next.getTime() - now.getTime()));
    };
    const fire = (due: Date): void => {
        // A timer may fire a millisecond early: the tick is the occurrence it was armed for.
        const now = new Date(Math.max(clock().getTime(), due.getTime()));
        const window = tickWindow(parsed, now, lastRun);
        lastRun = window.to;
        running = onTick(window)
            .catch(() => undefined)
            .finally(() => {
                running = undefined;
                arm();
            });
    };
    arm();
    return {
        async stop() {
            stopped = true;
            clearTimeout(timer);
            await running;
        },
    };
}
