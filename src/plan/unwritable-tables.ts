/**
 * Tables a run cannot copy as rows, each refused in the plan with why and what to do instead (a problem, not a
 * warning: every row would fail, or the copy would be wrong):
 * - `activityparty` supports RetrieveMultiple only; parties are written with their activity (activityparty table
 *   reference, "Messages"); `attachment` is query-only (attachment-annotation-files.md); `activitypointer` is the
 *   abstract view over every activity table (PPDS skips it, ActivityPointerHandler.cs).
 * - `systemuser` (needs a user in Microsoft Entra ID), `businessunit` (a hierarchy under the org's root unit),
 *   `organization` (one row per environment) and `role` (solution components, one copy per business unit) are matched
 *   in the target by `references`, never created by a migration.
 * - Elastic tables (identity is the id plus `partitionid`, no transactions, bulk writes that partly succeed:
 *   elastic-tables.md) and virtual tables (rows live in an external source through a data provider) need a path of
 *   their own that the engine does not have yet (EntityMetadata.TableType).
 */
import type { TableMetadata } from '../dataverse/metadata-types.js';

const NOT_ROWS: Record<string, string> = {
    activityparty:
        "activityparty rows cannot be written (the table supports RetrieveMultiple only): an activity's parties are written with the activity, as its party list",
    attachment:
        'attachment rows cannot be written (the table is query-only): copy e-mail attachments as activitymimeattachment rows',
    activitypointer:
        'activitypointer is the abstract view over all activities and cannot be written: list each activity table (email, task, appointment, ...) instead',
};

const MATCHED: Record<string, string> = {
    systemuser: 'users are created from Microsoft Entra ID, not by a migration',
    businessunit: "business units form the target org's own hierarchy under its root unit",
    organization: 'the organization is the one row of each environment',
    role: 'security roles come with solutions, one copy per business unit',
};

/** Why `table` cannot be copied as rows (the source's and the target's metadata), or undefined if it can. */
export function unwritableReason(name: string, source: TableMetadata, target: TableMetadata): string | undefined {
    const logical = target.logicalName;
    const notRows = NOT_ROWS[logical] ?? NOT_ROWS[source.logicalName];
    if (notRows !== undefined) return notRows;
    const matched = MATCHED[logical];
    if (matched !== undefined)
        return `'${name}' is not copied as rows: ${matched}. Lookups to it are matched in the target by references.${logical}.matchOn; remove it from tables`;
    for (const [side, meta] of [
        ['source', source],
        ['target', target],
    ] as const) {
        if (meta.tableType === 'Elastic')
            return `'${name}' is an elastic table in the ${side} (TableType Elastic): its rows are identified by id and partitionid and written without transactions, which this tool does not handle yet`;
        if (meta.tableType === 'Virtual')
            return `'${name}' is a virtual table in the ${side} (TableType Virtual): its rows live in an external data source, which this tool does not copy`;
    }
    return undefined;
}
