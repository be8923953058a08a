/**
 * The Functions side of the refresh tick: the timer's input (zod-checked: `scheduleStatus` is missing on a first
 * run or without the schedule monitor) gives the window since the last tick, the invocation's log receives what
 * was started and what was skipped.
 */
import type { InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { specRunDeps, type ApiDeps } from '../../api/index.js';
import { readSetting } from '../../settings/index.js';
import { runTick, tickWindow, type TickReport } from '../../schedule/index.js';
import { invocationLog } from './invocation-log.js';

const timerInput = z.object({
    isPastDue: z.boolean().optional(),
    scheduleStatus: z.object({ last: z.string().optional() }).nullish(),
});

function lastRunOf(timer: unknown): Date | undefined {
    const parsed = timerInput.safeParse(timer);
    const last = parsed.success ? parsed.data.scheduleStatus?.last : undefined;
    const time = last === undefined ? Number.NaN : Date.parse(last);
    // The monitor reports 0001-01-01 before the first run.
    return Number.isFinite(time) && time > 0 ? new Date(time) : undefined;
}

export async function handleRefreshTick(
    timer: unknown,
    context: InvocationContext,
    deps: ApiDeps,
): Promise<TickReport> {
    const tick = readSetting(deps.env, 'REFRESH_TICK_SCHEDULE');
    const window = tickWindow(tick, deps.now(), lastRunOf(timer));
    return runTick({ ...specRunDeps(deps), log: invocationLog(context) }, window);
}
