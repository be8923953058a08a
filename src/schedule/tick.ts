/**
 * One tick of the refresh timer: every stored spec with a schedule that was due since the last tick starts as an
 * incremental run. A spec whose last run is still going is skipped (one run per spec at a time), and so is one
 * whose lease another tick holds; both are logged. Ticks that were missed (the host was down) are caught up once,
 * with the latest occurrence, never once per missed occurrence. Each tick logs one line for itself and one for each
 * due spec, saying what became of it.
 */
import { redactSecrets } from '../dataverse/errors.js';
import { dueOccurrence, previousOccurrence, type Schedule } from './ncrontab.js';
import { startSpecRun, type SpecRunDeps, type SpecRunOutcome } from './spec-runs.js';
import { refreshSpecStatus } from './spec-status.js';
import { scheduledRunId } from '../host/start-run.js';
import type { Log, LogLevel } from '../util/log.js';

/** The tick covers occurrences after `from`, up to and including `to`. */
export interface TickWindow {
    from: Date;
    to: Date;
}

export interface TickDeps extends SpecRunDeps {
    log: Log;
}

export interface TickEntry {
    spec: string;
    /** The occurrence that made it due. */
    occurrence: string;
    outcome: SpecRunOutcome | { kind: 'error'; message: string };
}

export interface TickReport {
    window: { from: string; to: string };
    /** Every due spec and what became of it; specs that were not due are not listed. */
    due: TickEntry[];
}

/**
 * The window of the tick that fired at `now`: from the tick's previous occurrence (or the time the timer last ran,
 * when that is earlier: ticks were missed) to this tick's own occurrence.
 */
export function tickWindow(tick: Schedule | string, now: Date, lastRun?: Date): TickWindow {
    const to = previousOccurrence(tick, now) ?? now;
    const previous = previousOccurrence(tick, new Date(to.getTime() - 1000)) ?? new Date(to.getTime() - 60_000);
    const from = lastRun !== undefined && lastRun.getTime() < previous.getTime() ? lastRun : previous;
    return { from, to };
}

function describe(entry: TickEntry): { level: LogLevel; message: string } {
    const at = `spec '${entry.spec}' (due ${entry.occurrence})`;
    const o = entry.outcome;
    switch (o.kind) {
        case 'started':
            return { level: 'info', message: `${at}: started incremental run ${o.runId}` };
        case 'running':
            return {
                level: 'warn',
                message: `${at}: skipped, run ${o.runId} is still going (one run per spec at a time)`,
            };
        case 'already-started':
            return { level: 'info', message: `${at}: skipped, run ${o.runId} of this occurrence was started already` };
        case 'busy':
            return { level: 'warn', message: `${at}: skipped, another tick or start holds the spec's lease` };
        case 'target-busy':
            return { level: 'warn', message: `${at}: skipped, ${o.message}` };
        case 'not-found':
            return { level: 'info', message: `${at}: skipped, the spec was deleted` };
        case 'invalid':
            return { level: 'error', message: `${at}: not started, the stored spec has ${o.problems.length} problems` };
        case 'not-allowed':
            return { level: 'error', message: `${at}: not started, ${o.url} is not on the allow-list` };
        case 'credentials-required':
            return { level: 'error', message: `${at}: credentials required: ${o.detail}` };
        case 'error':
            return { level: 'error', message: `${at}: ${o.message}` };
    }
}

export async function runTick(deps: TickDeps, window: TickWindow): Promise<TickReport> {
    const report: TickReport = { window: { from: window.from.toISOString(), to: window.to.toISOString() }, due: [] };
    const stored = await deps.specs.list();
    await Promise.all(
        stored.map(async (spec) => {
            const schedule = spec.meta.schedule;
            let occurrence: Date | undefined;
            try {
                // Keeps the status of specs whose run finished since up to date, due or not.
                await refreshSpecStatus(deps, deps.specs, spec);
                occurrence = schedule === undefined ? undefined : dueOccurrence(schedule, window.from, window.to);
                if (occurrence === undefined) return;
                const outcome = await startSpecRun(deps, spec.name, {
                    trigger: 'schedule',
                    runId: scheduledRunId(spec.name, occurrence),
                    incremental: true,
                });
                report.due.push({ spec: spec.name, occurrence: occurrence.toISOString(), outcome });
            } catch (error) {
                const message = redactSecrets(error instanceof Error ? error.message : String(error));
                report.due.push({
                    spec: spec.name,
                    occurrence: occurrence?.toISOString() ?? 'unknown',
                    outcome: { kind: 'error', message },
                });
            }
        }),
    );
    report.due.sort((a, b) => (a.spec < b.spec ? -1 : a.spec > b.spec ? 1 : 0));
    const scheduled = stored.filter((s) => s.meta.schedule !== undefined).length;
    deps.log(
        'info',
        `refresh tick ${report.window.to}: ${scheduled} of ${stored.length} stored specs on a schedule, ${report.due.length} due`,
    );
    for (const entry of report.due) {
        const { level, message } = describe(entry);
        deps.log(level, message);
    }
    return report;
}
