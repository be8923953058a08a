/**
 * The plan asks the target once per run table which bulk messages it takes (dataverse/bulk-support.ts), so writes go
 * straight to `$batch` for a table without them instead of each run failing a first chunk, and `plan` shows it. When
 * the question cannot be asked (a role that may not read sdkmessagefilters, say) the table is left unknown, with a
 * warning: writes then learn from the first chunk, as before.
 */
import { bulkSupport } from '../dataverse/bulk-support.js';
import type { DataverseClient } from '../dataverse/client-types.js';
import type { Plan } from './types.js';

export async function probeBulkWrites(plan: Plan, target: DataverseClient, signal?: AbortSignal): Promise<void> {
    await Promise.all(
        Object.values(plan.tables).map(async (table) => {
            try {
                table.bulkWrites = await bulkSupport(target, table.target.logicalName, signal ? { signal } : {});
            } catch (error) {
                if (signal?.aborted) throw error;
                plan.warnings.push({
                    table: table.name,
                    message: `cannot tell whether the target takes bulk writes for '${table.target.logicalName}' (${error instanceof Error ? error.message : String(error)}): the first write finds out`,
                });
            }
        }),
    );
}

/** How a table's rows are written, in words. */
export function bulkWritesText(bulk: Plan['tables'][string]['bulkWrites']): string | undefined {
    if (!bulk) return undefined;
    const messages = Object.entries(bulk)
        .filter(([, ok]) => ok)
        .map(([m]) => m);
    return messages.length > 0 ? `bulk: ${messages.join(', ')}` : 'no bulk messages: $batch';
}
