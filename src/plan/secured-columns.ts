/**
 * Secured columns (column-level security, AttributeMetadata.IsSecured): a caller without a field security profile that
 * allows reading one reads it as null, and a write of one without create/update permission is refused. So a secured
 * column the source identity cannot read is left out of the mapping (a null read would clear the target's value, and
 * it would compare as changed on every run); one the target identity cannot write is left out, or written only on the
 * path it may (create or update). A column the spec lists by name that cannot be written at all is a problem. A
 * column with a masking rule reads masked (`***`) unless the read asks `UnMaskedData=true` and the source identity may
 * read it unmasked in queries (CanReadUnmasked All Records): then its table is read unmasked, else it is left out.
 */
import type { AttributeMetadata, TableMetadata } from '../dataverse/metadata-types.js';
import type { FieldPermission } from '../dataverse/user-privileges.js';
import type { ColumnMapping, Plan, PlanIssue, TablePlan } from './types.js';

/** An identity's field permissions, or why they could not be read. */
export type FieldCheck = { ok: true; fields: ReadonlyMap<string, FieldPermission> } | { ok: false; reason: string };

export interface SecuredColumnsInput {
    plan: Plan;
    /** Spec path and explicitly listed columns (spec `columns`) per run table. */
    specTables: ReadonlyMap<string, { path: string; columns?: readonly string[] }>;
    source: ReadonlyMap<string, TableMetadata>;
    target: ReadonlyMap<string, TableMetadata>;
    sourceFields: FieldCheck;
    targetFields: FieldCheck;
    /** `table.column` (lower case) of the source columns with a masking rule (AttributeMaskingRule). */
    maskedSource?: ReadonlySet<string>;
}

function attribute(table: TableMetadata | undefined, name: string): AttributeMetadata | undefined {
    return table?.attributes.find((a) => a.logicalName === name);
}

/** Whether any mapped column is secured on either side (the field permissions are read only then). */
export function hasSecuredColumns(
    plan: Plan,
    source: ReadonlyMap<string, TableMetadata>,
    target: ReadonlyMap<string, TableMetadata>,
): boolean {
    return Object.values(plan.tables).some((t) =>
        t.columns.some(
            (c) =>
                attribute(source.get(t.name), c.source)?.secured ||
                attribute(target.get(t.target.logicalName), c.target)?.secured,
        ),
    );
}

function allowed(check: FieldCheck, attr: AttributeMetadata): FieldPermission | string {
    if (!check.ok) return `its field permissions could not be checked (${check.reason})`;
    return check.fields.get(attr.secured!.attributeId) ?? { read: false, create: false, update: false };
}

/** The write paths left to a target column: undefined when none. */
function narrowed(writable: ColumnMapping['writable'], p: FieldPermission): ColumnMapping['writable'] | undefined {
    const create = p.create && writable !== 'update';
    const update = p.update && writable !== 'create';
    if (create && update) return 'both';
    if (create) return 'create';
    if (update) return 'update';
    return undefined;
}

function dropColumn(table: TablePlan, column: ColumnMapping, plan: Plan): void {
    table.columns = table.columns.filter((c) => c !== column);
    if (!table.deferred.includes(column.source)) return;
    table.deferred = table.deferred.filter((c) => c !== column.source);
    for (const entry of plan.deferredPhase) {
        if (entry.table === table.name) entry.columns = entry.columns.filter((c) => c !== column.source);
    }
    plan.deferredPhase = plan.deferredPhase.filter((e) => e.columns.length > 0);
}

export function applySecuredColumns(input: SecuredColumnsInput): { warnings: PlanIssue[]; problems: PlanIssue[] } {
    const { plan } = input;
    const warnings: PlanIssue[] = [];
    const problems: PlanIssue[] = [];
    for (const table of Object.values(plan.tables)) {
        const spec = input.specTables.get(table.name);
        const path = spec?.path ?? 'tables';
        for (const column of [...table.columns]) {
            const name = `'${table.name}.${column.source}'`;
            const issue = { path, table: table.name, column: column.source };
            const read = attribute(input.source.get(table.name), column.source);
            if (read?.secured) {
                const p = allowed(input.sourceFields, read);
                if (typeof p === 'string' || !p.read) {
                    const why = typeof p === 'string' ? p : 'no field security profile lets it read the column';
                    warnings.push({
                        ...issue,
                        message: `secured column ${name} is left out: the source identity may not read it (${why}), so it would read as null; it is never written nor compared`,
                    });
                    dropColumn(table, column, plan);
                    continue;
                }
                if (input.maskedSource?.has(`${table.name}.${column.source}`.toLowerCase())) {
                    // Masked text ('***') must never reach the target: read unmasked where allowed, else leave it out.
                    if (p.readUnmaskedInQueries) table.unmaskedReads = true;
                    else {
                        warnings.push({
                            ...issue,
                            message: `secured column ${name} is left out: it has a masking rule and the source identity may not read it unmasked in queries (CanReadUnmasked is not All Records), so it would read masked; the mask is never written nor compared`,
                        });
                        dropColumn(table, column, plan);
                        continue;
                    }
                }
            }
            const written = attribute(input.target.get(table.target.logicalName), column.target);
            if (!written?.secured) continue;
            const p = allowed(input.targetFields, written);
            const paths = typeof p === 'string' ? undefined : narrowed(column.writable, p);
            if (paths !== undefined) {
                if (paths !== column.writable) {
                    warnings.push({
                        ...issue,
                        message: `secured column '${table.target.logicalName}.${column.target}' is written on ${paths} only: the target identity's field permissions allow no more`,
                    });
                    column.writable = paths;
                }
                continue;
            }
            const why = typeof p === 'string' ? p : 'no field security profile lets it create or update the column';
            const message = `secured column '${table.target.logicalName}.${column.target}' cannot be written by the target identity (${why})`;
            if (spec?.columns?.includes(column.source)) problems.push({ ...issue, message });
            else warnings.push({ ...issue, message: `${message}: left out` });
            dropColumn(table, column, plan);
        }
    }
    return { warnings, problems };
}
