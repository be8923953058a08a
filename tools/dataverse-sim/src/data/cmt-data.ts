/**
 * Loads a Configuration Migration Tool data.xml into a dataset for a schema: every record with its fields typed
 * per the schema (value forms in cmt-values.ts), party lists as activityparty rows, the many-to-many rows, and the
 * rows that lookups and many-to-many rows point to but the file lacks (cmt-rows.ts), so that referential integrity
 * holds. A value that cannot be loaded is reported with its record id and field (one warning line, repeats of the
 * same problem folded into it) and left out; everything else loads. Only a file that is not XML is refused.
 *
 * CMT value formats: GUIDs as 8-4-4-4-12, lookups as the id with `lookupentity` and `lookupentityname` attributes,
 * party lists as `<field name="to"><activitypointerrecords><activitypointerrecord id>` with a `partyid` field,
 * and string values HTML-encoded a second time inside the XML.
 */
import { readFileSync } from 'node:fs';
import type { SimAttribute, SimDataset, SimLookupValue, SimRow, SimSchema, SimTable, SimValue } from '../model.js';
import { isGuid } from '../guid-order.js';
import { widenText } from './cmt-fields.js';
import { LoadedRows } from './cmt-rows.js';
import { readBase64, readBoolean, readDate, readExactNumber, readMultiSelect, readNumber } from './cmt-values.js';
import {
    asNode,
    asNodes,
    attr,
    decodeHtmlEntities,
    parseCmtXml,
    withoutBom,
    xmlProblem,
    type XmlNode,
} from './cmt-xml.js';
import { addIntersectTables, addMissingTargetTables, addSystemTables, SchemaFileError } from './schema-complete.js';
import { knownTable } from './standard-tables.js';
import { knownManyToMany } from './standard-relationships.js';
import { findManyToMany, joins, manyToManyRelationship } from './system-relationships.js';
import { PARTICIPATION_MASKS } from './participation.js';
import { stderrWarnings, type WarningSink } from './warnings.js';

const PARTICIPATION = PARTICIPATION_MASKS;

/** Warnings folded by kind: the first occurrence names its record, the rest are counted. */
class Report {
    private readonly lines = new Map<string, { line: string; more: number }>();

    add(key: string, line: string): void {
        const known = this.lines.get(key);
        if (known) known.more++;
        else this.lines.set(key, { line, more: 0 });
    }

    flush(file: string, warn: WarningSink): void {
        for (const { line, more } of this.lines.values())
            warn(`${file}: ${line}${more > 0 ? ` (and ${more} more like it)` : ''}`);
    }
}

class CmtLoader {
    readonly report = new Report();
    readonly loaded: LoadedRows;
    private readonly tables: Map<string, SimTable>;

    constructor(
        private readonly schema: SimSchema,
        timestamp: string,
    ) {
        this.loaded = new LoadedRows(schema, timestamp);
        this.tables = this.loaded.tables;
    }

    entity(e: XmlNode, ei: number): void {
        const name = attr(e, 'name') ?? '';
        const at = `entities/entity[${ei}] (${name})`;
        const t = this.tables.get(name);
        const records = asNodes(asNode(e.records).record);
        if (!t) {
            if (records.length > 0)
                this.report.add(
                    `table:${name}`,
                    `${at}: table '${name}' is not in the schema; its ${records.length} records are not loaded`,
                );
            return;
        }
        const attrs = new Map(t.attributes.map((a) => [a.logicalName, a]));
        const fieldOrder = (f: XmlNode): number => (attr(f, 'name') === 'statecode' ? 0 : 1);
        records.forEach((r, ri) => {
            const rat = `${at}/records/record[${ri}]`;
            const rawId = attr(r, 'id') ?? '';
            if (!isGuid(rawId)) {
                this.report.add(`id:${name}`, `${rat}: id '${rawId}' is not a GUID; the record is not loaded`);
                return;
            }
            const id = rawId.toLowerCase();
            if (this.loaded.has(name, id)) {
                this.report.add(`dup:${name}`, `${name}(${id}): listed twice; the first record is used`);
                return;
            }
            const row: SimRow = { [t.primaryIdAttribute]: id };
            // statecode first, so that new status options get the right state.
            const fields = asNodes(r.field).sort((x, y) => fieldOrder(x) - fieldOrder(y));
            for (const f of fields) {
                const fname = attr(f, 'name') ?? '';
                const a = attrs.get(fname);
                const where = `${name}(${id}).${fname}`;
                if (!a) {
                    this.report.add(`col:${name}.${fname}`, `${where}: no such column in table '${name}'; not loaded`);
                    continue;
                }
                if (a.logicalName === t.primaryIdAttribute) continue;
                if (a.type === 'PartyList') {
                    this.parties(t, id, a, f, where);
                    continue;
                }
                const v = this.value(t, a, f, row, where);
                if (v !== undefined) row[fname] = v;
            }
            if (attrs.has('versionnumber') && row.versionnumber === undefined)
                row.versionnumber = this.loaded.nextVersion();
            this.loaded.addFromFile(t, row);
        });
    }

    private bad(t: SimTable, a: SimAttribute, where: string, raw: string, what: string): undefined {
        this.report.add(`value:${t.logicalName}.${a.logicalName}`, `${where}: '${raw}' is not ${what}; not loaded`);
        return undefined;
    }

    private value(t: SimTable, a: SimAttribute, f: XmlNode, row: SimRow, where: string): SimValue | undefined {
        const raw = attr(f, 'value');
        if (raw === undefined) return null;
        const bad = (what: string) => this.bad(t, a, where, raw, what);
        switch (a.type) {
            case 'String':
            case 'Memo':
            case 'EntityName': {
                const text = decodeHtmlEntities(raw);
                widenText(a, text.length);
                return text;
            }
            case 'Uniqueidentifier':
                return isGuid(raw) ? raw.toLowerCase() : bad('a GUID');
            case 'Integer':
                return readNumber(raw, true) ?? bad('an integer');
            case 'BigInt':
                // bigint, decimal and money values keep every digit the file has (ExactNumber beyond a double's).
                return readExactNumber(raw, true) ?? bad('an integer');
            case 'Decimal':
            case 'Money':
                return readExactNumber(raw, false) ?? bad('an invariant-culture number');
            case 'Double':
                return readNumber(raw, false) ?? bad('an invariant-culture number');
            case 'Boolean':
                return readBoolean(raw) ?? bad('a boolean (True/False or 1/0)');
            case 'DateTime':
                return readDate(raw) ?? bad('a date');
            case 'Image':
                return readBase64(raw) ?? bad('base64 image content');
            case 'Picklist':
            case 'State':
            case 'Status': {
                const v = readNumber(raw, true);
                if (v === undefined) return bad('an option value');
                this.addOption(a, v, row);
                return v;
            }
            case 'MultiSelectPicklist': {
                const values = readMultiSelect(raw);
                if (values === undefined) return bad('a list of option values');
                for (const v of values) this.addOption(a, v, row);
                return values.length > 0 ? values.join(',') : null;
            }
            case 'Lookup':
            case 'Customer':
            case 'Owner':
                return this.lookup(t, a, f, raw, where);
            case 'File':
                this.report.add(
                    `file:${t.logicalName}.${a.logicalName}`,
                    `${where}: file content is not in data.xml; not loaded`,
                );
                return undefined;
            default:
                return null;
        }
    }

    private lookup(t: SimTable, a: SimAttribute, f: XmlNode, raw: string, where: string): SimValue | undefined {
        if (!isGuid(raw)) return this.bad(t, a, where, raw, 'a GUID');
        const targets = a.targets ?? [];
        const target = attr(f, 'lookupentity') ?? (targets.length === 1 ? targets[0] : undefined);
        if (!target || !targets.includes(target)) {
            this.report.add(
                `target:${t.logicalName}.${a.logicalName}:${target ?? ''}`,
                `${where}: lookupentity '${target ?? ''}' is not a target of ${t.logicalName}.${a.logicalName}; not loaded`,
            );
            return undefined;
        }
        return this.pointTo(target, raw.toLowerCase(), f);
    }

    /** The lookup value of a field that points to a row, noting the row with the name the field gives it. */
    private pointTo(table: string, id: string, f: XmlNode): SimLookupValue {
        const name = attr(f, 'lookupentityname');
        this.loaded.remember(table, id, name === undefined ? undefined : decodeHtmlEntities(name));
        return this.loaded.ref(table, id);
    }

    /** A party list: one activityparty row per party, pointing to the activity and to the party. */
    private parties(t: SimTable, activityId: string, a: SimAttribute, f: XmlNode, where: string): void {
        const partyTable = this.tables.get('activityparty');
        if (!partyTable) return;
        const partyTargets = partyTable.attributes.find((x) => x.logicalName === 'partyid')?.targets ?? [];
        asNodes(asNode(f.activitypointerrecords).activitypointerrecord).forEach((p, pi) => {
            const fields = new Map(asNodes(p.field).map((x) => [attr(x, 'name') ?? '', x]));
            const party = fields.get('partyid');
            const partyId = attr(party ?? {}, 'value') ?? '';
            const partyEntity = attr(party ?? {}, 'lookupentity') ?? '';
            const rawId = attr(p, 'id') ?? '';
            if (!isGuid(rawId) || !isGuid(partyId) || !partyTargets.includes(partyEntity)) {
                this.report.add(
                    `party:${t.logicalName}.${a.logicalName}`,
                    `${where}[${pi}]: party '${partyEntity}(${partyId})' of record '${rawId}' cannot be a party of ${t.logicalName}; not loaded`,
                );
                return;
            }
            const row: SimRow = {
                activitypartyid: rawId.toLowerCase(),
                activityid: this.loaded.ref(t.logicalName, activityId),
                partyid: this.pointTo(partyEntity, partyId.toLowerCase(), party ?? {}),
                participationtypemask: PARTICIPATION[a.logicalName] ?? 2,
                addressused: attr(fields.get('addressused') ?? {}, 'value') ?? null,
                versionnumber: this.loaded.nextVersion(),
            };
            this.loaded.addFromFile(partyTable, row);
        });
    }

    /** CMT schemas carry no option values: the values the data uses become the options. */
    private addOption(a: SimAttribute, value: number, row: SimRow): void {
        a.options ??= [];
        if (a.options.some((o) => o.value === value)) return;
        const option: { value: number; label: string; state?: number } = { value, label: String(value) };
        if (a.type === 'Status') option.state = typeof row.statecode === 'number' ? row.statecode : 0;
        a.options.push(option);
    }

    associations(e: XmlNode, ei: number, out: Record<string, Array<[string, string]>>): void {
        const source = attr(e, 'name') ?? '';
        asNodes(asNode(e.m2mrelationships).m2mrelationship).forEach((m, mi) => {
            const at = `entities/entity[${ei}] (${source})/m2mrelationships/m2mrelationship[${mi}]`;
            const relName = attr(m, 'm2mrelationshipname') ?? '';
            const sourceId = (attr(m, 'sourceid') ?? '').toLowerCase();
            const target = attr(m, 'targetentityname') ?? '';
            const rel = findManyToMany(this.schema.manyToMany, relName, [source, target]);
            if (!rel) return; // relationships the schema lacks were added before loading (see relationshipsFromData)
            const forward = rel.entity1LogicalName === source;
            const pairs = (out[rel.schemaName] ??= []);
            for (const tid of asNode(m.targetids).targetid ? (asNode(m.targetids).targetid as unknown[]) : []) {
                const targetId = (typeof tid === 'string' ? tid : '').trim().toLowerCase();
                if (!isGuid(targetId) || !isGuid(sourceId)) {
                    this.report.add(`m2m:${relName}`, `${at}: '${sourceId}' / '${targetId}' are not GUIDs; not loaded`);
                    continue;
                }
                this.loaded.remember(source, sourceId, undefined);
                this.loaded.remember(target, targetId, undefined);
                pairs.push(forward ? [sourceId, targetId] : [targetId, sourceId]);
            }
        });
    }
}

/** Every `lookupentity` of the file (those tables must exist), and those of party list parties. */
function lookupEntities(entities: XmlNode[]): { all: Set<string>; parties: Set<string> } {
    const all = new Set<string>();
    const parties = new Set<string>();
    const visit = (fields: XmlNode[], party: boolean): void => {
        for (const f of fields) {
            const le = attr(f, 'lookupentity');
            if (le) (party ? parties : all).add(le);
            for (const p of asNodes(asNode(f.activitypointerrecords).activitypointerrecord))
                visit(asNodes(p.field), true);
        }
    };
    for (const e of entities) for (const r of asNodes(asNode(e.records).record)) visit(asNodes(r.field), false);
    for (const p of parties) all.add(p);
    return { all, parties };
}

/**
 * Many-to-many rows of a relationship the schema lacks: the relationship is added to the dataset's schema (the
 * file names it and both tables), as it exists in the org the data came from.
 */
function relationshipsFromData(schema: SimSchema, entities: XmlNode[], report: Report): string[] {
    const tables: string[] = [];
    for (const e of entities) {
        const source = attr(e, 'name') ?? '';
        for (const m of asNodes(asNode(e.m2mrelationships).m2mrelationship)) {
            const name = attr(m, 'm2mrelationshipname') ?? '';
            const target = attr(m, 'targetentityname') ?? '';
            if (!name || !target) continue;
            const existing = findManyToMany(schema.manyToMany, name, [source, target]);
            if (
                existing &&
                (existing.schemaName.toLowerCase() === name.toLowerCase() || joins(existing, [source, target]))
            )
                continue;
            const known = knownManyToMany([name], [source, target]);
            if (known) {
                schema.manyToMany.push(known);
                tables.push(source, target);
                report.add(
                    `rel:${name}`,
                    `many-to-many '${known.schemaName}' is not in the schema; added from the data`,
                );
                continue;
            }
            const sourceTable = schema.tables.find((t) => t.logicalName === source);
            const sourceKey = sourceTable?.primaryIdAttribute ?? `${source}id`;
            // As m2mTargetEntityPrimaryKey in schemas (schema-cmt.ts), the field can name the source's own key.
            const given = attr(m, 'targetentitynameidfield')?.toLowerCase();
            const targetKey =
                given && !(given === sourceKey && target !== source)
                    ? given
                    : (schema.tables.find((t) => t.logicalName === target)?.primaryIdAttribute ??
                      knownTable(target)?.primaryIdAttribute ??
                      `${target}id`);
            schema.manyToMany.push(
                manyToManyRelationship(name, name.toLowerCase(), [source, sourceKey], [target, targetKey]),
            );
            tables.push(source, target);
            report.add(
                `rel:${name}`,
                `many-to-many '${name}' (${source} - ${target}) is not in the schema; added from the data`,
            );
        }
    }
    return tables;
}

/**
 * Loads a CMT data.xml text; see the module comment. The schema is copied, never changed: the copy gains the
 * option values the data uses and the tables and relationships the data needs.
 */
export function cmtDataFromText(
    schema: SimSchema,
    text: string,
    file = 'data.xml',
    warn: WarningSink = stderrWarnings,
): SimDataset {
    const body = withoutBom(text);
    const bad = xmlProblem(body);
    if (bad) throw new SchemaFileError(file, [bad]);
    const root = asNode(asNode(parseCmtXml(body)).entities);
    const entities = asNodes(root.entity);
    if (entities.length === 0) throw new SchemaFileError(file, ['entities: no <entity> elements']);
    const copy = structuredClone(schema);
    const report = new Report();
    // Tables that the data points to must exist even when the schema did not list them.
    addSystemTables(copy);
    const related = relationshipsFromData(copy, entities, report);
    const referenced = lookupEntities(entities);
    addMissingTargetTables(copy, [...referenced.all, ...related]);
    addIntersectTables(copy);
    const partyId = copy.tables
        .find((t) => t.logicalName === 'activityparty')
        ?.attributes.find((a) => a.logicalName === 'partyid');
    if (partyId) for (const le of referenced.parties) if (!partyId.targets?.includes(le)) addPartyTarget(partyId, le);

    const loader = new CmtLoader(copy, attr(root, 'timestamp') ?? '2020-01-01T00:00:00Z');
    const associations: Record<string, Array<[string, string]>> = {};
    for (const m of copy.manyToMany) associations[m.schemaName] = [];
    entities.forEach((e, ei) => loader.entity(e, ei));
    entities.forEach((e, ei) => loader.associations(e, ei, associations));
    loader.loaded.completeMissing();
    loader.loaded.fillSystemColumns();
    report.flush(file, warn);
    loader.report.flush(file, warn);
    const rows = loader.loaded.rows;
    for (const t of copy.tables) if (!t.isIntersect) rows[t.logicalName] ??= [];
    return { schema: copy, rows, associations };
}

/** A table parties of the file point to becomes a target of activityparty.partyid. */
function addPartyTarget(partyId: SimAttribute, table: string): void {
    partyId.targets = [...(partyId.targets ?? []), table];
    partyId.relationshipNames = { ...partyId.relationshipNames, [table]: `${table}_activity_parties` };
}

export function loadCmtData(schema: SimSchema, dataXmlPath: string, warn: WarningSink = stderrWarnings): SimDataset {
    return cmtDataFromText(schema, readFileSync(dataXmlPath, 'utf8'), dataXmlPath, warn);
}
