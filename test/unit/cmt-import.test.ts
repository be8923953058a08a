import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CmtSchemaError, cmtSchemaToSpec, fetchXmlToODataFilter, parseCmtSchema } from '../../src/cmt/index.js';
import type { CmtField } from '../../src/cmt/index.js';
import { validateSpec } from '../../src/spec/index.js';

const samplePath = new URL('../fixtures/cmt-small/data_schema.xml', import.meta.url);
const sample = readFileSync(samplePath, 'utf8');
const options = { source: 'https://contoso.crm.dynamics.com', target: 'http://127.0.0.1:5555', name: 'cmt-small' };

function errorOf(fn: () => unknown): CmtSchemaError {
    try {
        fn();
    } catch (error) {
        if (error instanceof CmtSchemaError) return error;
        throw error;
    }
    throw new Error('expected a CmtSchemaError');
}

describe('cmtSchemaToSpec on cmt-small', () => {
    const { spec, notes } = cmtSchemaToSpec(sample, options);
    const entities = parseCmtSchema(sample);

    it('produces a valid spec', () => {
        const result = validateSpec(spec);
        expect(result.ok ? [] : result.problems).toEqual([]);
        expect(spec.source).toEqual({ url: 'https://contoso.crm.dynamics.com' });
        expect(spec.onUnresolvedLookup).toBe('clear');
    });

    it('has every entity, and every field either migrated or explained in a note', () => {
        // Entity and field names straight from the XML text, independent of the parser.
        const entityNames = [...sample.matchAll(/<entity name="([^"]+)"/g)].map((m) => m[1]);
        expect(spec.tables.map((t) => t.name)).toEqual(entityNames);
        expect(entityNames).toHaveLength(4);
        for (const entity of entities) {
            const table = spec.tables.find((t) => t.name === entity.name)!;
            for (const field of entity.fields) {
                const migrated = table.columns?.includes(field.name) ?? false;
                const explained = notes.some(
                    (n) => n.startsWith(`${entity.name}:`) && new RegExp(`\\b${field.name}\\b`).test(n),
                );
                expect(migrated || explained, `${entity.name}.${field.name}`).toBe(true);
                const droppedIn = notes.find(
                    (n) =>
                        n.startsWith(`${entity.name}: not migrated (`) &&
                        n.split('): ').pop()!.split(', ').includes(field.name),
                );
                if (droppedIn) expect(migrated, `${entity.name}.${field.name} dropped and migrated`).toBe(false);
            }
        }
    });

    it('keeps data columns and drops system-maintained ones with a reason', () => {
        const nature = spec.tables.find((t) => t.name === 'fdn_insuranceproductnature')!;
        expect(nature.columns).toEqual(
            expect.arrayContaining([
                'fdn_amount',
                'fdn_customer',
                'fdn_parentinsuranceproductnatureid',
                'statecode',
                'statuscode',
                'createdon',
                'transactioncurrencyid',
            ]),
        );
        expect(nature.columns).not.toContain('fdn_amount_base');
        expect(nature.columns).not.toContain('versionnumber');
        expect(notes).toContainEqual(
            expect.stringMatching(
                /^fdn_insuranceproductnature: not migrated \(system-maintained: set by the platform on every write\): createdby, createdonbehalfby, modifiedby, modifiedonbehalfby, modifiedon$/,
            ),
        );
        expect(notes).toContainEqual(
            'fdn_insuranceproductnature: not migrated (base-currency amount, computed by the platform): fdn_amount_base',
        );
        expect(notes).toContainEqual(
            'fdn_insuranceproductnature: not migrated (createdon is copied into overriddencreatedon): overriddencreatedon',
        );
    });

    it('carries the many-to-many relationship', () => {
        const m2m = [...sample.matchAll(/<relationship name="([^"]+)" manyToMany="true"/g)].map((m) => m[1]);
        expect(m2m.length).toBeGreaterThan(0);
        expect(spec.manyToMany).toEqual(m2m);
    });

    it('gives reference rules to system tables and notes lookups to tables outside the schema', () => {
        expect(spec.references).toEqual({
            systemuser: { matchOn: ['azureactivedirectoryobjectid', 'domainname', 'internalemailaddress', 'fullname'] },
            team: { matchOn: ['name'] },
            transactioncurrency: { matchOn: ['isocurrencycode'] },
        });
        expect(notes).toContainEqual(
            "fdn_insuranceproductnature.fdn_customer points to account and contact, not in the schema: such values are cleared (onUnresolvedLookup 'clear'); add those tables or a references rule to keep them",
        );
        expect(notes).toContainEqual(expect.stringContaining('references.fallbackOwner'));
        expect(notes).toContainEqual(
            expect.stringMatching(
                /^lookups to transactioncurrency \(fdn_insuranceproductnature\.transactioncurrencyid\) are matched in the target by isocurrencycode$/,
            ),
        );
    });
});

describe('cmtSchemaToSpec details', () => {
    const schema = (entityBody: string, attrs = 'name="account" primaryidfield="accountid"') =>
        `<?xml version="1.0"?>\n<entities>\n  <entity ${attrs}>\n${entityBody}\n  </entity>\n</entities>\n`;

    it('carries a simple FetchXML filter and notes one it cannot', () => {
        const fields = `<fields><field name="accountid" type="guid" primaryKey="true" /><field name="name" type="string" /><field name="statecode" type="state" /></fields>`;
        const simple = schema(
            `${fields}<filter>&lt;fetch&gt;&lt;entity name="account"&gt;&lt;filter&gt;&lt;condition attribute="statecode" operator="eq" value="0" /&gt;&lt;/filter&gt;&lt;/entity&gt;&lt;/fetch&gt;</filter>`,
        );
        const carried = cmtSchemaToSpec(simple, options);
        expect(carried.spec.tables[0]!.filter).toBe('statecode eq 0');
        const linked = schema(
            `${fields}<filter>&lt;fetch&gt;&lt;entity name="account"&gt;&lt;link-entity name="contact" from="contactid" to="primarycontactid" /&gt;&lt;/entity&gt;&lt;/fetch&gt;</filter>`,
        );
        const notCarried = cmtSchemaToSpec(linked, options);
        expect(notCarried.spec.tables[0]!.filter).toBeUndefined();
        expect(notCarried.notes).toContainEqual(
            expect.stringContaining('export filter was NOT carried over (link-entity conditions)'),
        );
    });

    it('turns disableplugins into a bypass and leaves out a relationship to a table outside the schema', () => {
        const xml = schema(
            `<fields><field name="name" type="string" /></fields><relationships><relationship name="accountleads_association" manyToMany="true" m2mTargetEntity="lead" /></relationships>`,
            'name="account" disableplugins="true"',
        );
        const { spec, notes } = cmtSchemaToSpec(xml, options);
        expect(spec.tables[0]!.bypass).toEqual({ businessLogic: ['CustomSync', 'CustomAsync'] });
        expect(spec.manyToMany).toBeUndefined();
        expect(notes).toContainEqual(
            expect.stringMatching(/^many-to-many accountleads_association \(line 4\) joins account and lead/),
        );
    });

    it("keeps users' security roles, both sides matched, as a spec with no copied table", () => {
        const xml = schema(
            `<fields><field name="domainname" type="string" /></fields><relationships><relationship name="systemuserroles" manyToMany="true" relatedEntityName="systemuserroles" m2mTargetEntity="role" m2mTargetEntityPrimaryKey="roleid" /></relationships>`,
            'name="systemuser" primaryidfield="systemuserid"',
        );
        const { spec, notes } = cmtSchemaToSpec(xml, options);
        expect(validateSpec(spec).ok).toBe(true);
        expect(spec.tables).toEqual([]);
        expect(spec.manyToMany).toEqual(['systemuserroles']);
        expect(Object.keys(spec.references ?? {})).toEqual(['role', 'systemuser']);
        expect(notes).toContainEqual(
            'many-to-many systemuserroles (line 4): its role rows are matched in the target by name within the matched business unit; pairs whose role has no match are skipped',
        );
    });

    it('refuses a schema of matched tables with no relationship between them: nothing to migrate', () => {
        const xml = schema(`<fields><field name="domainname" type="string" /></fields>`, 'name="systemuser"');
        expect(errorOf(() => cmtSchemaToSpec(xml, options)).problems).toEqual([
            'the schema lists only systemuser, whose rows every environment has (matched, not copied), and no many-to-many relationship between them: there is nothing to migrate',
        ]);
    });

    it('names the line of malformed XML', () => {
        const error = errorOf(() => cmtSchemaToSpec('<entities>\n  <entity name="a">\n</entities>', options));
        expect(error.problems[0]).toMatch(/^line 3, column \d+: /);
    });

    it('names the element and line of structural problems, all at once', () => {
        const xml =
            '<entities>\n  <entity>\n  </entity>\n  <entity name="b">\n    <fields>\n      <field type="string" />\n      <field name="Bad Name" type="string" />\n    </fields>\n  </entity>\n</entities>';
        const error = errorOf(() => cmtSchemaToSpec(xml, options));
        expect(error.problems).toEqual([
            'line 2: <entity> has no name attribute',
            "line 6: <field> of entity 'b' has no name attribute",
            'line 7: <field name="Bad Name"> is not a Dataverse logical name',
        ]);
        expect(error.message).toContain('data_schema.xml is not a usable Configuration Migration Tool schema');
    });

    it('rejects another root element', () => {
        expect(errorOf(() => cmtSchemaToSpec('<data><x/></data>', options)).problems).toEqual([
            'line 1: expected the root element <entities>, found <data>',
        ]);
    });
});

describe('fetchXmlToODataFilter', () => {
    const f = (name: string, type: string): CmtField => ({ name, type, lookupTypes: [], primaryKey: false, line: 1 });
    const fields = [
        f('name', 'string'),
        f('statecode', 'state'),
        f('revenue', 'money'),
        f('parentaccountid', 'entityreference'),
        f('donotemail', 'bool'),
    ];
    const wrap = (inner: string) => `<fetch><entity name="account">${inner}</entity></fetch>`;

    it('translates nested and/or filters, like, in, null and lookups', () => {
        const result = fetchXmlToODataFilter(
            wrap(
                `<filter type="and"><condition attribute="statecode" operator="eq" value="0" />` +
                    `<filter type="or"><condition attribute="name" operator="like" value="Con%" /><condition attribute="name" operator="like" value="%o'k%" /></filter>` +
                    `<condition attribute="parentaccountid" operator="eq" value="{A1B2C3D4-0000-0000-0000-000000000001}" />` +
                    `<condition attribute="revenue" operator="in"><value>1</value><value>2</value></condition>` +
                    `<condition attribute="donotemail" operator="not-null" /></filter>`,
            ),
            fields,
        );
        expect(result).toEqual({
            ok: true,
            filter: "statecode eq 0 and _parentaccountid_value eq a1b2c3d4-0000-0000-0000-000000000001 and (revenue eq 1 or revenue eq 2) and donotemail ne null and (startswith(name,'Con') or contains(name,'o''k'))",
        });
    });

    it('refuses what has no simple equivalent', () => {
        expect(
            fetchXmlToODataFilter(
                wrap('<filter><condition attribute="createdon" operator="last-x-days" value="3" /></filter>'),
                [f('createdon', 'datetime')],
            ),
        ).toEqual({
            ok: false,
            reason: "operator 'last-x-days' (on createdon) has no simple OData equivalent",
        });
        expect(
            fetchXmlToODataFilter(
                wrap('<filter><condition attribute="nope" operator="eq" value="1" /></filter>'),
                fields,
            ),
        ).toMatchObject({ ok: false });
        expect(
            fetchXmlToODataFilter(
                wrap('<filter><condition attribute="revenue" operator="eq" value="x" /></filter>'),
                fields,
            ),
        ).toMatchObject({ ok: false });
        expect(fetchXmlToODataFilter('<fetch', fields)).toMatchObject({ ok: false });
    });
});
