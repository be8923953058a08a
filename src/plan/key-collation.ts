/**
 * Which strings the target holds as one key value depends on its collation (dataverse/collation.ts), which its base
 * language fixes. The plan asks once, when some table is matched on an alternate key, and keeps the answer on each
 * such table, so the copy, the deletes and verify compare key values as the target does. When the question cannot be
 * asked, the documented default (`_CI_AI`) is kept, with a warning.
 */
import { DEFAULT_COLLATION, readCollation } from '../dataverse/collation.js';
import type { DataverseClient } from '../dataverse/client-types.js';
import type { Plan } from './types.js';

export async function readKeyCollation(plan: Plan, target: DataverseClient, signal?: AbortSignal): Promise<void> {
    const keyed = Object.values(plan.tables).filter((t) => t.match.kind === 'key');
    if (keyed.length === 0) return;
    let collation = DEFAULT_COLLATION;
    try {
        ({ collation } = await readCollation(target, signal ? { signal } : {}));
    } catch (error) {
        if (signal?.aborted) throw error;
        plan.warnings.push({
            message: `cannot read the target's base language (${error instanceof Error ? error.message : String(error)}): alternate-key values are compared as ${DEFAULT_COLLATION} (case- and accent-insensitive), the collation of most languages`,
        });
    }
    for (const table of keyed) if (table.match.kind === 'key') table.match.collation = collation;
}
