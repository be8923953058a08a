/** How the engine's writes address a target table and which options every write of a table carries. */
import type { Plan, TablePlan } from '../plan/types.js';

/** A table's target endpoint as the client's write methods take it. */
export function targetWriteTable(table: TablePlan) {
    return {
        logicalName: table.target.logicalName,
        entitySetName: table.target.entitySetName,
        primaryIdAttribute: table.target.primaryId,
        // Rows with parties go as single requests in $batch: no page says the bulk messages take a deep insert.
        ...(table.parties
            ? { bulk: { UpsertMultiple: false, UpdateMultiple: false } }
            : table.bulkWrites
              ? { bulk: table.bulkWrites }
              : {}),
    };
}

/** Write options of a table: the run's batch size, the table's bypass headers, the abort signal. */
export function writeOptions(plan: Pick<Plan, 'options'>, table: TablePlan, signal?: AbortSignal) {
    return {
        batchSize: plan.options.writeBatchSize,
        ...(table.bypass ? { bypass: table.bypass } : {}),
        ...(signal ? { signal } : {}),
    };
}
