/**
 * Completes a schema read from a file so that it describes a whole environment, and checks that
 * every reference in it resolves: system tables added when missing, intersect tables added for
 * many-to-many relationships, and (for CMT files, which are partial by nature) tables that
 * lookups point to but the file lacks.
 */
import { isLookupType, type SimManyToMany, type SimSchema, type SimTable } from '../model.js';
import { ACTIVE_INACTIVE, guid, standardColumns, str } from './columns.js';
import { crmSchema, intersectTable } from './crm-schema.js';
import { deriveEntitySetName } from './entity-set-name.js';
import { systemTables } from './system-tables.js';

export class SchemaFileError extends Error {
    constructor(
        readonly file: string,
        readonly problems: string[],
    ) {
        super(`Invalid schema file ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
        this.name = 'SchemaFileError';
    }
}

/** Adds the system tables a real org always has, when the schema lacks them. */
export function addSystemTables(schema: SimSchema): void {
    const have = new Set(schema.tables.map((t) => t.logicalName));
    for (const t of systemTables()) if (!have.has(t.logicalName)) schema.tables.push(t);
}

/** Adds an intersect table for every many-to-many relationship whose intersect table is missing. */
export function addIntersectTables(schema: SimSchema): void {
    const have = new Set(schema.tables.map((t) => t.logicalName));
    for (const m of schema.manyToMany) {
        if (have.has(m.intersectEntityName)) continue;
        const primaryId = `${m.intersectEntityName}id`;
        schema.tables.push(
            intersectTable(
                m.intersectEntityName,
                deriveEntitySetName(m.intersectEntityName, true),
                primaryId,
                m.entity1IntersectAttribute,
                m.entity2IntersectAttribute,
            ),
        );
        have.add(m.intersectEntityName);
    }
}

/** A minimal user-owned table for a lookup target the file does not describe. */
function stubTable(logicalName: string): SimTable {
    return {
        logicalName,
        entitySetName: deriveEntitySetName(logicalName),
        primaryIdAttribute: `${logicalName}id`,
        primaryNameAttribute: 'name',
        ownershipType: 'UserOwned',
        changeTracking: true,
        attributes: [
            guid(`${logicalName}id`, { isPrimaryId: true, validForUpdate: false }),
            str('name', 100, { isPrimaryName: true }),
            ...standardColumns({ table: logicalName, ownershipType: 'UserOwned', state: ACTIVE_INACTIVE }),
        ],
    };
}

/**
 * Adds tables that lookups target but the schema lacks: the crm definition for account, contact,
 * lead and opportunity (and what those point to), a minimal stub for any other name.
 */
export function addMissingTargetTables(schema: SimSchema, alsoNeeded: Iterable<string> = []): string[] {
    const added: string[] = [];
    const crm = new Map(crmSchema().tables.map((t) => [t.logicalName, t]));
    for (;;) {
        const have = new Set(schema.tables.map((t) => t.logicalName));
        const missing = new Set<string>([...alsoNeeded].filter((n) => !have.has(n)));
        for (const t of schema.tables)
            for (const a of t.attributes)
                if (isLookupType(a.type))
                    for (const target of a.targets ?? []) if (!have.has(target)) missing.add(target);
        if (missing.size === 0) return added;
        for (const name of [...missing].sort()) {
            schema.tables.push(crm.get(name) ?? stubTable(name));
            added.push(name);
        }
    }
}

/** Every inconsistency in a complete schema, each with its path. */
export function checkSchema(schema: SimSchema): string[] {
    const problems: string[] = [];
    const tables = new Map<string, SimTable>();
    const entitySets = new Map<string, string>();
    schema.tables.forEach((t, ti) => {
        const at = `tables[${ti}] (${t.logicalName})`;
        if (tables.has(t.logicalName)) problems.push(`${at}: duplicate table logical name '${t.logicalName}'`);
        tables.set(t.logicalName, t);
        const other = entitySets.get(t.entitySetName);
        if (other !== undefined)
            problems.push(`${at}.entitySetName: '${t.entitySetName}' is already the entity set of '${other}'`);
        entitySets.set(t.entitySetName, t.logicalName);
        const names = new Set<string>();
        t.attributes.forEach((a, ai) => {
            if (names.has(a.logicalName))
                problems.push(`${at}.attributes[${ai}]: duplicate attribute '${a.logicalName}'`);
            names.add(a.logicalName);
        });
        const id = t.attributes.find((a) => a.logicalName === t.primaryIdAttribute);
        if (!id) problems.push(`${at}.primaryIdAttribute: no attribute named '${t.primaryIdAttribute}'`);
        else if (id.type !== 'Uniqueidentifier')
            problems.push(
                `${at}.primaryIdAttribute: '${t.primaryIdAttribute}' must be Uniqueidentifier, not ${id.type}`,
            );
        const name = t.attributes.find((a) => a.logicalName === t.primaryNameAttribute);
        if (!name) problems.push(`${at}.primaryNameAttribute: no attribute named '${t.primaryNameAttribute}'`);
        (t.keys ?? []).forEach((k, ki) =>
            k.keyAttributes.forEach((ka, kai) => {
                if (!names.has(ka))
                    problems.push(`${at}.keys[${ki}].keyAttributes[${kai}]: no attribute named '${ka}'`);
            }),
        );
    });
    schema.tables.forEach((t, ti) =>
        t.attributes.forEach((a, ai) => {
            const at = `tables[${ti}] (${t.logicalName}).attributes[${ai}] (${a.logicalName})`;
            if (isLookupType(a.type)) {
                if (!a.targets || a.targets.length === 0) problems.push(`${at}.targets: a ${a.type} needs targets`);
                (a.targets ?? []).forEach((target, i) => {
                    if (!tables.has(target)) problems.push(`${at}.targets[${i}]: unknown table '${target}'`);
                });
            }
            if (a.type === 'Status')
                (a.options ?? []).forEach((o, oi) => {
                    if (o.state === undefined) problems.push(`${at}.options[${oi}]: a status option needs its state`);
                });
            if (a.attributeOf !== undefined && !t.attributes.some((b) => b.logicalName === a.attributeOf))
                problems.push(`${at}.attributeOf: no attribute named '${a.attributeOf}'`);
        }),
    );
    schema.manyToMany.forEach((m: SimManyToMany, mi) => {
        const at = `manyToMany[${mi}] (${m.schemaName})`;
        for (const [field, name] of [
            ['entity1LogicalName', m.entity1LogicalName],
            ['entity2LogicalName', m.entity2LogicalName],
            ['intersectEntityName', m.intersectEntityName],
        ] as const)
            if (!tables.has(name)) problems.push(`${at}.${field}: unknown table '${name}'`);
        if (schema.manyToMany.findIndex((o) => o.schemaName === m.schemaName) !== mi)
            problems.push(`${at}.schemaName: duplicate relationship '${m.schemaName}'`);
    });
    return problems;
}
