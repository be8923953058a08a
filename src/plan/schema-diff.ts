/**
 * The schema a `load: "new"` table needs in the target, as a diff: the table when the target lacks it, each mapped
 * column it lacks (typed as in the source; lookups as relationships, to existing tables, tables created in this run or
 * itself), the global choices those columns use (reused when the target has them), the key `match` names, then a
 * publish. Also the target as it will be afterwards (`projected`), so the copy plan is built against the planned schema
 * and the run's schema phase only has to create it. Pure: the I/O is in prepare.ts.
 */
import type {
    ColumnDefinition,
    PublisherInfo,
    SolutionInfo,
    TableDefinition,
} from '../dataverse/metadata-definitions.js';
import type {
    AttributeMetadata,
    EnvironmentMetadata,
    KeyMetadata,
    TableMetadata,
} from '../dataverse/metadata-types.js';
import type { MigrationSpec, TableSpec } from '../spec/schema.js';
import {
    columnBody,
    CREATABLE_TYPES,
    describeColumnType,
    keyBody,
    optionSetBody,
    relationshipBody,
    tableBody,
} from './schema-bodies.js';
import type { SchemaOperation, SchemaPlan } from './schema-types.js';
import type { PlanIssue } from './types.js';

export interface SchemaInput {
    spec: MigrationSpec;
    source: EnvironmentMetadata;
    target: EnvironmentMetadata;
    /** Source definitions of the `load: "new"` tables (and of the tables their lookups point to, for the key). */
    definitions: ReadonlyMap<string, TableDefinition>;
    publishers: readonly PublisherInfo[];
    /** The spec's solution as the target has it; null: it does not. Absent when the spec names none. */
    solution?: SolutionInfo | null;
    /** Names of the target's global option sets. */
    globalOptionSets: readonly string[];
}

export interface SchemaResult {
    /** Absent when nothing needs creating. */
    schema?: SchemaPlan;
    /** The target as the copy plan sees it: with the tables, columns, relationships and keys created. */
    projected: EnvironmentMetadata;
    problems: PlanIssue[];
    warnings: PlanIssue[];
}

const CREATABLE = new Set<string>(CREATABLE_TYPES);

/** The customization prefix a schema name carries (`new` of `new_BankAccount`). */
export function prefixOf(schemaName: string): string | undefined {
    const at = schemaName.indexOf('_');
    return at > 0 ? schemaName.slice(0, at) : undefined;
}

/** Columns a table maps: the spec's list, or every custom column the copy reads and could write (automatic). */
function mappedColumns(
    spec: TableSpec,
    source: TableMetadata,
): Array<{ attribute: AttributeMetadata; explicit: boolean }> {
    if (spec.columns) {
        return spec.columns
            .map((name) => source.attributes.find((a) => a.logicalName === name))
            .filter((a): a is AttributeMetadata => a !== undefined)
            .map((attribute) => ({ attribute, explicit: true }));
    }
    return source.attributes
        .filter(
            (a) =>
                a.isCustomAttribute &&
                a.attributeOf === null &&
                a.isValidForRead &&
                (a.isValidForCreate || a.isValidForUpdate) &&
                !a.isPrimaryId,
        )
        .map((attribute) => ({ attribute, explicit: false }));
}

/** A new table as the platform creates it: the source's system columns (the platform adds the same), no custom ones yet. */
function emptyCopy(source: TableMetadata): TableMetadata {
    return {
        ...source,
        attributes: source.attributes.filter((a) => !a.isCustomAttribute || a.isPrimaryName || a.isPrimaryId),
        keys: [],
        manyToOne: source.manyToOne.filter((r) => {
            const column = source.attributes.find((a) => a.logicalName === r.referencingAttribute);
            return column !== undefined && !column.isCustomAttribute;
        }),
        oneToMany: [],
        manyToMany: [],
    };
}

interface Work {
    input: SchemaInput;
    projected: Map<string, TableMetadata>;
    /** Tables this plan creates (logical names). */
    created: Set<string>;
    operations: SchemaOperation[];
    problems: PlanIssue[];
    warnings: PlanIssue[];
    /** Global option sets created by an earlier column of this plan. */
    optionSets: Set<string>;
    /** Schema names of what is created, with the spec path they come from, for the publisher check. */
    names: Array<{ schemaName: string; path: string; table: string }>;
    changed: Set<string>;
}

function addTable(
    work: Work,
    index: number,
    spec: TableSpec,
    source: TableMetadata,
    definition: TableDefinition,
): void {
    const path = `tables[${index}].load`;
    const refuse = (message: string): void => {
        work.problems.push({ path, table: spec.name, message });
    };
    if (!definition.isCustomEntity || !source.isCustomEntity)
        return refuse(
            `'${spec.name}' is a standard table the target lacks: the app or solution that provides it creates it; it is not created from metadata`,
        );
    if (source.isIntersect || (source.tableType !== undefined && source.tableType !== 'Standard'))
        return refuse(
            `'${spec.name}' is ${source.isIntersect ? 'an intersect' : `a ${source.tableType}`} table: only standard tables are created`,
        );
    const primaryName = source.primaryNameAttribute ? definition.columns.get(source.primaryNameAttribute) : undefined;
    if (!primaryName || primaryName.attributeTypeName !== 'StringType')
        return refuse(`'${spec.name}' has no text primary name column in the source to create it with`);
    work.operations.push({
        kind: 'table',
        table: spec.name,
        entitySetName: definition.entitySetName,
        summary: `create table ${spec.name} (${definition.schemaName}, ${definition.ownershipType}, primary name ${primaryName.logicalName} ${describeColumnType(primaryName)})`,
        body: tableBody(definition, primaryName),
    });
    work.names.push({ schemaName: definition.schemaName, path, table: spec.name });
    work.created.add(spec.name);
    work.changed.add(spec.name);
    work.projected.set(spec.name, emptyCopy(source));
}

function addOptionSet(work: Work, table: string, column: ColumnDefinition, path: string): void {
    const name = column.optionSet?.name;
    if (!column.optionSet?.isGlobal || !name) return;
    if (work.input.globalOptionSets.includes(name) || work.optionSets.has(name)) return;
    work.optionSets.add(name);
    work.operations.push({
        kind: 'optionSet',
        name,
        summary: `create global choice ${name} (${column.optionSet.options.length} options)`,
        body: optionSetBody(column),
    });
    work.names.push({ schemaName: name, path, table });
}

/** A lookup column: created with its relationship, to a table the target has or this plan creates. */
function addLookup(
    work: Work,
    table: string,
    attribute: AttributeMetadata,
    definition: ColumnDefinition,
    path: string,
): boolean {
    const source = work.input.source.tables.get(table)!;
    const targets = attribute.targets ?? [];
    const relationship = source.manyToOne.find((r) => r.referencingAttribute === attribute.logicalName);
    if (targets.length !== 1 || !relationship) {
        work.problems.push({
            path,
            table,
            column: attribute.logicalName,
            message: `lookup '${attribute.logicalName}' points to ${targets.length} tables: only a lookup to one table is created (create the multi-table lookup in the target first, or leave the column out)`,
        });
        return false;
    }
    const referenced = targets[0]!;
    if (!work.projected.has(referenced) && !work.input.target.allTableNames.includes(referenced)) {
        work.problems.push({
            path,
            table,
            column: attribute.logicalName,
            message: `lookup '${attribute.logicalName}' points to '${referenced}', which the target lacks and this run does not create: add '${referenced}' to tables with load 'new', or leave the column out`,
        });
        return false;
    }
    const self =
        referenced === table ? ', a self-reference' : work.created.has(referenced) ? ', created in this run' : '';
    work.operations.push({
        kind: 'relationship',
        table,
        column: attribute.logicalName,
        schemaName: relationship.schemaName,
        referencedEntity: referenced,
        summary: `create relationship ${relationship.schemaName}: ${table}.${attribute.logicalName} -> ${referenced}${self}`,
        body: relationshipBody(relationship, definition),
    });
    work.names.push({ schemaName: relationship.schemaName, path, table });
    work.names.push({ schemaName: definition.schemaName, path, table });
    const projected = work.projected.get(table)!;
    projected.manyToOne = [...projected.manyToOne, relationship];
    return true;
}

function addColumns(work: Work, index: number, spec: TableSpec, definition: TableDefinition): void {
    const source = work.input.source.tables.get(spec.name)!;
    const projected = work.projected.get(spec.name)!;
    const path = `tables[${index}]`;
    const has = (name: string) => projected.attributes.some((a) => a.logicalName === name);
    for (const { attribute, explicit } of mappedColumns(spec, source)) {
        const targetName = spec.rename?.[attribute.logicalName] ?? attribute.logicalName;
        if (has(targetName)) continue;
        const at = explicit ? `${path}.columns` : path;
        if (targetName !== attribute.logicalName) {
            work.problems.push({
                path: `${path}.rename.${attribute.logicalName}`,
                table: spec.name,
                column: attribute.logicalName,
                message: `renames to '${targetName}', which the target lacks: load 'new' creates columns under their source names`,
            });
            continue;
        }
        if (!attribute.isCustomAttribute) continue; // the platform's own columns: the mapping reports them
        const column = definition.columns.get(attribute.logicalName);
        const typeName = column?.attributeTypeName ?? attribute.attributeTypeName ?? '';
        const lookup = attribute.attributeType === 'Lookup';
        if (!column || (!lookup && !CREATABLE.has(typeName))) {
            const issue = {
                path: at,
                table: spec.name,
                column: attribute.logicalName,
                message: `column '${attribute.logicalName}' (${typeName || attribute.attributeType}) is not created: only text, number, money, yes/no, date and time, choice and single-table lookup columns are`,
            };
            (explicit ? work.problems : work.warnings).push(issue);
            continue;
        }
        if (lookup) {
            if (addLookup(work, spec.name, attribute, column, at)) projected.attributes.push({ ...attribute });
            continue;
        }
        addOptionSet(work, spec.name, column, at);
        const global = column.optionSet?.isGlobal ? column.optionSet.name : undefined;
        work.operations.push({
            kind: 'column',
            table: spec.name,
            column: attribute.logicalName,
            type: describeColumnType(column),
            ...(global ? { globalOptionSet: global } : {}),
            summary: `add column ${spec.name}.${attribute.logicalName} ${describeColumnType(column)}`,
            body: columnBody(column),
        });
        work.names.push({ schemaName: column.schemaName, path: at, table: spec.name });
        work.changed.add(spec.name);
        projected.attributes.push({ ...attribute });
        // The platform adds a money column's base-currency twin (read-only, never copied) with it.
        const base = source.attributes.find((a) => a.attributeOf === attribute.logicalName);
        if (base && !has(base.logicalName)) projected.attributes.push({ ...base });
    }
}

function addKey(work: Work, index: number, spec: TableSpec): void {
    if (spec.match === 'id') return;
    const projected = work.projected.get(spec.name)!;
    if (projected.keys.some((k) => k.logicalName === spec.match)) return;
    const sourceKey = work.input.source.tables.get(spec.name)!.keys.find((k) => k.logicalName === spec.match);
    if (!sourceKey) return; // the copy plan says the key is missing
    const key: KeyMetadata = {
        ...sourceKey,
        keyAttributes: [...sourceKey.keyAttributes],
        entityKeyIndexStatus: 'Active',
    };
    work.operations.push({
        kind: 'key',
        table: spec.name,
        key: key.logicalName,
        columns: key.keyAttributes,
        summary: `create key ${spec.name}.${key.logicalName} (${key.keyAttributes.join(', ')})`,
        body: keyBody(key),
    });
    work.names.push({ schemaName: key.schemaName, path: `tables[${index}].match`, table: spec.name });
    work.changed.add(spec.name);
    projected.keys = [...projected.keys, key];
}

/** Every prefix the created names carry must be a publisher's in the target. */
function publisherProblems(work: Work): void {
    const known = new Set(work.input.publishers.map((p) => p.prefix.toLowerCase()));
    const reported = new Set<string>();
    const existing = work.input.publishers.map((p) => `${p.uniqueName} (${p.prefix}_)`).join(', ') || 'none';
    for (const { schemaName, path, table } of work.names) {
        const prefix = prefixOf(schemaName);
        if (prefix === undefined) {
            work.problems.push({ path, table, message: `'${schemaName}' carries no publisher prefix (prefix_name)` });
            continue;
        }
        if (known.has(prefix.toLowerCase()) || reported.has(prefix)) continue;
        reported.add(prefix);
        work.problems.push({
            path,
            table,
            message: `'${schemaName}' carries the prefix '${prefix}_', but no publisher in the target has it (its publishers: ${existing}): create a publisher with the prefix '${prefix}' in the target first`,
        });
    }
}

function solutionProblems(work: Work): void {
    const name = work.input.spec.options.solutionUniqueName;
    const solution = work.input.solution;
    if (name === undefined || work.operations.length === 0) return;
    if (solution === null || solution === undefined)
        work.problems.push({
            path: 'options.solutionUniqueName',
            message: `the target has no solution with the unique name '${name}': create it, or leave solutionUniqueName out to use the default solution`,
        });
    else if (solution.isManaged)
        work.problems.push({
            path: 'options.solutionUniqueName',
            message: `solution '${name}' is managed in the target: new components only join an unmanaged solution`,
        });
}

export function planSchema(input: SchemaInput): SchemaResult {
    const work: Work = {
        input,
        projected: new Map(input.target.tables),
        created: new Set(),
        operations: [],
        problems: [],
        warnings: [],
        optionSets: new Set(),
        names: [],
        changed: new Set(),
    };
    const loaded = input.spec.tables
        .map((spec, index) => ({ spec, index }))
        .filter(({ spec }) => spec.load === 'new' && input.source.tables.has(spec.name));
    const definitionOf = ({ spec, index }: { spec: TableSpec; index: number }) => {
        const definition = input.definitions.get(spec.name);
        if (!definition)
            work.problems.push({
                path: `tables[${index}].load`,
                table: spec.name,
                message: `the source definition of '${spec.name}' was not read`,
            });
        return definition;
    };
    const withDefinitions = loaded
        .map((entry) => ({ ...entry, definition: definitionOf(entry) }))
        .filter((e): e is typeof e & { definition: TableDefinition } => e.definition !== undefined);
    // Tables first, so that columns and lookups of every table can refer to every other.
    for (const { spec, index, definition } of withDefinitions) {
        const target = input.target.tables.get(spec.name);
        if (target) work.projected.set(spec.name, { ...target, attributes: [...target.attributes] });
        else addTable(work, index, spec, input.source.tables.get(spec.name)!, definition);
    }
    for (const { spec, index, definition } of withDefinitions)
        if (work.projected.has(spec.name)) addColumns(work, index, spec, definition);
    for (const { spec, index } of withDefinitions) if (work.projected.has(spec.name)) addKey(work, index, spec);
    publisherProblems(work);
    solutionProblems(work);

    const order: Record<SchemaOperation['kind'], number> = {
        table: 0,
        optionSet: 1,
        column: 2,
        relationship: 3,
        key: 4,
    };
    const operations = [...work.operations].sort((a, b) => order[a.kind] - order[b.kind]);
    const projected: EnvironmentMetadata = {
        ...input.target,
        tables: work.projected,
        allTableNames: [...new Set([...input.target.allTableNames, ...work.created])],
    };
    const solution = input.spec.options.solutionUniqueName;
    return {
        ...(operations.length > 0
            ? { schema: { ...(solution !== undefined ? { solution } : {}), operations, publish: [...work.changed] } }
            : {}),
        projected,
        problems: work.problems,
        warnings: work.warnings,
    };
}
