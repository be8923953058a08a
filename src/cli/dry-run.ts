/**
 * `run --dry-run`: what a run of the spec would do now, with nothing written (src/verify/dry-run.ts):
 * per table the rows it would create, update and delete, the rows it would fail, samples with old and new
 * values, and whether a threshold would stop it. Exit 0 when it read both sides, 2 on bad input.
 */
import { dryRun, type DryRunReport } from '../verify/dry-run.js';
import { readPlatformOwned } from '../run/platform-owned.js';
import { cliStore } from './store.js';
import { clientsForSpec } from './clients.js';
import { BadInputError, ExitCode, type CliIo } from './io.js';
import { createProgress, rangeProgress } from './progress.js';
import { formatValue, table } from './render.js';
import { requireSpec } from './spec-input.js';

const n = (value: number) => value.toLocaleString('en-US');

export function renderDryRun(report: DryRunReport): string {
    const lines: string[] = [];
    const rows = Object.entries(report.tables).map(([name, t]) => [
        name,
        n(t.source),
        n(t.create),
        n(t.update),
        n(t.unchanged),
        n(t.delete),
        n(t.fail),
    ]);
    if (rows.length > 0)
        lines.push(table(['table', 'source', 'create', 'update', 'unchanged', 'delete', 'fail'], rows));
    const relationships = Object.entries(report.manyToMany);
    if (relationships.length > 0)
        lines.push(
            '',
            table(
                ['many-to-many', 'associate', 'skipped'],
                relationships.map(([name, m]) => [name, n(m.associate), n(m.skipped)]),
            ),
        );
    for (const [name, t] of Object.entries(report.tables)) {
        if (t.samples.create.length > 0) lines.push('', `${name} would create: ${t.samples.create.join(', ')}`);
        for (const row of t.samples.update) {
            lines.push('', `${name} ${row.id} would update ${row.columns.join(', ')}`);
            for (const [column, v] of Object.entries(row.values ?? {}))
                lines.push(`  ${column}: ${formatValue(v.target)} -> ${formatValue(v.source)}`);
        }
        if (t.samples.delete.length > 0) lines.push('', `${name} would delete: ${t.samples.delete.join(', ')}`);
        for (const f of t.samples.fail)
            lines.push('', `${name} ${f.id} would fail (${f.code}${f.column ? `, ${f.column}` : ''}): ${f.message}`);
    }
    for (const s of report.skippedDeletes ?? []) lines.push('', `${s.table} would delete nothing: ${s.reason}`);
    lines.push('');
    if (report.stops.length === 0) lines.push('A run would go to its end. Nothing was written.');
    else lines.push('A run would stop:', ...report.stops.map((s) => `  ${s}`), 'Nothing was written.');
    return lines.join('\n');
}

export async function runDryRun(
    opts: {
        spec?: string | undefined;
        json?: boolean | undefined;
        samples?: number | undefined;
        logDir?: string | undefined;
    },
    io: CliIo,
): Promise<ExitCode> {
    if (opts.spec === undefined) throw new BadInputError(['--dry-run needs --spec FILE']);
    const { spec } = await requireSpec(opts.spec, io);
    const clients = clientsForSpec(spec, io);
    const progress = createProgress(io, { json: opts.json === true });
    let report: DryRunReport;
    try {
        report = await dryRun(spec, clients, {
            samples: opts.samples ?? 5,
            // Columns runs found the target rewriting: a run would not write them.
            noticed: await readPlatformOwned(cliStore(io, opts.logDir).store, spec.target.url),
            progress: rangeProgress(progress),
        });
    } finally {
        progress.stop();
    }
    if (report.problems && report.problems.length > 0) throw BadInputError.of(report.problems);
    io.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderDryRun(report)}\n`);
    return ExitCode.Success;
}
