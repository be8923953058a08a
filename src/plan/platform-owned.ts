/**
 * A table's declared platform-owned columns (spec `platformOwned`): target columns the target's own logic sets, left
 * out of every comparison and write. Each must be a column the table copies; a match-key column (it finds the row) and
 * statecode/statuscode (set by the state phase) cannot be left out this way.
 */
import { didYouMean } from '../util/suggest.js';
import { columnNames, tablePath, type PlanContext, type RunTable } from './context.js';
import type { ColumnMapping, PlatformOwnedColumn, TablePlan } from './types.js';

export function declaredPlatformOwned(
    ctx: PlanContext,
    run: RunTable,
    columns: readonly ColumnMapping[],
    state: TablePlan['state'],
): PlatformOwnedColumn[] {
    const declared: PlatformOwnedColumn[] = [];
    (run.spec.platformOwned ?? []).forEach((column, i) => {
        const path = `${tablePath(run)}.platformOwned[${i}]`;
        const problem = (message: string) => ctx.problems.push({ path, table: run.spec.name, column, message });
        const target = run.target.logicalName;
        if (!columns.some((c) => c.target === column)) {
            if (columnNames(run.target).includes(column))
                ctx.warnings.push({
                    path,
                    table: run.spec.name,
                    column,
                    message: `'${column}' is not copied to '${target}' anyway: platformOwned has nothing to leave out`,
                });
            else
                problem(
                    `column '${column}' does not exist in target table '${target}'${didYouMean(column, columnNames(run.target))}`,
                );
            return;
        }
        if (run.match.kind === 'key' && run.match.columns.includes(column))
            return problem(
                `'${column}' is part of the alternate key '${run.match.key}' rows are matched on, so it is always written`,
            );
        if (column === state?.targetStateColumn || column === state?.targetStatusColumn)
            return problem(
                `'${column}' is set by the state phase with its pair; leave statecode and statuscode out of columns instead`,
            );
        if (!declared.some((d) => d.column === column)) declared.push({ column, by: 'spec' });
    });
    return declared;
}
