/**
 * The dry run: what a run of this spec would do now, read from both sides the way a run reads them and
 * decided by the copy's own row rules (verify's comparison), with nothing written: per table the rows it
 * would create, update (which columns, with samples of the old and new values) and delete, the rows it
 * would fail, the many-to-many pairs it would associate, and whether a threshold (the delete share,
 * maxFailedRows, maxFailureRatio) would stop it. Tables in incremental mode are compared in full: the dry
 * run shows every difference a full run would mend, where a refresh looks only at what changed.
 */
import type { EnvironmentClients } from '../environments/index.js';
import { incompleteViews } from '../plan/incomplete-views.js';
import type { PlanIssue } from '../plan/types.js';
import { emptyCounts } from '../run/outcomes.js';
import { deleteRefusals, refusedDeletesStop, stopAfterPhase } from '../run/stop-rules.js';
import { emptyTableSummary, type TableSummary } from '../run/summary.js';
import type { MigrationSpec } from '../spec/index.js';
import { compareMigration, type DifferentRow, type FailingRow, type VerifyOptions } from './verify.js';

export interface TableDiff {
    /** Source rows inside the filter, and target rows (inside the filter where ids are preserved). */
    source: number;
    target: number;
    create: number;
    update: number;
    unchanged: number;
    /** With deleteMissing: target rows the source lacks (what the delete phase would consider). */
    delete: number;
    fail: number;
    samples: { create: string[]; update: DifferentRow[]; delete: string[]; fail: FailingRow[] };
}

export interface DryRunReport {
    tables: Record<string, TableDiff>;
    manyToMany: Record<string, { associate: number; skipped: number }>;
    /** Why the run would stop, as the run itself would say it; empty when it would run to its end. */
    stops: string[];
    /** Tables and relationships whose deletes the run would skip (the source view is not complete), and why. */
    skippedDeletes?: Array<{ table: string; reason: string }>;
    problems?: PlanIssue[];
}

export async function dryRun(
    spec: MigrationSpec,
    clients: EnvironmentClients,
    options: Omit<VerifyOptions, 'values'> = {},
): Promise<DryRunReport> {
    const { report, plan } = await compareMigration(spec, clients, { ...options, values: true });
    if (report.problems && report.problems.length > 0)
        return { tables: {}, manyToMany: {}, stops: [], problems: report.problems };
    const tables: Record<string, TableDiff> = {};
    const summaries: Record<string, TableSummary> = {};
    // As the run: no deletes from a view the preflight did not find complete.
    const skippedDeletes = incompleteViews(plan);
    const skipped = new Set(skippedDeletes.map((s) => s.table));
    for (const [name, t] of Object.entries(report.tables)) {
        const deletes = plan.tables[name]?.deleteMissing === true && !skipped.has(name);
        tables[name] = {
            source: t.source,
            target: t.target,
            create: t.missing,
            update: t.different,
            unchanged: t.source - t.missing - t.different - t.failing,
            delete: deletes ? t.extra : 0,
            fail: t.failing,
            samples: {
                create: t.samples.missing,
                update: t.samples.different,
                delete: deletes ? t.samples.extra : [],
                fail: t.samples.failing,
            },
        };
        // The copy phase as the run would count it, for its failure thresholds.
        const summary = emptyTableSummary('full');
        summary.copy = { ...emptyCounts(), read: t.source, failed: t.failing };
        summaries[name] = summary;
    }
    const stops: string[] = [];
    const failed = stopAfterPhase(false, plan.options, summaries, {});
    if (failed) stops.push(failed.reason);
    const share = plan.options.maxDeleteShare;
    const refusals = deleteRefusals(
        Object.entries(tables).map(([table, t]) => ({ table, wouldDelete: t.delete, targetRows: t.target })),
        share,
    );
    if (refusals.length > 0) stops.push(refusedDeletesStop(refusals, share).reason);
    const manyToMany: DryRunReport['manyToMany'] = {};
    for (const [name, m] of Object.entries(report.manyToMany))
        manyToMany[name] = { associate: m.missing, skipped: m.skipped };
    return { tables, manyToMany, stops, ...(skippedDeletes.length > 0 ? { skippedDeletes } : {}) };
}
