/**
 * What a subset (spec/subset.ts) needs of the plan, checked before anything is read: each children entry's lookup
 * exists and points to a table the run copies, and deletes stay inside the subset (copy/subset.ts computes the rows).
 */
import type { MigrationSpec } from '../spec/schema.js';
import { didYouMean } from '../util/suggest.js';
import type { ColumnMapping, PlanIssue, TablePlan } from './types.js';

/** The run tables a lookup column binds to in the target as copied rows (not references, not unresolved ones). */
export function runTablesOf(column: ColumnMapping): string[] {
    return (column.lookup?.targets ?? []).flatMap((t) =>
        t.binding.kind === 'run-id' || t.binding.kind === 'run-key' ? [t.binding.table] : [],
    );
}

/** The lookups of a table that point to run tables: the parents a taken row needs. */
export function parentColumns(table: TablePlan): ColumnMapping[] {
    return table.columns.filter((c) => c.kind === 'lookup' && runTablesOf(c).length > 0);
}

/** The child lookups a children entry follows: its `via`, or every lookup of the child to a run table. */
export function childColumns(table: TablePlan, via: string | undefined): ColumnMapping[] {
    return parentColumns(table).filter((c) => via === undefined || c.source === via);
}

export function subsetPlanProblems(spec: MigrationSpec, tables: Record<string, TablePlan>): PlanIssue[] {
    const subset = spec.subset;
    if (!subset) return [];
    const problems: PlanIssue[] = [];
    subset.children.forEach((entry, i) => {
        const child = tables[entry.name];
        if (!child || childColumns(child, entry.via).length > 0) return;
        const path = `subset.children[${i}]${entry.via !== undefined ? '.via' : ''}`;
        const lookups = child.columns.filter((c) => c.kind === 'lookup');
        const column = lookups.find((c) => c.source === entry.via);
        const message =
            entry.via === undefined
                ? `'${entry.name}' has no lookup to a table this run copies: there is nothing to follow`
                : !column
                  ? `'${entry.via}' is not a copied lookup column of '${entry.name}'${didYouMean(
                        entry.via,
                        lookups.map((c) => c.source),
                    )}`
                  : `'${entry.name}.${entry.via}' points to ${column.lookup?.targets.map((t) => `'${t.table}'`).join(', ') || 'no table'}, none of them copied by this run: add the table to tables`;
        problems.push({ path, table: entry.name, message });
    });
    Object.values(tables).forEach((table) => {
        if (!table.deleteMissing || table.match.kind === 'id') return;
        const index = spec.tables.findIndex((t) => t.name === table.name);
        problems.push({
            path: `tables[${index}].deleteMissing`,
            table: table.name,
            message: `a subset deletes only target rows it took, found by id; '${table.name}' is matched on key '${table.match.key}', so its deletes would compare rows outside the subset: match it by id, or drop deleteMissing`,
        });
    });
    spec.manyToMany.forEach((entry, i) => {
        if (typeof entry === 'string' || !entry.deleteMissing) return;
        problems.push({
            path: `manyToMany[${i}].deleteMissing`,
            message: `'${entry.name}': a subset copies the pairs between the rows it takes, but does not remove pairs (yet): drop deleteMissing`,
        });
    });
    return problems;
}
