import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { isLookupValue, type SimRow } from '../src/model.js';
import { checkIntegrity, emptyCounterpart, loadCmtData, loadSchemaFile } from '../src/data/index.js';

// A real CMT export, kept in the repository (see test/fixtures/README.md).
const dir = new URL('../../../test/fixtures/cmt-small/', import.meta.url).pathname;
const schema = loadSchemaFile(`${dir}data_schema.xml`);
const data = loadCmtData(schema, `${dir}data.xml`);

// An independent reading of the file (attributes only, XML-decoded once) to compare against.
interface RawField {
    name: string;
    value: string;
    lookupentity?: string;
    lookupentityname?: string;
}
const raw = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    isArray: (n) => ['entity', 'record', 'field', 'm2mrelationship', 'targetid'].includes(n),
}).parse(readFileSync(`${dir}data.xml`, 'utf8')) as {
    entities: {
        entity: Array<{
            name: string;
            records?: { record?: Array<{ id: string; field?: RawField[] }> };
            m2mrelationships?: { m2mrelationship?: Array<{ sourceid: string; targetids: { targetid: string[] } }> };
        }>;
    };
};
const records = raw.entities.entity.flatMap((e) => (e.records?.record ?? []).map((r) => ({ table: e.name, ...r })));
const find = (table: string, id: string): SimRow | undefined => {
    const t = data.schema.tables.find((x) => x.logicalName === table);
    return (data.rows[table] ?? []).find((r) => t && r[t.primaryIdAttribute] === id);
};

describe('CMT data_schema.xml', () => {
    it('builds the tables with fields, types, entity sets and the many-to-many relationship', () => {
        const nature = schema.tables.find((t) => t.logicalName === 'fdn_insuranceproductnature');
        expect(nature).toMatchObject({
            entitySetName: 'fdn_insuranceproductnatures',
            primaryIdAttribute: 'fdn_insuranceproductnatureid',
            primaryNameAttribute: 'fdn_newcolumn',
            objectTypeCode: 10409,
        });
        const type = (n: string) => nature?.attributes.find((a) => a.logicalName === n)?.type;
        expect([type('fdn_amount'), type('fdn_rating'), type('fdn_maxspeed'), type('fdn_membercount')]).toEqual([
            'Money',
            'Decimal',
            'Double',
            'Integer',
        ]);
        expect(nature?.attributes.find((a) => a.logicalName === 'fdn_customer')).toMatchObject({
            type: 'Customer',
            targets: ['account', 'contact'],
        });
        expect(schema.tables.find((t) => t.logicalName === 'fdn_insurancecategory')?.entitySetName).toBe(
            'fdn_insurancecategories',
        );
        const product = schema.tables.find((t) => t.logicalName === 'fdn_insuranceproduct');
        expect(product?.attributes.find((a) => a.logicalName === 'ownerid')?.targets).toEqual(['systemuser', 'team']);
        expect(schema.manyToMany).toEqual([
            expect.objectContaining({
                schemaName: 'fdn_insuranceproductnature_fdn_insuranc',
                entity1LogicalName: 'fdn_insuranceproduct',
                entity2LogicalName: 'fdn_insuranceproductnature',
                intersectEntityName: 'fdn_insuranceproductnature_fdn_insuranc',
            }),
        ]);
        for (const name of [
            'systemuser',
            'team',
            'businessunit',
            'transactioncurrency',
            'organization',
            'contact',
            'account',
        ])
            expect(schema.tables.some((t) => t.logicalName === name)).toBe(true);
    });
});

describe('CMT data.xml', () => {
    it('loads every record with its values', () => {
        expect(records).toHaveLength(42);
        for (const r of records) {
            const row = find(r.table, r.id);
            expect(row, `${r.table}(${r.id})`).toBeDefined();
            for (const f of r.field ?? []) {
                const got = row?.[f.name];
                const at = `${r.table}(${r.id}).${f.name}`;
                if (f.lookupentity) expect(got, at).toEqual({ id: f.value, table: f.lookupentity });
                else if (/^-?\d+\.\d+$/.test(f.value)) expect(got, at).toBe(Number(f.value));
                else if (f.value === 'True' || f.value === 'False') expect(got, at).toBe(f.value === 'True');
                else if (/^\d{4}-\d\d-\d\dT/.test(f.value)) expect(got, at).toBe(f.value.replace(/\.\d+Z$/, 'Z'));
                else if (/^-?\d+$/.test(f.value)) expect(got, at).toBe(Number(f.value));
                else if (!f.value.includes('&')) expect(got, at).toBe(f.value);
            }
        }
    });

    it('decodes escaped names', () => {
        const root = find('fdn_insuranceproductnature', '42e9276a-0555-f011-877a-7c1e52064ef6');
        expect(root?.fdn_newcolumn).toBe(`Root <""> ''é&&@ \\ /`);
        // The lookup to it carries the same name, escaped once only.
        const child = records.find((r) => r.id === 'a873b483-0555-f011-877a-7c1e52064ef6');
        const parentField = child?.field?.find((f) => f.name === 'fdn_parentinsuranceproductnatureid');
        expect(parentField?.lookupentityname).toBe(root?.fdn_newcolumn);
    });

    it('resolves every lookup, creating the rows the export lacks', () => {
        expect(checkIntegrity(data)).toEqual([]);
        const lookupFields = records.flatMap((r) =>
            (r.field ?? []).filter((f) => f.lookupentity).map((f) => ({ r, f })),
        );
        expect(new Set(lookupFields.map(({ r, f }) => `${r.table}.${f.name}`)).size).toBeGreaterThanOrEqual(20);
        for (const { f } of lookupFields)
            expect(find(f.lookupentity!, f.value), `${f.name} -> ${f.value}`).toBeDefined();
        // The customer lookup to a contact that is not in the export: created, named from lookupentityname.
        const dolce = find('contact', '9cf56f73-aeef-ef11-9342-000d3a09f246');
        expect(dolce).toMatchObject({ fullname: 'Dolce Gabana', firstname: 'Dolce', lastname: 'Gabana' });
        // A self-reference to a record later in the file.
        const first = find('fdn_insuranceproductnature', '6afe7cda-9d4f-f011-877b-6045bdccf7ac');
        expect(first?.fdn_parentinsuranceproductnatureid).toEqual({
            id: '42e9276a-0555-f011-877a-7c1e52064ef6',
            table: 'fdn_insuranceproductnature',
        });
        // System rows named from the file.
        expect(find('systemuser', 'b361f574-19ec-ef11-9342-000d3a09f136')?.fullname).toBe('François Desjardins-Nadeau');
        expect(find('transactioncurrency', '1fef582d-45ec-ef11-9342-000d3a09f136')).toMatchObject({
            currencyname: 'Canadian Dollar',
            isocurrencycode: 'CAD',
        });
        expect(find('organization', '27b939f9-71ef-ef11-933e-0022486dbff5')?.name).toBe('pcflab');
        expect(find('businessunit', '305af574-19ec-ef11-9342-000d3a09f136')?.name).toBe('pcflab');
        // Every org has a default team per business unit.
        expect((data.rows.team ?? []).some((t) => t.isdefault === true)).toBe(true);
    });

    it('loads the many-to-many rows', () => {
        const entries = raw.entities.entity.flatMap((e) => e.m2mrelationships?.m2mrelationship ?? []);
        expect(entries).toHaveLength(5);
        const expected = entries.flatMap((m) => m.targetids.targetid.map((t) => [m.sourceid, t]));
        expect(data.associations.fdn_insuranceproductnature_fdn_insuranc).toEqual(expected);
    });

    it('learns option values from the data', () => {
        const nature = data.schema.tables.find((t) => t.logicalName === 'fdn_insuranceproductnature');
        const values = nature?.attributes
            .find((a) => a.logicalName === 'fdn_naturelevel')
            ?.options?.map((o) => o.value);
        expect(values).toContain(794560000);
        // The schema passed in is not changed.
        const before = schema.tables.find((t) => t.logicalName === 'fdn_insuranceproductnature');
        expect(before?.attributes.find((a) => a.logicalName === 'fdn_naturelevel')?.options).toEqual([]);
    });

    it('gives an empty counterpart with the referenced system rows under new ids', () => {
        const target = emptyCounterpart(data, { seed: 1 });
        const users = (d: typeof data) => (d.rows.systemuser ?? []).map((u) => u.domainname).sort();
        expect(users(target)).toEqual(users(data));
        expect((target.rows.systemuser ?? []).some((u) => find('systemuser', u.systemuserid as string))).toBe(false);
        expect(target.rows.contact).toEqual([]);
        expect(target.rows.fdn_insuranceproduct).toEqual([]);
        expect(checkIntegrity(target)).toEqual([]);
        const org = target.rows.organization?.[0];
        expect(isLookupValue(org?.basecurrencyid)).toBe(true);
    });
});
