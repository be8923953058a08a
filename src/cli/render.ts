/** Plain-text tables for the CLI: the run summary, the verify report and the run history. */
import type { SideRequests } from '../run/outcomes.js';
import { tableRequests, type RunSummary } from '../run/summary.js';
import { formatBytes } from './progress-format.js';
import type { RunIndexEntry } from '../runlog/types.js';
import type { VerifyReport } from '../verify/verify.js';

const n = (value: number) => value.toLocaleString('en-US');

/** A column value for a terminal: strings quoted, objects as JSON, long values cut. */
export function formatValue(value: unknown): string {
    const text = value === null || value === undefined ? 'null' : JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(header: string[], rows: string[][]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d,.\-% s]*$/.test(r[i] ?? '')));
    const fmt = (cells: string[]) =>
        cells
            .map((c, i) => (numeric[i] && i > 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
            .join('  ')
            .trimEnd();
    return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

const PHASE_NAMES: Record<keyof RunSummary['phases'], string> = {
    copy: 'copy',
    deferred: 'deferred lookups',
    state: 'states',
    content: 'content',
    associate: 'many-to-many',
    delete: 'deletes',
    disassociate: 'many-to-many removed',
};

/**
 * The run summary: per table its copy phase (source rows), then every phase in total. Each line adds up:
 * read = written + skipped + failed; later phases count the rows they touched again (the errors log has a
 * line for every failed one).
 */
export function renderSummary(summary: RunSummary): string {
    const lines: string[] = [`Run ${summary.runId} (${summary.spec}): ${summary.status}`];
    if (summary.reason) lines.push(`  ${summary.reason}`);
    const rows = Object.entries(summary.tables).map(([name, t]) => [
        name,
        t.mode,
        n(t.copy.read),
        n(t.copy.written),
        n(t.copy.skipped),
        n(t.copy.failed),
        `${(t.ms / 1000).toFixed(1)} s`,
    ]);
    if (rows.length > 0) lines.push('', table(['table', 'mode', 'read', 'written', 'skipped', 'failed', 'time'], rows));
    const relationships = Object.entries(summary.manyToMany);
    const removed = summary.disassociated;
    if (relationships.length > 0) {
        lines.push(
            '',
            table(
                ['many-to-many', 'read', 'associated', 'skipped', 'failed', ...(removed ? ['removed'] : [])],
                relationships.map(([name, c]) => [
                    name,
                    n(c.read),
                    n(c.written),
                    n(c.skipped),
                    n(c.failed),
                    ...(removed ? [n(removed[name]?.written ?? 0)] : []),
                ]),
            ),
        );
    }
    const phases = (Object.keys(PHASE_NAMES) as Array<keyof RunSummary['phases']>).flatMap((key) => {
        const counts = summary.phases[key];
        return counts && (key === 'copy' || counts.read > 0) ? [[key, counts] as const] : [];
    });
    if (phases.length > 1)
        lines.push(
            '',
            table(
                ['phase', 'read', 'written', 'skipped', 'failed'],
                phases.map(([key, c]) => [PHASE_NAMES[key], n(c.read), n(c.written), n(c.skipped), n(c.failed)]),
            ),
        );
    const content = Object.entries(summary.tables).flatMap(([name, t]) =>
        t.content ? [[name, t.content] as const] : [],
    );
    if (content.length > 0)
        lines.push(
            '',
            table(
                ['content', 'rows', 'written', 'unchanged', 'failed', 'bytes read', 'bytes written'],
                content.map(([name, c]) => [
                    name,
                    n(c.read),
                    n(c.written),
                    n(c.unchanged),
                    n(c.failed),
                    formatBytes(c.bytesRead ?? 0),
                    formatBytes(c.bytesWritten ?? 0),
                ]),
            ),
        );
    for (const refusal of summary.refusedDeletes ?? [])
        lines.push(
            `  refused: ${refusal.table} would have lost ${n(refusal.wouldDelete)} of ${n(refusal.targetRows)} rows`,
        );
    for (const skipped of summary.skippedDeletes ?? [])
        lines.push(`  deletes skipped: ${skipped.table}: ${skipped.reason}`);
    for (const problem of summary.problems ?? [])
        lines.push(`  ${problem.path ? `${problem.path}: ` : ''}${problem.message}`);
    for (const owned of summary.platformOwned ?? []) lines.push(`  platform-owned: ${owned.message}`);
    lines.push(...requestLines(summary));
    const { totals } = summary;
    const later = summary.failedRows - totals.failed;
    lines.push(
        '',
        `${n(totals.read)} rows read: ${n(totals.written)} written, ${n(totals.skipped)} skipped, ${n(totals.failed)} failed` +
            `${later > 0 ? ` (and ${n(later)} failed in later phases)` : ''} in ${(summary.durationMs / 1000).toFixed(1)} s`,
        `Log: ${summary.log.location}/${summary.log.events}`,
    );
    if (summary.log.errors.length > 0)
        lines.push(`Failed rows: ${summary.log.errors.map((e) => `${summary.log.location}/${e}`).join(', ')}`);
    return lines.join('\n');
}

/** Per table and environment the requests sent (every phase, listings included), and the run's total per environment. */
function requestLines(summary: RunSummary): string[] {
    if (!summary.requests) return [];
    const rows: string[][] = [];
    const row = (name: string, requests: SideRequests | undefined) => {
        for (const side of ['source', 'target'] as const) {
            const c = requests?.[side];
            if (c) rows.push([name, side, n(c.reads), n(c.writes), n(c.retries), n(c.throttled), n(c.failed)]);
        }
    };
    for (const [name, t] of Object.entries(summary.tables)) row(name, tableRequests(t));
    row('run (plan included)', summary.requests);
    return ['', table(['requests', 'environment', 'reads', 'writes', 'retries', 'throttled', 'failed'], rows)];
}

export function renderVerify(report: VerifyReport): string {
    const lines: string[] = [];
    for (const problem of report.problems ?? [])
        lines.push(`${problem.path ? `${problem.path}: ` : ''}${problem.message}`);
    const rows = Object.entries(report.tables).map(([name, t]) => [
        name,
        n(t.source),
        n(t.target),
        n(t.missing),
        n(t.extra),
        n(t.different),
        n(t.failing),
    ]);
    if (rows.length > 0)
        lines.push(table(['table', 'source', 'target', 'missing', 'extra', 'different', 'failing'], rows));
    const relationships = Object.entries(report.manyToMany);
    if (relationships.length > 0) {
        lines.push(
            '',
            table(
                ['many-to-many', 'source', 'target', 'missing', 'extra', 'skipped', 'outside'],
                relationships.map(([name, m]) => [
                    name,
                    n(m.source),
                    n(m.target),
                    n(m.missing),
                    n(m.extra),
                    n(m.skipped),
                    n(m.outside),
                ]),
            ),
        );
    }
    for (const [name, t] of Object.entries(report.tables)) {
        if (t.samples.missing.length > 0) lines.push(`${name} missing in the target: ${t.samples.missing.join(', ')}`);
        if (t.samples.extra.length > 0) lines.push(`${name} extra in the target: ${t.samples.extra.join(', ')}`);
        for (const d of t.samples.different) {
            lines.push(`${name} ${d.id} differs in ${d.columns.join(', ')}`);
            for (const [column, v] of Object.entries(d.values ?? {}))
                lines.push(`  ${column}: target ${formatValue(v.target)}, source ${formatValue(v.source)}`);
        }
        if (t.platformOwned)
            lines.push(
                `${name} not compared (the target's own logic sets them): ${t.platformOwned.map((p) => `${p.column} (${p.by === 'spec' ? 'platformOwned in the spec' : 'noticed by a run'})`).join(', ')}`,
            );
        for (const f of t.samples.failing)
            lines.push(`${name} ${f.id} cannot be copied (${f.code}${f.column ? `, ${f.column}` : ''}): ${f.message}`);
    }
    lines.push('', report.identical ? 'identical' : 'different');
    return lines.join('\n');
}

/** An ISO 8601 instant as `2026-12-01 20:49:04Z` (UTC, whole seconds): short enough for a table. */
export function when(iso: string | undefined): string {
    return iso === undefined ? '' : `${iso.slice(0, 19).replace('T', ' ')}Z`;
}

/** `850 ms`, `42.1 s`, `12 min 5 s`, `3 h 20 min`. */
export function duration(ms: number | undefined): string {
    if (ms === undefined) return '';
    if (ms < 1000) return `${ms} ms`;
    if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
    const seconds = Math.round(ms / 1000);
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
    return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

const count = (value: number | undefined) => (value === undefined ? '' : n(value));

export function renderRuns(runs: RunIndexEntry[]): string {
    if (runs.length === 0) return 'no runs yet';
    return table(
        ['run', 'spec', 'status', 'started', 'duration', 'read', 'written', 'failed', 'requests', 'trigger'],
        runs.map((r) => [
            r.runId,
            r.spec,
            r.status,
            when(r.startedAt),
            duration(r.durationMs),
            count(r.readRows),
            count(r.writtenRows),
            count(r.failedRows),
            count(r.requests),
            r.trigger ?? '',
        ]),
    );
}
