/**
 * Deletes only from a complete view: a table (or many-to-many relationship) with deleteMissing whose source view the
 * preflight did not establish as complete (Global read, or privileges that could not be checked) deletes nothing, as a
 * target row the source identity cannot see would look missing. The run skips those deletes, and the dry run lists
 * none, each saying why.
 */
import type { Plan, SourceRead } from './types.js';

export function incompleteViews(plan: Plan): Array<{ table: string; reason: string }> {
    const unseen = (read: SourceRead | undefined) =>
        `deletes skipped: the source identity's complete view is not established (${read?.reason ?? 'its read was not checked'})`;
    return [
        ...plan.deletePhase
            .filter((t) => !plan.tables[t]?.sourceRead?.complete)
            .map((t) => ({ table: t, reason: unseen(plan.tables[t]?.sourceRead) })),
        ...plan.manyToMany
            .filter((m) => m.deleteMissing && !m.sourceRead?.complete)
            .map((m) => ({ table: m.name, reason: unseen(m.sourceRead) })),
    ];
}
