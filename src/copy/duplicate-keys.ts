/**
 * Source rows of one page that name the same target row by their alternate key (the service compares key strings by
 * its collation, addressing.ts `keyIdentity`: `A-1` and `a-1` are one key, and under `_CI_AI` `Crème` and `creme `
 * too). Sent together they are refused or half-applied: "When more than
 * one record in the `Targets` parameter is uniquely identified by a primary or alternate key, `UpsertMultiple` will
 * return an error", while UpdateMultiple applies only the first (PD: bulk-operations.md "Duplicate records in ...
 * Targets parameter"); row by row, the second PATCH would silently overwrite the first. So the first row of a key is
 * written and every later one fails on its own, naming the key and the row that holds it.
 */
import type { TablePlan } from '../plan/types.js';
import { addressIdentity, type ExpectedRow } from './row-plan.js';

export const DUPLICATE_KEY_CODE = 'DuplicateKey';

export interface DuplicateKeyFailure {
    sourceId: string;
    code: string;
    column: string;
    message: string;
}

/** The rows to write (the first of every key) and a failure for each later row with an already-seen key. */
export function splitDuplicateKeys(
    table: TablePlan,
    expected: readonly ExpectedRow[],
): { kept: ExpectedRow[]; duplicates: DuplicateKeyFailure[] } {
    if (table.match.kind !== 'key') return { kept: [...expected], duplicates: [] };
    const { columns } = table.match;
    const first = new Map<string, ExpectedRow>();
    const kept: ExpectedRow[] = [];
    const duplicates: DuplicateKeyFailure[] = [];
    for (const row of expected) {
        const identity = addressIdentity(row.address);
        const holder = first.get(identity);
        if (!holder) {
            first.set(identity, row);
            kept.push(row);
            continue;
        }
        const values = row.address.kind === 'key' ? row.address.values : [];
        const key = columns.map((c, i) => `${c}=${JSON.stringify(values[i] ?? null)}`).join(', ');
        duplicates.push({
            sourceId: row.sourceId,
            code: DUPLICATE_KEY_CODE,
            column: columns.join(','),
            message: `the alternate key (${key}) of ${table.name} is also the key of source row ${holder.sourceId}, which is written in its place; one target row cannot hold both`,
        });
    }
    return { kept, duplicates };
}
