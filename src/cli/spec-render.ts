/** Plain-text views of stored specs for `dataverse-migrate specs`: the list, one spec, and upcoming fire times. */
import type { StoredSpecView } from '../schedule/index.js';
import { table, when } from './render.js';

/** `failed (516 rows)`: the status with what people look for next. */
function statusText(view: StoredSpecView): string {
    if (view.status === 'failed' && view.failedRows !== undefined && view.failedRows > 0)
        return `failed (${view.failedRows.toLocaleString('en-US')} rows)`;
    return view.status;
}

function nextRunText(view: StoredSpecView): string {
    if (view.schedule === undefined) return 'on request';
    return view.nextRunAt === null || view.nextRunAt === undefined ? 'never' : when(view.nextRunAt);
}

export function renderSpecList(views: readonly StoredSpecView[], location: string): string {
    if (views.length === 0) return `no stored specs in ${location}`;
    return table(
        ['name', 'schedule', 'next run', 'status', 'last run'],
        views.map((v) => [v.name, v.schedule ?? '', nextRunText(v), statusText(v), v.lastRunId ?? '']),
    );
}

export function renderSpec(view: StoredSpecView, document: unknown): string {
    const fields: Array<[string, string | undefined]> = [
        ['name', view.name],
        ['schedule', view.schedule ?? 'none (runs only when started)'],
        ['next run', nextRunText(view)],
        ['status', statusText(view)],
        ['detail', view.statusDetail],
        ['last run', view.lastRunId === undefined ? undefined : `${view.lastRunId} (${when(view.lastRunAt)})`],
        ['updated', when(view.updatedAt)],
        ['etag', view.etag],
    ];
    const shown = fields.filter((f): f is [string, string] => f[1] !== undefined);
    const width = Math.max(...shown.map(([label]) => label.length));
    const lines = shown.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
    return [...lines, '', JSON.stringify(document, null, 4)].join('\n');
}

export interface UpcomingRun {
    spec: string;
    /** ISO 8601 UTC. */
    at: string;
}

export function renderUpcoming(upcoming: readonly UpcomingRun[]): string {
    if (upcoming.length === 0) return 'no scheduled runs';
    return table(
        ['when (UTC)', 'spec'],
        upcoming.map((u) => [when(u.at), u.spec]),
    );
}
