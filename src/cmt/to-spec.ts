/**
 * A CMT schema as a migration spec: the same tables, columns and many-to-many relationships, so CMT
 * users keep their schema files. Every decision the schema cannot express directly is a note.
 */
import { SYSTEM_COLUMNS, isSystemColumnName } from '../plan/system-columns.js';
import { DEFAULT_REFERENCE_MATCH } from '../spec/defaults.js';
import type { EnvironmentSpec, MigrationSpecInput } from '../spec/schema.js';
import { validateSpec } from '../spec/validate.js';
import { fetchXmlToODataFilter } from './fetch-filter.js';
import { CmtSchemaError, parseCmtSchema, type CmtEntity, type CmtField } from './schema.js';
import { relationshipSchemaName } from './shared-intersects.js';

export interface CmtImportOptions {
    /** Environment URLs (credential: default) or full environment specs. */
    source: string | EnvironmentSpec;
    target: string | EnvironmentSpec;
    /** Spec name. */
    name: string;
    /** For messages; defaults to data_schema.xml. */
    fileName?: string;
}

export interface CmtImportResult {
    spec: MigrationSpecInput;
    notes: string[];
}

/** CMT types that row writes cannot carry. */
const UNCOPYABLE_TYPES: Record<string, string> = {
    image: 'image content needs its own upload requests',
    imagedata: 'image content needs its own upload requests',
    file: 'file content needs its own upload requests',
};

/**
 * Fields of standard tables that Dataverse sets itself and a write never carries, though a CMT schema lists them
 * because exports read them: names composed from others, a note's or attachment's size (computed from its body), the
 * table name of a polymorphic lookup (written together with the lookup).
 */
const COMPOSED = 'composed by the platform from firstname and lastname';
const FILE_SIZE = 'computed by the platform from the body';
const OBJECT_TYPE = 'the table of objectid, set together with that lookup';
const PLATFORM_FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
    contact: { fullname: COMPOSED },
    lead: { fullname: COMPOSED },
    systemuser: { fullname: COMPOSED },
    annotation: { filesize: FILE_SIZE, objecttypecode: OBJECT_TYPE },
    activitymimeattachment: { filesize: FILE_SIZE, objecttypecode: OBJECT_TYPE },
};

function lookupTargets(field: CmtField): string[] {
    if (field.type === 'owner') return field.lookupTypes.length > 0 ? field.lookupTypes : ['systemuser', 'team'];
    if (field.type === 'entityreference' || field.type === 'customer') return field.lookupTypes;
    return [];
}

function names(list: readonly string[]): string {
    return list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

function environment(value: string | EnvironmentSpec): MigrationSpecInput['source'] {
    return typeof value === 'string' ? { url: value } : value;
}

/**
 * The field that is the row id: the entity's primaryidfield, else the one marked primaryKey (`<entity>id` first).
 * Microsoft's exports also mark other guid columns primaryKey (the address ids of account, contact and lead): those
 * are ordinary columns.
 */
function rowIdField(entity: CmtEntity): string | undefined {
    if (entity.primaryIdField) return entity.primaryIdField.toLowerCase();
    const marked = entity.fields.filter((f) => f.primaryKey);
    return (marked.find((f) => f.name === `${entity.name}id`) ?? marked[0])?.name;
}

interface EntityColumns {
    columns: string[];
    notes: string[];
}

function entityColumns(entity: CmtEntity): EntityColumns {
    const notes: string[] = [];
    const dropped = new Map<string, string[]>();
    const partyLists: string[] = [];
    const drop = (reason: string, field: string) => {
        const list = dropped.get(reason);
        if (list) list.push(field);
        else dropped.set(reason, [field]);
    };
    const fieldNames = new Set(entity.fields.map((f) => f.name));
    const rowId = rowIdField(entity);
    const columns: string[] = [];
    for (const field of entity.fields) {
        if (field.spelledAs)
            notes.push(
                `${entity.name}: field '${field.spelledAs}' (line ${field.line}) is read as '${field.name}': Dataverse logical names are lowercase`,
            );
        if (field.name === rowId) {
            notes.push(`${entity.name}: primary key ${field.name} is carried as the row id (preserved in the target)`);
        } else if (field.name === 'overriddencreatedon' && fieldNames.has('createdon')) {
            drop('createdon is copied into overriddencreatedon', field.name);
        } else if (field.name !== 'createdon' && isSystemColumnName(field.name)) {
            drop(`system-maintained: ${SYSTEM_COLUMNS[field.name]}`, field.name);
        } else if (PLATFORM_FIELDS[entity.name]?.[field.name]) {
            drop(PLATFORM_FIELDS[entity.name]![field.name]!, field.name);
        } else if (field.type === 'money' && field.name.endsWith('_base')) {
            drop('base-currency amount, computed by the platform', field.name);
        } else if (field.type === 'partylist') {
            partyLists.push(field.name); // copied with each row as its parties collection (plan/parties.ts)
        } else if (UNCOPYABLE_TYPES[field.type]) {
            drop(UNCOPYABLE_TYPES[field.type]!, field.name);
        } else {
            columns.push(field.name);
        }
    }
    for (const [reason, fields] of dropped)
        notes.push(`${entity.name}: not migrated (${reason}): ${fields.join(', ')}`);
    if (partyLists.length > 0)
        notes.push(
            `${entity.name}: party lists copied with each row as its parties collection: ${partyLists.join(', ')}`,
        );
    if (fieldNames.has('createdon') && columns.includes('createdon'))
        notes.push(`${entity.name}: createdon is written to overriddencreatedon when the target allows it`);
    return { columns, notes };
}

/** Turns the text of a CMT data_schema.xml into a spec; throws CmtSchemaError naming the line of each problem. */
export function cmtSchemaToSpec(xmlText: string, options: CmtImportOptions): CmtImportResult {
    const fileName = options.fileName ?? 'data_schema.xml';
    const entities = parseCmtSchema(xmlText, fileName);
    // Tables the spec copies: those of the schema but the reference tables, which are matched instead.
    const inSchema = new Set(entities.map((e) => e.name).filter((n) => !(n in DEFAULT_REFERENCE_MATCH)));
    const notes: string[] = [];
    const tables: MigrationSpecInput['tables'] = [];
    const referenceUses = new Map<string, string[]>();
    let ownerColumns = 0;

    const seen = new Set<string>();
    for (const entity of entities) {
        if (entity.name in DEFAULT_REFERENCE_MATCH) {
            // Every environment has its own users, teams, business units, currencies and organization: copying them by
            // id would duplicate them, so rows of these tables are matched by natural key, as lookups to them are.
            if (!seen.has(entity.name))
                notes.push(
                    `${entity.name} (line ${entity.line}) is listed in the schema, but every environment has its own ${entity.name} rows: they are matched in the target by ${DEFAULT_REFERENCE_MATCH[entity.name]!.join(', then ')}, not copied`,
                );
            seen.add(entity.name);
            referenceUses.set(entity.name, referenceUses.get(entity.name) ?? []);
            continue;
        }
        if (seen.has(entity.name)) {
            notes.push(
                `${entity.name} (line ${entity.line}) appears twice in the schema; the first definition is used`,
            );
            continue;
        }
        seen.add(entity.name);
        if (entity.spelledAs)
            notes.push(
                `${entity.name} (line ${entity.line}): the file spells it '${entity.spelledAs}'; Dataverse logical names are lowercase`,
            );
        const { columns, notes: columnNotes } = entityColumns(entity);
        notes.push(...columnNotes);
        const table: MigrationSpecInput['tables'][number] = { name: entity.name };
        if (columns.length > 0) table.columns = columns;
        else notes.push(`${entity.name}: no copyable fields listed, so its columns are mapped automatically`);
        if (entity.disablePlugins) {
            table.bypass = { businessLogic: ['CustomSync', 'CustomAsync'] };
            notes.push(
                `${entity.name}: disableplugins="true" becomes bypass.businessLogic CustomSync, CustomAsync (needs the prvBypassCustomBusinessLogic privilege)`,
            );
        }
        if (entity.filter) {
            const translated = fetchXmlToODataFilter(entity.filter, entity.fields);
            if (translated.ok) {
                table.filter = translated.filter;
                notes.push(
                    `${entity.name}: the FetchXML export filter is carried over as the OData filter '${translated.filter}'`,
                );
            } else {
                notes.push(
                    `${entity.name}: the FetchXML export filter was NOT carried over (${translated.reason}); all rows are copied unless you add an OData filter`,
                );
            }
        }
        for (const field of entity.fields) {
            if (!columns.includes(field.name)) continue;
            if (field.type === 'owner') ownerColumns++;
            const outside = lookupTargets(field).filter((t) => !inSchema.has(t));
            const references = outside.filter((t) => t in DEFAULT_REFERENCE_MATCH);
            const unresolved = outside.filter((t) => !(t in DEFAULT_REFERENCE_MATCH));
            for (const t of references)
                referenceUses.set(t, [...(referenceUses.get(t) ?? []), `${entity.name}.${field.name}`]);
            if (unresolved.length > 0) {
                notes.push(
                    `${entity.name}.${field.name} points to ${names(unresolved)}, not in the schema: such values are cleared (onUnresolvedLookup 'clear'); add ${unresolved.length > 1 ? 'those tables' : 'that table'} or a references rule to keep them`,
                );
            }
        }
        tables.push(table);
    }

    // A relationship joins tables the spec copies or matches (users, roles, teams, ...): the pairs are associated
    // between the copied rows and the matched ones (a user's security roles between the matched users and roles).
    const manyToMany: string[] = [];
    for (const entity of entities) {
        for (const rel of entity.relationships) {
            if (!rel.manyToMany) continue;
            const other = rel.m2mTargetEntity;
            const name = other ? relationshipSchemaName(rel.name, [entity.name, other]) : rel.name;
            if (manyToMany.includes(name)) continue;
            if (!other) {
                notes.push(
                    `many-to-many ${rel.name} (line ${rel.line}) of ${entity.name} names no m2mTargetEntity: left out`,
                );
                continue;
            }
            if (!inSchema.has(other) && !(other in DEFAULT_REFERENCE_MATCH)) {
                notes.push(
                    `many-to-many ${rel.name} (line ${rel.line}) joins ${entity.name} and ${other}, which is not in the schema: left out`,
                );
                continue;
            }
            const matched = [...new Set([entity.name, other])].filter((t) => t in DEFAULT_REFERENCE_MATCH);
            for (const t of matched) {
                referenceUses.set(t, referenceUses.get(t) ?? []);
                notes.push(
                    `many-to-many ${rel.name} (line ${rel.line}): its ${t} rows are matched in the target by ${DEFAULT_REFERENCE_MATCH[t]!.join(', then ')}${t === 'role' ? ' within the matched business unit' : ''}; pairs whose ${t} has no match are skipped`,
                );
            }
            if (name !== rel.name)
                notes.push(
                    `many-to-many ${rel.name} (line ${rel.line}) names an intersect table of several relationships; between ${entity.name} and ${other} it is ${name}`,
                );
            manyToMany.push(name);
        }
    }

    const references: Record<string, { matchOn: string[] }> = {};
    for (const [table, uses] of [...referenceUses].sort(([a], [b]) => a.localeCompare(b))) {
        const matchOn = [...DEFAULT_REFERENCE_MATCH[table]!];
        references[table] = { matchOn };
        const how =
            table === 'organization'
                ? "mapped to the target's organization"
                : `matched in the target by ${matchOn.join(', then ')}`;
        if (uses.length > 0) notes.push(`lookups to ${table} (${uses.join(', ')}) are ${how}`);
    }
    if (ownerColumns > 0) {
        notes.push(
            'owners without a match in the target need references.fallbackOwner (the domain name or email of a target user); set it before running',
        );
    }

    if (tables.length === 0 && manyToMany.length === 0) {
        throw new CmtSchemaError(fileName, [
            `the schema lists only ${names([...seen])}, whose rows every environment has (matched, not copied), and no many-to-many relationship between them: there is nothing to migrate`,
        ]);
    }
    const spec: MigrationSpecInput = {
        name: options.name,
        source: environment(options.source),
        target: environment(options.target),
        tables,
        ...(manyToMany.length > 0 ? { manyToMany } : {}),
        ...(Object.keys(references).length > 0 ? { references } : {}),
        onUnresolvedLookup: 'clear',
    };
    const validation = validateSpec(spec);
    if (!validation.ok) {
        throw new CmtSchemaError(
            fileName,
            validation.problems.map((p) => `the resulting spec is invalid at ${p.path || 'the top'}: ${p.message}`),
        );
    }
    return { spec, notes };
}
