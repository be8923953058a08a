/**
 * Loads a Configuration Migration Tool data.xml into a dataset for a schema: every record with
 * its fields typed per the schema, the many-to-many rows, and the rows that lookups point to but
 * the file lacks (users, teams, business units, currencies, the organization, and any other
 * referenced row), named from `lookupentityname`, so that referential integrity holds.
 *
 * CMT value formats: GUIDs as 8-4-4-4-12, dates as `2025-06-28T19:06:20.0000000Z`, numbers in the
 * invariant culture (`4325.0000000000`), booleans `True`/`False`, option sets as integers,
 * multi-select as `[-1,1,2,-1]`, lookups as the id with `lookupentity` and `lookupentityname`
 * attributes, and string values HTML-encoded a second time inside the XML.
 */
import { readFileSync } from 'node:fs';
import type { SimAttribute, SimDataset, SimLookupValue, SimRow, SimSchema, SimTable, SimValue } from '../model.js';
import { isGuid } from '../guid-order.js';
import { asNode, asNodes, attr, decodeHtmlEntities, parseCmtXml } from './cmt-xml.js';
import { addMissingTargetTables, addSystemTables, SchemaFileError } from './schema-complete.js';
import { asciiSlug, lookupRef, putter } from './system-rows.js';

const CURRENCY_CODES: Record<string, [string, string]> = {
    'us dollar': ['USD', '$'],
    euro: ['EUR', '€'],
    'pound sterling': ['GBP', '£'],
    'british pound': ['GBP', '£'],
    'canadian dollar': ['CAD', 'CA$'],
    'australian dollar': ['AUD', 'A$'],
    'swiss franc': ['CHF', 'CHF'],
    yen: ['JPY', '¥'],
    'japanese yen': ['JPY', '¥'],
};

interface Reference {
    table: string;
    id: string;
    name?: string;
}

function isoSeconds(text: string): string | undefined {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) return undefined;
    return new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().slice(0, 19) + 'Z';
}

class CmtLoader {
    readonly problems: string[] = [];
    readonly rows: Record<string, SimRow[]> = {};
    private readonly byId = new Map<string, SimRow>();
    private readonly references = new Map<string, Reference>();
    private readonly refObjects = new Map<string, SimLookupValue>();
    private readonly rates = new Map<string, number>();
    private readonly tables: Map<string, SimTable>;
    private version = 1000;

    constructor(
        private readonly schema: SimSchema,
        private readonly timestamp: string,
    ) {
        this.tables = new Map(schema.tables.map((t) => [t.logicalName, t]));
    }

    private ref(table: string, id: string): SimLookupValue {
        const key = `${table}:${id}`;
        let r = this.refObjects.get(key);
        if (!r) {
            r = lookupRef(table, id);
            this.refObjects.set(key, r);
        }
        return r;
    }

    private remember(table: string, id: string, name: string | undefined): void {
        const key = `${table}:${id}`;
        const known = this.references.get(key);
        if (!known) this.references.set(key, name === undefined ? { table, id } : { table, id, name });
        else if (known.name === undefined && name !== undefined) known.name = name;
    }

    private value(
        t: SimTable,
        a: SimAttribute,
        f: Record<string, unknown>,
        row: SimRow,
        at: string,
    ): SimValue | undefined {
        const raw = attr(f, 'value');
        if (raw === undefined) return null;
        const bad = (what: string): undefined => {
            this.problems.push(`${at}: '${raw}' is not ${what}`);
            return undefined;
        };
        switch (a.type) {
            case 'String':
            case 'Memo':
            case 'EntityName':
                return decodeHtmlEntities(raw);
            case 'Uniqueidentifier':
                return isGuid(raw) ? raw.toLowerCase() : bad('a GUID');
            case 'Integer':
            case 'BigInt':
                return /^-?\d+$/.test(raw) ? Number(raw) : bad('an integer');
            case 'Decimal':
            case 'Double':
            case 'Money':
                return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : bad('an invariant-culture number');
            case 'Boolean':
                if (/^(true|1)$/i.test(raw)) return true;
                if (/^(false|0)$/i.test(raw)) return false;
                return bad('a boolean (True/False)');
            case 'DateTime':
                return isoSeconds(raw) ?? bad('a date');
            case 'Picklist':
            case 'State':
            case 'Status': {
                if (!/^-?\d+$/.test(raw)) return bad('an option value');
                const v = Number(raw);
                this.addOption(a, v, row);
                return v;
            }
            case 'MultiSelectPicklist': {
                const values = (raw.match(/-?\d+/g) ?? []).map(Number).filter((v) => v !== -1);
                for (const v of values) this.addOption(a, v, row);
                return values.length > 0 ? values.join(',') : null;
            }
            case 'Lookup':
            case 'Customer':
            case 'Owner': {
                if (!isGuid(raw)) return bad('a GUID');
                const target = attr(f, 'lookupentity');
                if (!target) {
                    this.problems.push(`${at}: lookup without lookupentity`);
                    return undefined;
                }
                if (!(a.targets ?? []).includes(target)) {
                    this.problems.push(
                        `${at}: lookupentity '${target}' is not a target of ${t.logicalName}.${a.logicalName}`,
                    );
                    return undefined;
                }
                const id = raw.toLowerCase();
                const name = attr(f, 'lookupentityname');
                this.remember(target, id, name === undefined ? undefined : decodeHtmlEntities(name));
                return this.ref(target, id);
            }
            default:
                return null;
        }
    }

    /** CMT schemas carry no option values: the values the data uses become the options. */
    private addOption(a: SimAttribute, value: number, row: SimRow): void {
        a.options ??= [];
        if (a.options.some((o) => o.value === value)) return;
        const option: { value: number; label: string; state?: number } = { value, label: String(value) };
        if (a.type === 'Status') option.state = typeof row.statecode === 'number' ? row.statecode : 0;
        a.options.push(option);
    }

    entity(e: Record<string, unknown>, ei: number): void {
        const name = attr(e, 'name') ?? '';
        const at = `entities/entity[${ei}] (${name})`;
        const t = this.tables.get(name);
        if (!t) {
            this.problems.push(`${at}: table '${name}' is not in the schema`);
            return;
        }
        const list = (this.rows[name] ??= []);
        const attrs = new Map(t.attributes.map((a) => [a.logicalName, a]));
        const fieldOrder = (f: Record<string, unknown>): number => (attr(f, 'name') === 'statecode' ? 0 : 1);
        asNodes(asNode(e.records).record).forEach((r, ri) => {
            const rat = `${at}/records/record[${ri}]`;
            const rawId = attr(r, 'id') ?? '';
            if (!isGuid(rawId)) {
                this.problems.push(`${rat}: id '${rawId}' is not a GUID`);
                return;
            }
            const id = rawId.toLowerCase();
            const row: SimRow = { [t.primaryIdAttribute]: id };
            // statecode first, so that new status options get the right state.
            const fields = asNodes(r.field).sort((x, y) => fieldOrder(x) - fieldOrder(y));
            for (const f of fields) {
                const fname = attr(f, 'name') ?? '';
                const a = attrs.get(fname);
                if (!a) {
                    this.problems.push(`${rat}/field (${fname}): no such column in table '${name}'`);
                    continue;
                }
                if (a.logicalName === t.primaryIdAttribute) continue;
                const v = this.value(t, a, f, row, `${rat}/field (${fname})`);
                if (v !== undefined) row[fname] = v;
            }
            if (attrs.has('versionnumber') && row.versionnumber === undefined) row.versionnumber = this.version++;
            const currency = row.transactioncurrencyid;
            if (typeof row.exchangerate === 'number' && currency && typeof currency === 'object')
                this.rates.set(currency.id, row.exchangerate);
            list.push(row);
            this.byId.set(`${name}:${id}`, row);
        });
    }

    associations(e: Record<string, unknown>, ei: number, out: Record<string, Array<[string, string]>>): void {
        const source = attr(e, 'name') ?? '';
        asNodes(asNode(e.m2mrelationships).m2mrelationship).forEach((m, mi) => {
            const at = `entities/entity[${ei}] (${source})/m2mrelationships/m2mrelationship[${mi}]`;
            const relName = attr(m, 'm2mrelationshipname') ?? '';
            const rel = this.schema.manyToMany.find((x) => x.schemaName === relName);
            const sourceId = (attr(m, 'sourceid') ?? '').toLowerCase();
            const target = attr(m, 'targetentityname') ?? '';
            if (!rel) {
                this.problems.push(`${at}: many-to-many '${relName}' is not in the schema`);
                return;
            }
            const forward = rel.entity1LogicalName === source;
            const pairs = (out[relName] ??= []);
            for (const tid of asNode(m.targetids).targetid ? (asNode(m.targetids).targetid as unknown[]) : []) {
                const targetId = String(tid).toLowerCase();
                if (!isGuid(targetId) || !isGuid(sourceId)) {
                    this.problems.push(`${at}: '${sourceId}' / '${targetId}' are not GUIDs`);
                    continue;
                }
                this.remember(source, sourceId, undefined);
                this.remember(target, targetId, undefined);
                pairs.push(forward ? [sourceId, targetId] : [targetId, sourceId]);
            }
        });
    }

    /** Creates the rows that references point to but the file lacks, plus the system rows every org has. */
    completeRows(): void {
        const missing = [...this.references.values()].filter((r) => !this.byId.has(`${r.table}:${r.id}`));
        const order = ['organization', 'transactioncurrency', 'businessunit', 'team', 'systemuser'];
        missing.sort((x, y) => {
            const ox = order.indexOf(x.table);
            const oy = order.indexOf(y.table);
            return (ox < 0 ? 99 : ox) - (oy < 0 ? 99 : oy);
        });
        for (const r of missing) this.add(r.table, r.id, r.name);
        // Every org has an organization row, a root business unit, a base currency, a default team per unit and a user.
        const orgName =
            this.text(this.rows.organization?.[0]?.name) ?? this.text(this.rows.businessunit?.[0]?.name) ?? 'org';
        if (!this.rows.organization?.length) this.add('organization', this.syntheticId(1), orgName);
        if (!this.rows.businessunit?.length) this.add('businessunit', this.syntheticId(2), orgName);
        if (!this.rows.transactioncurrency?.length) this.add('transactioncurrency', this.syntheticId(3), 'US Dollar');
        for (const bu of this.rows.businessunit ?? []) {
            const buName = bu.name as string;
            if (
                !(this.rows.team ?? []).some(
                    (t) =>
                        t.isdefault === true && (t.businessunitid as SimLookupValue | null)?.id === bu.businessunitid,
                )
            )
                this.add(
                    'team',
                    this.syntheticId(4 + (this.rows.team?.length ?? 0)),
                    buName,
                    bu.businessunitid as string,
                );
        }
        if (!this.rows.systemuser?.length) this.add('systemuser', this.syntheticId(100), 'Migration Admin');
    }

    private text(v: SimValue | undefined): string | undefined {
        return typeof v === 'string' ? v : undefined;
    }

    /** A stable id for a system row the file never mentions (no randomness: loading is deterministic). */
    private syntheticId(n: number): string {
        return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    }

    private add(table: string, id: string, name: string | undefined, teamBusinessUnit?: string): void {
        const t = this.tables.get(table);
        if (!t || this.byId.has(`${table}:${id}`)) return;
        const put = putter(t);
        const row: SimRow = { [t.primaryIdAttribute]: id };
        const display = name ?? `${table} ${id.slice(0, 8)}`;
        const root = this.rows.businessunit?.[0];
        const rootRef = root ? this.ref('businessunit', root.businessunitid as string) : null;
        const orgSlug = asciiSlug(this.text(this.rows.organization?.[0]?.name) ?? 'org') || 'org';
        switch (table) {
            case 'systemuser': {
                const parts = display.replace(/^#\s*/, '').split(/\s+/);
                const first = parts.length > 1 ? parts.slice(0, -1).join(' ') : '';
                const last = parts[parts.length - 1] ?? display;
                const login = `${asciiSlug(first) ? `${asciiSlug(first)}.` : ''}${asciiSlug(last) || id.slice(0, 8)}@${orgSlug}.onmicrosoft.com`;
                put(row, 'fullname', display);
                put(row, 'firstname', first || null);
                put(row, 'lastname', last);
                put(row, 'domainname', login);
                put(row, 'internalemailaddress', login);
                put(row, 'businessunitid', rootRef);
                put(row, 'isdisabled', false);
                break;
            }
            case 'team':
                put(row, 'name', display);
                put(row, 'businessunitid', teamBusinessUnit ? this.ref('businessunit', teamBusinessUnit) : rootRef);
                put(row, 'teamtype', 0);
                put(row, 'isdefault', teamBusinessUnit !== undefined);
                break;
            case 'businessunit':
                put(row, 'name', display);
                put(row, 'parentbusinessunitid', rootRef);
                put(row, 'isdisabled', false);
                break;
            case 'transactioncurrency': {
                const [iso, symbol] = CURRENCY_CODES[display.toLowerCase()] ?? [
                    asciiSlug(display).slice(0, 3).toUpperCase() || 'XXX',
                    '¤',
                ];
                put(row, 'currencyname', display);
                put(row, 'isocurrencycode', iso);
                put(row, 'currencysymbol', symbol);
                put(row, 'exchangerate', this.rates.get(id) ?? 1);
                put(row, 'currencyprecision', 2);
                break;
            }
            case 'organization':
                put(row, 'name', display);
                break;
            default: {
                row[t.primaryNameAttribute] = display;
                const parts = display.split(/\s+/);
                if (parts.length > 1) {
                    put(row, 'firstname', parts.slice(0, -1).join(' '));
                    put(row, 'lastname', parts[parts.length - 1]!);
                } else put(row, 'lastname', display);
                const owner = this.rows.systemuser?.[0];
                if (owner) {
                    const ownerRef = this.ref('systemuser', owner.systemuserid as string);
                    put(row, 'ownerid', ownerRef);
                    put(row, 'owninguser', ownerRef);
                    put(row, 'owningbusinessunit', rootRef);
                }
            }
        }
        const statecode = t.attributes.find((a) => a.type === 'State');
        if (statecode) {
            put(row, 'statecode', 0);
            put(row, 'statuscode', statecode.options?.find((o) => o.value === 0)?.defaultStatus ?? 1);
        }
        const created = isoSeconds(this.timestamp) ?? '2020-01-01T00:00:00Z';
        put(row, 'createdon', created);
        put(row, 'modifiedon', created);
        put(row, 'versionnumber', this.version++);
        (this.rows[table] ??= []).push(row);
        this.byId.set(`${table}:${id}`, row);
        if (table === 'transactioncurrency' || table === 'organization') this.linkBaseCurrency();
    }

    private linkBaseCurrency(): void {
        const org = this.rows.organization?.[0];
        const currencies = this.rows.transactioncurrency ?? [];
        if (
            !org ||
            currencies.length === 0 ||
            !this.tables.get('organization')?.attributes.some((a) => a.logicalName === 'basecurrencyid')
        )
            return;
        const base = currencies.find((c) => c.exchangerate === 1) ?? currencies[0]!;
        org.basecurrencyid = this.ref('transactioncurrency', base.transactioncurrencyid as string);
    }
}

/** Loads a CMT data.xml text; see the module comment. The schema is copied, never changed. */
export function cmtDataFromText(schema: SimSchema, text: string, file = 'data.xml'): SimDataset {
    const copy = structuredClone(schema);
    const root = asNode(asNode(parseCmtXml(text)).entities);
    const entities = asNodes(root.entity);
    // Tables that data lookups point to must exist even when the schema did not list them.
    addSystemTables(copy);
    const targets = new Set<string>();
    for (const e of entities)
        for (const r of asNodes(asNode(e.records).record))
            for (const f of asNodes(r.field)) {
                const le = attr(f, 'lookupentity');
                if (le) targets.add(le);
            }
    addMissingTargetTables(copy, targets);

    const loader = new CmtLoader(copy, attr(root, 'timestamp') ?? '2020-01-01T00:00:00Z');
    const associations: Record<string, Array<[string, string]>> = {};
    for (const m of copy.manyToMany) associations[m.schemaName] = [];
    entities.forEach((e, ei) => loader.entity(e, ei));
    entities.forEach((e, ei) => loader.associations(e, ei, associations));
    if (loader.problems.length > 0) throw new SchemaFileError(file, loader.problems);
    loader.completeRows();
    for (const t of copy.tables) if (!t.isIntersect) loader.rows[t.logicalName] ??= [];
    return { schema: copy, rows: loader.rows, associations };
}

export function loadCmtData(schema: SimSchema, dataXmlPath: string): SimDataset {
    return cmtDataFromText(schema, readFileSync(dataXmlPath, 'utf8'), dataXmlPath);
}
