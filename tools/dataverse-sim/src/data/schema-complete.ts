/**
 * Completes a schema read from a file so that it describes a whole environment, and checks that
 * every reference in it resolves: system tables added when missing, intersect tables added for
 * many-to-many relationships, and (for CMT files, which are partial by nature) tables that
 * lookups point to but the file lacks.
 */
import { isLookupType, type SimManyToMany, type SimSchema, type SimTable } from '../model.js';
import { opts, pick, primaryIdColumn, READ_ONLY, str } from './columns.js';
import { intersectTable } from './crm-schema.js';
import { deriveEntitySetName } from './entity-set-name.js';
import { minimalTable } from './standard-tables.js';
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

/**
 * Adds tables that lookups and many-to-many relationships point to but the schema lacks, as every real org has
 * them: the full definition for the crm and system tables, the real shape of other standard tables (role, list,
 * uom, queue, activities, ...), a minimal user-owned table for any other name (see standard-tables.ts).
 */
export function addMissingTargetTables(schema: SimSchema, alsoNeeded: Iterable<string> = []): string[] {
    const added: string[] = [];
    const wanted = [...alsoNeeded, ...schema.manyToMany.flatMap((m) => [m.entity1LogicalName, m.entity2LogicalName])];
    for (;;) {
        const have = new Set(schema.tables.map((t) => t.logicalName));
        const missing = new Set<string>(wanted.filter((n) => !have.has(n)));
        for (const t of schema.tables)
            for (const a of t.attributes)
                if (isLookupType(a.type))
                    for (const target of a.targets ?? []) if (!have.has(target)) missing.add(target);
        if (missing.size === 0) return added;
        for (const name of [...missing].sort()) {
            schema.tables.push(minimalTable(name));
            added.push(name);
        }
    }
}

/** Tables whose rows can be parties of an activity (EntityMetadata.IsActivityParty), when the schema has them. */
export const PARTY_TABLES: readonly string[] = [
    'account',
    'contact',
    'lead',
    'systemuser',
    'queue',
    'competitor',
    'equipment',
];
const PARTICIPATION = opts(
    [1, 'Sender'],
    [2, 'To Recipient'],
    [3, 'CC Recipient'],
    [4, 'BCC Recipient'],
    [5, 'Required attendee'],
    [6, 'Optional attendee'],
    [7, 'Organizer'],
    [8, 'Regarding'],
    [9, 'Owner'],
    [10, 'Resource'],
    [11, 'Customer'],
);

/**
 * Party lists (email to/from, appointment attendees) are rows of `activityparty`, each pointing to its activity
 * and to the party: when a schema has party list columns, the table is added and each party list column targets
 * the party tables the schema has.
 */
export function addActivityParties(schema: SimSchema): void {
    const activities = schema.tables.filter((t) => t.attributes.some((a) => a.type === 'PartyList'));
    if (activities.length === 0) return;
    const have = new Set(schema.tables.map((t) => t.logicalName));
    const parties = PARTY_TABLES.filter((t) => have.has(t));
    for (const t of activities) for (const a of t.attributes) if (a.type === 'PartyList') a.targets = [...parties];
    const existing = schema.tables.find((t) => t.logicalName === 'activityparty');
    if (existing) return;
    const relationships = (targets: string[]) => Object.fromEntries(targets.map((t) => [t, `${t}_activity_parties`]));
    const activityNames = activities.map((t) => t.logicalName);
    schema.tables.push({
        logicalName: 'activityparty',
        schemaName: 'ActivityParty',
        entitySetName: 'activityparties',
        primaryIdAttribute: 'activitypartyid',
        primaryNameAttribute: 'partyidname',
        ownershipType: 'None',
        changeTracking: false,
        objectTypeCode: 135,
        attributes: [
            primaryIdColumn('activitypartyid'),
            {
                logicalName: 'activityid',
                type: 'Lookup',
                targets: activityNames,
                relationshipNames: relationships(activityNames),
            },
            { logicalName: 'partyid', type: 'Lookup', targets: parties, relationshipNames: relationships(parties) },
            str('partyidname', 4000, { attributeOf: 'partyid', ...READ_ONLY }),
            pick('participationtypemask', PARTICIPATION, { requiredLevel: 'SystemRequired' }),
            str('addressused', 200),
            { logicalName: 'versionnumber', type: 'BigInt', ...READ_ONLY },
        ],
    });
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
