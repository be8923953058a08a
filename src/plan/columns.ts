/**
 * Column mapping of one run table. Without `columns`: every column readable in the source and
 * writable (create or update) in the target, minus system columns; each column left out is listed
 * with its reason (warnings). With `columns`: each listed column is checked against both sides
 * (problems, with close matches for unknown names). Either way: type compatibility, choice values,
 * lookups (lookups.ts) and statecode/statuscode together.
 */
import type { AttributeMetadata, AttributeType } from '../dataverse/metadata-types.js';
import { didYouMean } from '../util/suggest.js';
import { columnNames, tablePath, type PlanContext, type RunTable } from './context.js';
import type { LookupEdge } from './graph.js';
import { contentKind } from './content-columns.js';
import { mapLookupColumn } from './lookups.js';
import { systemColumnReason, uncopyableReason } from './system-columns.js';
import type { ColumnKind, ColumnMapping, TablePlan } from './types.js';

export interface ColumnsResult {
    columns: ColumnMapping[];
    edges: LookupEdge[];
    state?: TablePlan['state'];
}

const FAMILY: Record<AttributeType, string> = {
    String: 'text',
    Memo: 'text',
    Integer: 'whole number',
    BigInt: 'whole number',
    Decimal: 'number',
    Double: 'number',
    Money: 'number',
    Boolean: 'yes/no',
    DateTime: 'date and time',
    Picklist: 'choice',
    State: 'choice',
    Status: 'choice',
    Lookup: 'lookup',
    Customer: 'lookup',
    Owner: 'lookup',
    Uniqueidentifier: 'unique identifier',
    EntityName: 'table name',
    Virtual: 'virtual',
    PartyList: 'party list',
    CalendarRules: 'calendar rules',
    ManagedProperty: 'managed property',
};

function isMultiSelect(attribute: AttributeMetadata): boolean {
    return attribute.attributeType === 'Virtual' && attribute.attributeTypeName === 'MultiSelectPicklistType';
}

function family(attribute: AttributeMetadata): string {
    return isMultiSelect(attribute) ? 'multi-select choice' : FAMILY[attribute.attributeType];
}

function kindOf(attribute: AttributeMetadata): ColumnKind {
    const f = family(attribute);
    if (f === 'lookup') return 'lookup';
    return f === 'choice' || f === 'multi-select choice' ? 'choice' : 'plain';
}

/** Why a value of `source` cannot be written to `target`, or a warning when it may not always fit. */
function typeCheck(source: AttributeMetadata, target: AttributeMetadata): { error?: string; warning?: string } {
    const from = family(source);
    const to = family(target);
    if (from !== to && !(from === 'whole number' && to === 'number')) {
        return {
            error: `type ${source.attributeType} (${from}) in the source cannot be written to ${target.attributeType} (${to}) in the target`,
        };
    }
    if (from === 'text' && source.maxLength !== undefined && target.maxLength !== undefined) {
        if (target.maxLength < source.maxLength) {
            return {
                warning: `the target allows ${target.maxLength} characters, the source ${source.maxLength}: longer values fail their rows`,
            };
        }
    }
    if (source.attributeType === 'BigInt' && target.attributeType === 'Integer')
        return { warning: 'BigInt in the source, Integer in the target: values beyond 32 bits fail their rows' };
    return {};
}

function writable(target: AttributeMetadata): ColumnMapping['writable'] {
    if (target.isValidForCreate && target.isValidForUpdate) return 'both';
    return target.isValidForCreate ? 'create' : 'update';
}

/** The first attribute of each logical name, as `find` would return it. */
function byLogicalName(attributes: readonly AttributeMetadata[]): Map<string, AttributeMetadata> {
    const map = new Map<string, AttributeMetadata>();
    for (const a of attributes) if (!map.has(a.logicalName)) map.set(a.logicalName, a);
    return map;
}

interface Candidate {
    source: AttributeMetadata;
    targetName: string;
    /** `tables[0].columns[3]` for explicit columns; the table path for automatic ones. */
    path: string;
}

class TableColumnMapper {
    private readonly columns: ColumnMapping[] = [];
    private readonly edges: LookupEdge[] = [];
    private readonly writtenBy = new Map<string, string>();
    /** Automatic mapping: reason -> columns left out. */
    private readonly dropped = new Map<string, string[]>();
    /** Reasons that hold on every org (system columns): reported condensed. */
    private readonly routineReasons = new Set<string>();
    private readonly table: string;
    private readonly at: string;
    /** Attributes by logical name: every column is looked up on both sides. */
    private readonly sourceAttrs: ReadonlyMap<string, AttributeMetadata>;
    private readonly targetAttrs: ReadonlyMap<string, AttributeMetadata>;

    constructor(
        private readonly ctx: PlanContext,
        private readonly run: RunTable,
    ) {
        this.table = run.spec.name;
        this.at = tablePath(run);
        this.sourceAttrs = byLogicalName(run.source.attributes);
        this.targetAttrs = byLogicalName(run.target.attributes);
    }

    private sourceAttr(name: string): AttributeMetadata | undefined {
        return this.sourceAttrs.get(name);
    }

    private targetAttr(name: string): AttributeMetadata | undefined {
        return this.targetAttrs.get(name);
    }

    private problem(path: string, column: string, message: string): void {
        this.ctx.problems.push({ path, table: this.table, column, message });
    }

    private drop(column: string, reason: string, routine = false): void {
        if (routine) this.routineReasons.add(reason);
        const list = this.dropped.get(reason);
        if (list) list.push(column);
        else this.dropped.set(reason, [column]);
    }

    /** Where createdon goes: overriddencreatedon when the target can take it on create. */
    private createdOnTarget(): string | undefined {
        const overridden = this.targetAttr('overriddencreatedon');
        return overridden?.isValidForCreate ? 'overriddencreatedon' : undefined;
    }

    private renamed(column: string): string | undefined {
        return this.run.spec.rename?.[column];
    }

    /** Maps one column; returns the reason it cannot be mapped (explicit: a problem; automatic: a drop). */
    private add(candidate: Candidate, explicit: boolean): string | undefined {
        const { source, targetName, path } = candidate;
        const column = source.logicalName;
        const target = this.targetAttr(targetName);
        if (!source.isValidForRead) return 'not readable in the source';
        // Copied by the content phase, not by row writes (content-columns.ts).
        if (contentKind(this.run.source.logicalName, source)) return undefined;
        const uncopyable = uncopyableReason(source);
        if (uncopyable) return uncopyable;
        if (!target) {
            if (!explicit) return 'not in the target table';
            return `column '${targetName}' does not exist in target table '${this.run.target.logicalName}'${didYouMean(targetName, columnNames(this.run.target))}`;
        }
        if (!target.isValidForCreate && !target.isValidForUpdate) {
            const hint = column === 'createdon' ? ' (the target has no writable overriddencreatedon)' : '';
            return explicit
                ? `column '${targetName}' is read-only in target table '${this.run.target.logicalName}' (not valid for create or update)${hint}`
                : `read-only in the target${hint}`;
        }
        const types = typeCheck(source, target);
        if (types.error) return types.error;
        const previous = this.writtenBy.get(targetName);
        if (previous !== undefined) return `target column '${targetName}' is already written by '${previous}'`;
        if (types.warning)
            this.ctx.warnings.push({ path, table: this.table, column, message: `'${column}': ${types.warning}` });

        const mapping: ColumnMapping = {
            source: column,
            target: targetName,
            kind: kindOf(target),
            type: target.attributeType,
            writable: writable(target),
        };
        if (target.precision !== undefined && FAMILY[target.attributeType] === 'number')
            mapping.precision = target.precision;
        if (mapping.kind === 'lookup') {
            const lookup = mapLookupColumn(this.ctx, this.run, source, target, path);
            mapping.lookup = { targets: lookup.targets, required: lookup.required };
            this.edges.push(...lookup.edges);
        } else if (mapping.kind === 'choice') {
            if (isMultiSelect(target)) mapping.multiSelect = true;
            const valueMap = this.checkChoices(source, target, path);
            if (valueMap) mapping.valueMap = valueMap;
        }
        this.writtenBy.set(targetName, column);
        this.columns.push(mapping);
        return undefined;
    }

    /** Source option values the target lacks (unless valueMap covers them); valueMap values the target lacks. */
    private checkChoices(
        source: AttributeMetadata,
        target: AttributeMetadata,
        path: string,
    ): Record<string, number> | undefined {
        const column = source.logicalName;
        const valueMaps = this.run.spec.valueMap ?? {};
        const mapKey = column in valueMaps ? column : target.logicalName in valueMaps ? target.logicalName : undefined;
        const valueMap = mapKey === undefined ? undefined : valueMaps[mapKey];
        const targetValues = new Set((target.options ?? []).map((o) => o.value));
        if (valueMap && target.options) {
            for (const [from, to] of Object.entries(valueMap)) {
                if (!targetValues.has(to)) {
                    this.problem(
                        `${this.at}.valueMap.${mapKey}["${from}"]`,
                        column,
                        `maps ${from} to ${to}, which is not an option of target column '${this.run.target.logicalName}.${target.logicalName}'`,
                    );
                }
            }
        }
        if (source.options && target.options) {
            const missing = source.options.filter(
                (o) => !targetValues.has(o.value) && !(valueMap && String(o.value) in valueMap),
            );
            if (missing.length > 0) {
                this.ctx.warnings.push({
                    path,
                    table: this.table,
                    column,
                    message: `choice values of '${this.table}.${column}' missing in the target: ${missing.map((o) => `${o.value} (${o.label})`).join(', ')}; rows with them fail unless valueMap maps them`,
                });
            }
        }
        return valueMap;
    }

    private autoMap(): void {
        const primaryId = this.run.source.primaryIdAttribute;
        const createdOn = this.createdOnTarget();
        const renames = this.run.spec.rename ?? {};
        for (const from of Object.keys(renames)) {
            if (!this.sourceAttr(from)) {
                this.problem(
                    `${this.at}.rename.${from}`,
                    from,
                    `renames '${from}', which is not a column of source table '${this.table}'${didYouMean(from, columnNames(this.run.source))}`,
                );
            }
        }
        // Renamed columns first: they win their target column over a same-named source column.
        const ordered = [...this.run.source.attributes].sort(
            (a, b) =>
                Number(!(a.logicalName in renames)) - Number(!(b.logicalName in renames)) ||
                a.logicalName.localeCompare(b.logicalName),
        );
        for (const source of ordered) {
            const column = source.logicalName;
            if (column === primaryId) continue; // carried as the row id
            if (source.attributeType === 'PartyList') continue; // copied as the row's parties (plan/parties.ts)
            let targetName = this.renamed(column) ?? column;
            if (column === 'createdon' && !this.renamed(column)) {
                if (!createdOn) {
                    this.drop(
                        column,
                        'set by the platform; the target has no writable overriddencreatedon to copy it into',
                    );
                    continue;
                }
                targetName = createdOn;
            } else if (column === 'overriddencreatedon' && createdOn && this.sourceAttr('createdon')?.isValidForRead) {
                this.drop(column, 'createdon is copied into overriddencreatedon', true);
                continue;
            } else if (!this.renamed(column)) {
                const system = systemColumnReason(source);
                if (system) {
                    this.drop(column, system, true);
                    continue;
                }
            }
            const reason = this.add({ source, targetName, path: this.at }, false);
            if (reason) this.drop(column, reason);
        }
        for (const [reason, columns] of this.dropped) {
            this.ctx.warnings.push({
                path: this.at,
                table: this.table,
                columns: [...columns],
                message: `'${this.table}': not copied (${reason}): ${columns.join(', ')}`,
                ...(this.routineReasons.has(reason) ? { routine: true } : {}),
            });
        }
    }

    private explicitMap(listed: readonly string[]): void {
        const primaryId = this.run.source.primaryIdAttribute;
        listed.forEach((column, i) => {
            const path = `${this.at}.columns[${i}]`;
            const source = this.sourceAttr(column);
            if (!source) {
                this.problem(
                    path,
                    column,
                    `column '${column}' does not exist in source table '${this.table}'${didYouMean(column, columnNames(this.run.source))}`,
                );
                return;
            }
            if (column === primaryId) {
                this.ctx.warnings.push({
                    path,
                    table: this.table,
                    column,
                    message: `'${column}' is the primary key: it is always carried as the row id, no need to list it`,
                });
                return;
            }
            let targetName = this.renamed(column) ?? column;
            if (column === 'createdon' && !this.renamed(column)) targetName = this.createdOnTarget() ?? column;
            const reason = this.add({ source, targetName, path }, true);
            if (reason) this.problem(path, column, reason.startsWith('column ') ? reason : `'${column}': ${reason}`);
        });
    }

    private valueMapProblems(): void {
        for (const name of Object.keys(this.run.spec.valueMap ?? {})) {
            const mapping = this.columns.find((c) => c.source === name || c.target === name);
            if (!mapping) {
                this.problem(
                    `${this.at}.valueMap.${name}`,
                    name,
                    `valueMap for '${name}', which is not a copied column`,
                );
            } else if (mapping.kind !== 'choice') {
                this.problem(
                    `${this.at}.valueMap.${name}`,
                    name,
                    `valueMap for '${name}', which is not a choice column`,
                );
            }
        }
    }

    private statePair(): ColumnsResult['state'] {
        const state = this.columns.find((c) => c.type === 'State');
        const status = this.columns.find((c) => c.type === 'Status');
        if (state && status) {
            const created = createdState(this.targetAttr(state.target), this.targetAttr(status.target));
            const transitions = this.run.target.enforceStateTransitions
                ? statusTransitions(this.targetAttr(status.target))
                : undefined;
            return {
                stateColumn: state.source,
                statusColumn: status.source,
                targetStateColumn: state.target,
                targetStatusColumn: status.target,
                ...(created ? { created } : {}),
                ...(transitions ? { transitions } : {}),
            };
        }
        const only = state ?? status;
        if (only) {
            this.ctx.warnings.push({
                path: this.at,
                table: this.table,
                column: only.source,
                message: `'${this.table}': ${only.source} is copied without ${state ? 'statuscode' : 'statecode'}; the two are set together, so rows whose status belongs to another state fail`,
            });
        }
        return undefined;
    }

    map(): ColumnsResult {
        if (this.run.spec.columns) this.explicitMap(this.run.spec.columns);
        else this.autoMap();
        this.valueMapProblems();
        const state = this.statePair();
        return { columns: this.columns, edges: this.edges, ...(state ? { state } : {}) };
    }
}

/**
 * The state a create leaves: the first state (statecode 0 on every standard table) and the status that
 * state defaults to (StateOptionMetadata.DefaultStatus, else the first status of that state).
 */
function createdState(
    state: AttributeMetadata | undefined,
    status: AttributeMetadata | undefined,
): { state: number; status: number } | undefined {
    const states = [...(state?.options ?? [])].sort((a, b) => a.value - b.value);
    const first = states.find((o) => o.value === 0) ?? states[0];
    if (!first) return undefined;
    const defaultStatus = first.defaultStatus ?? status?.options?.find((o) => o.state === first.value)?.value;
    return defaultStatus === undefined ? undefined : { state: first.value, status: defaultStatus };
}

/** The allowed moves of a status column whose table enforces transitions (undefined when no status lists any). */
function statusTransitions(status: AttributeMetadata | undefined): NonNullable<TablePlan['state']>['transitions'] {
    const allowed: Record<number, number[]> = {};
    const stateOf: Record<number, number> = {};
    for (const option of status?.options ?? []) {
        if (option.state !== undefined) stateOf[option.value] = option.state;
        if (option.transitions) allowed[option.value] = [...option.transitions];
    }
    return Object.keys(allowed).length > 0 ? { allowed, stateOf } : undefined;
}

export function mapColumns(ctx: PlanContext, run: RunTable): ColumnsResult {
    return new TableColumnMapper(ctx, run).map();
}
