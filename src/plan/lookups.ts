/**
 * Lookup columns: for each table a lookup may point to, how its value is written in the target.
 * A table copied in this run binds by the preserved id (or by its alternate key when it matches on
 * one) and adds a dependency edge; a reference table (users, teams, business units, currencies,
 * organization, or any table in spec.references) translates ids through natural-key matches; any
 * other table is unresolved: a problem under onUnresolvedLookup 'fail', a cleared value under 'clear'.
 */
import { keyLookupColumns, keyWithLookupProblem } from './key-parts.js';
import type { AttributeMetadata, TableMetadata } from '../dataverse/metadata-types.js';
import type { PlanContext, RunTable } from './context.js';
import type { LookupEdge } from './graph.js';
import type { LookupBinding, LookupTarget } from './types.js';

const REQUIRED_LEVELS = new Set(['SystemRequired', 'ApplicationRequired']);

export function isRequired(attribute: AttributeMetadata): boolean {
    return REQUIRED_LEVELS.has(attribute.requiredLevel);
}

/** Tables a lookup may point to; owner columns without targets point to users and teams. */
export function lookupTargets(attribute: AttributeMetadata): string[] {
    if (attribute.targets && attribute.targets.length > 0) return attribute.targets;
    return attribute.attributeType === 'Owner' ? ['systemuser', 'team'] : [];
}

/** The single-valued navigation property of `column` towards `referenced`, for `@odata.bind`. */
export function navigationProperty(
    table: TableMetadata,
    column: AttributeMetadata,
    referenced: string,
): string | undefined {
    const ofColumn = table.manyToOne.filter((r) => r.referencingAttribute === column.logicalName);
    const exact = ofColumn.find((r) => r.referencedEntity === referenced);
    if (exact) return exact.referencingEntityNavigationPropertyName;
    if (column.attributeType === 'Owner') {
        // Owner relationships reference the abstract 'owner' table; ownerid binds to users and teams alike.
        return (
            ofColumn.find((r) => r.referencedEntity === 'owner')?.referencingEntityNavigationPropertyName ??
            column.logicalName
        );
    }
    return undefined;
}

export interface LookupMappingResult {
    targets: LookupTarget[];
    required: boolean;
    edges: LookupEdge[];
}

function listNames(names: readonly string[]): string {
    const quoted = names.map((n) => `'${n}'`);
    return quoted.length <= 1
        ? (quoted[0] ?? '')
        : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

export function mapLookupColumn(
    ctx: PlanContext,
    run: RunTable,
    sourceAttr: AttributeMetadata,
    targetAttr: AttributeMetadata,
    path: string,
): LookupMappingResult {
    const table = run.spec.name;
    const column = sourceAttr.logicalName;
    const required = isRequired(targetAttr);
    const targetTargets = lookupTargets(targetAttr);
    const targets: LookupTarget[] = [];
    const edges: LookupEdge[] = [];
    const unresolved: string[] = [];

    const resolve = (referenced: string, targetName: string, binding: LookupBinding): void => {
        if (targetTargets.length > 0 && !targetTargets.includes(targetName)) {
            ctx.problems.push({
                path,
                table,
                column,
                message: `target column '${run.target.logicalName}.${targetAttr.logicalName}' cannot point to '${targetName}' (it points to ${listNames(targetTargets)}), but the source column points to '${referenced}'`,
            });
            return;
        }
        const nav = navigationProperty(run.target, targetAttr, targetName);
        if (nav === undefined) {
            ctx.problems.push({
                path,
                table,
                column,
                message: `the target metadata has no many-to-one relationship for '${run.target.logicalName}.${targetAttr.logicalName}' -> '${targetName}', needed to bind the lookup`,
            });
            return;
        }
        targets.push({ table: referenced, navigationProperty: nav, binding });
    };

    for (const referenced of lookupTargets(sourceAttr)) {
        const parent = ctx.run.get(referenced);
        const parentLookupParts = parent ? keyLookupColumns(parent.target, parent.match) : [];
        if (parent?.match.kind === 'key' && parentLookupParts.length > 0) {
            ctx.problems.push({
                path,
                table,
                column,
                message: keyWithLookupProblem(
                    referenced,
                    parent.match.key,
                    parentLookupParts,
                    `the lookup ${table}.${column}`,
                ),
            });
            continue;
        }
        if (parent) {
            const targetTable = parent.target.logicalName;
            const base = { table: referenced, targetTable, targetEntitySet: parent.target.entitySetName };
            const binding: LookupBinding =
                parent.match.kind === 'key'
                    ? {
                          kind: 'run-key',
                          ...base,
                          key: parent.match.key,
                          columns: parent.match.columns,
                          sourceColumns: parent.match.sourceColumns,
                      }
                    : { kind: 'run-id', ...base };
            resolve(referenced, targetTable, binding);
            // A lookup the target cannot update cannot be patched later either: never defer it.
            edges.push({ from: table, to: referenced, column, required: required || !targetAttr.isValidForUpdate });
        } else if (ctx.referenceRules.has(referenced)) {
            ctx.usedReferences.add(referenced);
            const targetEntitySet = ctx.target.tables.get(referenced)?.entitySetName ?? '';
            resolve(referenced, referenced, {
                kind: 'reference',
                table: referenced,
                targetEntitySet,
                ownerFallback: sourceAttr.attributeType === 'Owner',
            });
        } else {
            unresolved.push(referenced);
            // Never bound, but a target value pointing there can still be cleared through its navigation property.
            const nav = navigationProperty(run.target, targetAttr, referenced);
            targets.push({
                table: referenced,
                ...(nav !== undefined ? { navigationProperty: nav } : {}),
                binding: { kind: 'unresolved', table: referenced },
            });
        }
    }

    if (unresolved.length > 0) {
        const some = unresolved.length < targets.length;
        const what = `'${table}.${column}' points to ${listNames(unresolved)}, which ${unresolved.length > 1 ? 'are' : 'is'} neither copied in this run nor a reference table`;
        const keep = `add ${unresolved.length > 1 ? 'them' : 'it'} to tables, or give ${unresolved.length > 1 ? 'them' : 'it'} a matching rule in references`;
        if (ctx.spec.onUnresolvedLookup === 'fail' || (required && !some)) {
            const why =
                ctx.spec.onUnresolvedLookup === 'fail'
                    ? ''
                    : ' (the column is required in the target, so clearing it would fail every row)';
            ctx.problems.push({
                path,
                table,
                column,
                message: `${what}${why}: ${keep}${why ? '' : ", or set onUnresolvedLookup to 'clear'"}`,
            });
        } else {
            ctx.warnings.push({
                path,
                table,
                column,
                message: `${what}: ${some ? 'values pointing there are' : 'the column is'} cleared on every row (onUnresolvedLookup 'clear'); ${keep} to keep ${some ? 'them' : 'its values'}`,
            });
        }
    }
    for (const referenced of lookupTargets(sourceAttr)) {
        const parent = ctx.run.get(referenced);
        if (parent?.spec.filter === undefined) continue;
        const action = ctx.spec.onUnresolvedLookup === 'fail' ? 'fail their rows' : 'are cleared';
        ctx.warnings.push({
            path,
            table,
            column,
            message: `'${table}.${column}' points to '${referenced}', which is copied with a filter: values pointing to rows outside it ${action} (onUnresolvedLookup '${ctx.spec.onUnresolvedLookup}')`,
        });
    }
    return { targets, required, edges };
}
