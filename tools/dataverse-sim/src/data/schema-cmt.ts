/**
 * Reads a Configuration Migration Tool `data_schema.xml` into a SimSchema, as CMT and the tools that write its format
 * produce it: entities with their fields (CMT type names, see cmt-fields.ts), primary id/name fields (absent or
 * not `<table>id` in some files: activities use `activityid`), object type codes and many-to-many relationships. The
 * file has no entity set names, lengths, precisions or option values. A table the simulator knows (crm, system and
 * standard tables) keeps its real definition and gains the file's other fields; a custom table gets the standard
 * columns of its ownership. What the file gets wrong or leaves out is modeled as closely as it can be, each guess a
 * warning; only a file that is not a CMT schema at all is refused.
 */
import type { OwnershipType, SimAttribute, SimManyToMany, SimSchema, SimTable } from '../model.js';
import { fieldToAttribute } from './cmt-fields.js';
import { asNode, asNodes, attr, parseCmtXml, withoutBom, xmlProblem } from './cmt-xml.js';
import { ACTIVE_INACTIVE, primaryIdColumn, standardColumns, str } from './columns.js';
import { deriveEntitySetName } from './entity-set-name.js';
import { knownTable } from './standard-tables.js';
import { knownManyToMany } from './standard-relationships.js';
import { manyToManyRelationship } from './system-relationships.js';

export interface ParsedCmtSchema {
    schema: SimSchema;
    /** Why the file cannot be read at all (not XML, no entities). */
    problems: string[];
    /** What was guessed, one line each. */
    warnings: string[];
    /** Tables that many-to-many relationships join but the file does not describe. */
    relatedTables: string[];
}

const LOGICAL_NAME = /^[a-z_][a-z0-9_]*$/;

/** A name as Dataverse spells logical names (lowercase); warns when the file spelled it otherwise. */
function logicalName(raw: string, where: string, warnings: string[]): string | undefined {
    const name = raw.trim().toLowerCase();
    if (!LOGICAL_NAME.test(name)) return undefined;
    if (name !== raw)
        warnings.push(`${where}: '${raw}' is not a logical name as Dataverse writes them; read as '${name}'`);
    return name;
}

class SchemaReader {
    readonly warnings: string[] = [];
    readonly problems: string[] = [];
    private readonly tables = new Map<string, SimTable>();
    private readonly manyToMany = new Map<string, SimManyToMany>();
    private readonly related = new Set<string>();

    entity(e: Record<string, unknown>, ei: number): void {
        const path = `entities/entity[${ei}]`;
        const rawName = attr(e, 'name') ?? '';
        const name = logicalName(rawName, path, this.warnings);
        if (!name) {
            this.warnings.push(`${path}: entity without a usable name ('${rawName}'); skipped`);
            return;
        }
        const at = `${path} (${name})`;
        const attributes: SimAttribute[] = [];
        asNodes(asNode(e.fields).field).forEach((f, fi) => {
            const where = `${at}/fields/field[${fi}]`;
            const fieldName = logicalName(attr(f, 'name') ?? '', where, this.warnings);
            if (!fieldName) {
                this.warnings.push(`${where}: field without a usable name ('${attr(f, 'name') ?? ''}'); skipped`);
                return;
            }
            if (attributes.some((a) => a.logicalName === fieldName)) {
                this.warnings.push(`${where} (${fieldName}): listed twice; the first definition is used`);
                return;
            }
            const r = fieldToAttribute(
                {
                    table: name,
                    name: fieldName,
                    type: attr(f, 'type') ?? '',
                    lookupType: attr(f, 'lookupType'),
                    primaryKey: attr(f, 'primaryKey') === 'true',
                    custom: attr(f, 'customfield') === 'true',
                },
                `${where} (${fieldName})`,
            );
            if (r.warning) this.warnings.push(r.warning);
            attributes.push(r.attribute);
        });
        const previous = this.tables.get(name);
        const table = previous ? this.mergeFields(previous, attributes, at) : this.table(name, e, attributes, at);
        if (previous) this.warnings.push(`${at}: entity listed twice; its fields are merged`);
        const etc = Number(attr(e, 'etc'));
        if (Number.isInteger(etc) && etc > 0 && table.objectTypeCode === undefined) table.objectTypeCode = etc;
        this.tables.set(name, table);
        asNodes(asNode(e.relationships).relationship).forEach((r, ri) =>
            this.relationship(table, r, `${at}/relationships/relationship[${ri}]`),
        );
    }

    /** A table for an entity: the known definition plus the file's other fields, or a custom table. */
    private table(name: string, e: Record<string, unknown>, fields: SimAttribute[], at: string): SimTable {
        const known = knownTable(name);
        if (known) {
            const fileId = attr(e, 'primaryidfield');
            if (fileId && fileId.toLowerCase() !== known.primaryIdAttribute)
                this.warnings.push(
                    `${at}: primaryidfield '${fileId}' differs from the table's '${known.primaryIdAttribute}'; the table's is used`,
                );
            return this.mergeFields(known, fields, at);
        }
        const primaryId = this.primaryId(name, e, fields, at);
        const primaryName = this.primaryName(name, e, fields, at);
        const has = (n: string): boolean => fields.some((a) => a.logicalName === n);
        // A custom table is user- or organization-owned; the file shows which only by its ownership columns.
        const ownershipType: OwnershipType =
            has('ownerid') || fields.some((a) => a.type === 'Owner') ? 'UserOwned' : 'OrganizationOwned';
        for (const f of fields) if (f.isPrimaryId && f.logicalName !== primaryId) this.notPrimaryKey(f, primaryId, at);
        const id = fields.find((a) => a.logicalName === primaryId);
        if (id) Object.assign(id, { type: 'Uniqueidentifier', isPrimaryId: true, validForUpdate: false });
        else fields.unshift(primaryIdColumn(primaryId));
        const nameAttr = fields.find((a) => a.logicalName === primaryName);
        if (nameAttr) nameAttr.isPrimaryName = true;
        else fields.push(str(primaryName, 4000, { isPrimaryName: true }));
        // Money columns have a read-only twin holding the amount in the base currency.
        for (const a of fields)
            if (a.type === 'Money' && a.logicalName.endsWith('_base') && has(a.logicalName.slice(0, -5)))
                Object.assign(a, { validForCreate: false, validForUpdate: false });
        const standard = standardColumns({ table: name, ownershipType, state: ACTIVE_INACTIVE }).filter(
            (s) => !has(s.logicalName),
        );
        const table: SimTable = {
            logicalName: name,
            entitySetName: deriveEntitySetName(name),
            primaryIdAttribute: primaryId,
            primaryNameAttribute: primaryName,
            ownershipType,
            // CMT does not say; on, so that incremental sync can be exercised against these tables.
            changeTracking: true,
            attributes: [...fields, ...standard],
        };
        if (fields.some((a) => a.isCustom === true)) table.isCustom = true;
        if (primaryId === 'activityid') table.isActivity = true;
        return table;
    }

    /** Adds the fields a table lacks; a column the table already has keeps its definition. */
    private mergeFields(table: SimTable, fields: SimAttribute[], at: string): SimTable {
        const have = new Set(table.attributes.map((a) => a.logicalName));
        for (const f of fields) {
            if (have.has(f.logicalName)) continue;
            if (f.isPrimaryId) this.notPrimaryKey(f, table.primaryIdAttribute, at);
            table.attributes.push(f);
            have.add(f.logicalName);
        }
        return table;
    }

    /**
     * A field marked primaryKey that is not the table's key becomes an ordinary column. CMT marks the address ids of
     * account, contact and lead so (address1_addressid, ... in the Microsoft accelerators' exports): a guid column
     * so marked is that, not a guess; any other type is warned about.
     */
    private notPrimaryKey(f: SimAttribute, key: string, at: string): void {
        if (f.type !== 'Uniqueidentifier')
            this.warnings.push(`${at}: '${f.logicalName}' is marked primaryKey but the table's key is '${key}'`);
        delete f.isPrimaryId;
        if (f.validForCreate !== false) delete f.validForUpdate;
    }

    private primaryId(name: string, e: Record<string, unknown>, fields: SimAttribute[], at: string): string {
        const given = attr(e, 'primaryidfield');
        if (given) return given.toLowerCase();
        const key =
            fields.find((a) => a.isPrimaryId && a.logicalName === `${name}id`) ?? fields.find((a) => a.isPrimaryId);
        const chosen = key?.logicalName ?? `${name}id`;
        this.warnings.push(`${at}: no primaryidfield; the primary key is '${chosen}'`);
        return chosen;
    }

    private primaryName(name: string, e: Record<string, unknown>, fields: SimAttribute[], at: string): string {
        const given = attr(e, 'primarynamefield');
        if (given) return given.toLowerCase();
        const prefix = /^([a-z0-9]+)_/.exec(name)?.[1];
        const candidates = ['name', prefix ? `${prefix}_name` : '', 'fullname', 'subject', 'title'];
        const found = candidates.find((c) => c && fields.some((a) => a.logicalName === c && a.type === 'String'));
        const chosen = found ?? (prefix ? `${prefix}_name` : 'name');
        this.warnings.push(`${at}: no primarynamefield; the primary name is '${chosen}'`);
        return chosen;
    }

    private relationship(table: SimTable, r: Record<string, unknown>, at: string): void {
        if (attr(r, 'manyToMany') !== 'true') return;
        const schemaName = attr(r, 'name');
        const target = attr(r, 'm2mTargetEntity')?.toLowerCase();
        if (!schemaName || !target) {
            this.warnings.push(`${at}: many-to-many without name or m2mTargetEntity; skipped`);
            return;
        }
        const intersect = (attr(r, 'relatedEntityName') ?? schemaName).toLowerCase();
        const known = knownManyToMany([schemaName, intersect], [table.logicalName, target]);
        if (known) {
            // CMT names system and standard relationships by their intersect table; its convention, not a guess.
            if (!this.manyToMany.has(known.schemaName)) this.manyToMany.set(known.schemaName, known);
            this.related.add(target);
            return;
        }
        const existing = this.manyToMany.get(schemaName);
        if (existing) {
            // Both sides of a relationship may list it.
            const sameEnds = new Set([existing.entity1LogicalName, existing.entity2LogicalName]);
            if (!(sameEnds.has(table.logicalName) && sameEnds.has(target)))
                this.warnings.push(
                    `${at}: many-to-many '${schemaName}' is listed again with other tables; the first is used`,
                );
            return;
        }
        if ((attr(r, 'isreflexive') ?? '').toLowerCase() === 'true' && target !== table.logicalName)
            this.warnings.push(
                `${at}: '${schemaName}' says isreflexive="true" but joins ${table.logicalName} and ${target}; read as not reflexive`,
            );
        const targetKey = this.targetKey(table, target, attr(r, 'm2mTargetEntityPrimaryKey'), at);
        this.manyToMany.set(
            schemaName,
            manyToManyRelationship(
                schemaName,
                intersect,
                [table.logicalName, table.primaryIdAttribute],
                [target, targetKey],
            ),
        );
        this.related.add(target);
    }

    /**
     * The intersect column of the relationship's other table: m2mTargetEntityPrimaryKey. Microsoft's exports sometimes
     * name this side's own key there instead (`accountleads` of account says `accountid` for lead, in the Nonprofit
     * and Education accelerators' packages); an intersect table cannot hold one column twice, so the other table's
     * key is used, with a warning.
     */
    private targetKey(table: SimTable, target: string, given: string | undefined, at: string): string {
        const ownKey = this.tables.get(target)?.primaryIdAttribute ?? knownTable(target)?.primaryIdAttribute;
        const fallback = ownKey ?? `${target}id`;
        const key = given?.toLowerCase();
        if (!key) return fallback;
        if (target !== table.logicalName && key === table.primaryIdAttribute && key !== fallback) {
            this.warnings.push(
                `${at}: m2mTargetEntityPrimaryKey '${given}' is ${table.logicalName}'s own key, not ${target}'s; the intersect column of ${target} is '${fallback}'`,
            );
            return fallback;
        }
        return key;
    }

    result(): ParsedCmtSchema {
        const names = new Set(this.tables.keys());
        return {
            schema: { tables: [...this.tables.values()], manyToMany: [...this.manyToMany.values()] },
            problems: this.problems,
            warnings: this.warnings,
            relatedTables: [...this.related].filter((t) => !names.has(t)),
        };
    }
}

/** Parses a CMT data_schema.xml text; system tables and missing target tables are added by the caller. */
export function parseCmtSchema(text: string): ParsedCmtSchema {
    const reader = new SchemaReader();
    const body = withoutBom(text);
    const bad = xmlProblem(body);
    if (bad) {
        reader.problems.push(bad);
        return reader.result();
    }
    const entities = asNodes(asNode(asNode(parseCmtXml(body)).entities).entity);
    if (entities.length === 0) reader.problems.push('entities: no <entity> elements');
    entities.forEach((e, ei) => reader.entity(e, ei));
    return reader.result();
}
