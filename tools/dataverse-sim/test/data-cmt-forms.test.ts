/**
 * The value forms of CMT data files that the corpus's real exports do not all carry, in a small file written in
 * CMT's format (party lists as `activitypointerrecords` as CMT writes them): booleans as True/False and 1/0, dates
 * with and without a zone, decimals and money with their scale, multi-select choices, party lists, images as
 * base64, lookups and many-to-many rows to rows the file lacks, a many-to-many relationship the schema lacks, and
 * values that cannot be loaded (reported with their record id and field, the rest loaded).
 */
import { describe, expect, it } from 'vitest';

// Dates without a zone are UTC whatever the machine's zone: run this file in one that is not UTC.
process.env.TZ = 'America/New_York';
import { checkIntegrity, cmtDataFromText, cmtSchemaFromText, startSimulator } from '../src/index.js';

const SCHEMA = `<?xml version="1.0" encoding="utf-8"?>
<entities>
  <entity name="email" displayname="Email" etc="4202" primaryidfield="activityid" primarynamefield="subject">
    <fields>
      <field displayname="Email" name="activityid" type="guid" primaryKey="true" />
      <field displayname="Subject" name="subject" type="string" />
      <field displayname="To" name="to" type="partylist" />
      <field displayname="From" name="from" type="partylist" />
      <field displayname="Regarding" name="regardingobjectid" type="entityreference" lookupType="account|contact" />
    </fields>
  </entity>
  <entity name="new_item" displayname="Item" etc="10001" primaryidfield="new_itemid" primarynamefield="new_name">
    <fields>
      <field name="new_itemid" type="guid" primaryKey="true" />
      <field name="new_name" type="string" customfield="true" />
      <field name="new_active" type="bool" customfield="true" />
      <field name="new_flag" type="bool" customfield="true" />
      <field name="new_due" type="datetime" customfield="true" />
      <field name="new_local" type="datetime" customfield="true" />
      <field name="new_price" type="money" customfield="true" />
      <field name="new_rate" type="decimal" customfield="true" />
      <field name="new_count" type="integer" customfield="true" />
      <field name="new_tags" type="optionsetvaluecollection" customfield="true" />
      <field name="entityimage" type="imagedata" customfield="true" />
      <field name="new_accountid" type="entityreference" lookupType="account" customfield="true" />
    </fields>
    <relationships>
      <relationship name="new_item_contact" manyToMany="true" relatedEntityName="new_item_contact" m2mTargetEntity="contact" m2mTargetEntityPrimaryKey="contactid" />
    </relationships>
  </entity>
</entities>`;

const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const I1 = '11111111-1111-4111-8111-111111111111';
const I2 = '22222222-2222-4222-8222-222222222222';
const ACCOUNT = 'aaaaaaaa-0000-4000-8000-00000000000a';
const CONTACT = 'cccccccc-0000-4000-8000-00000000000c';
const USER = 'eeeeeeee-0000-4000-8000-00000000000e';
const MAIL = '33333333-3333-4333-8333-333333333333';

const DATA = `<entities timestamp="2024-03-01T10:00:00.1234567Z">
  <entity name="new_item" displayname="Item">
    <records>
      <record id="${I1.toUpperCase()}">
        <field name="new_name" value="Fish &amp;amp; Chips" />
        <field name="new_active" value="True" />
        <field name="new_flag" value="0" />
        <field name="new_due" value="2024-02-29T23:59:59.9990000Z" />
        <field name="new_local" value="2024-02-29T08:30:00" />
        <field name="new_price" value="4325.5000000000" />
        <field name="new_rate" value="0.1250000000" />
        <field name="new_count" value="12" />
        <field name="new_tags" value="[-1,100000000,100000002,-1]" />
        <field name="entityimage" value="${PIXEL}" />
        <field name="new_accountid" value="${ACCOUNT}" lookupentity="account" lookupentityname="Contoso Ltd" />
      </record>
      <record id="${I2}">
        <field name="new_name" value="Broken values" />
        <field name="new_active" value="yes" />
        <field name="new_due" value="next tuesday" />
        <field name="new_count" value="1.5" />
        <field name="entityimage" value="not*base64" />
        <field name="new_nosuch" value="x" />
        <field name="new_local" value="03/01/2024 14:05:00" />
      </record>
      <record id="not-a-guid"><field name="new_name" value="skipped" /></record>
    </records>
    <m2mrelationships>
      <m2mrelationship sourceid="${I1}" targetentityname="contact" targetentitynameidfield="contactid" m2mrelationshipname="new_item_contact">
        <targetids><targetid>${CONTACT}</targetid></targetids>
      </m2mrelationship>
      <m2mrelationship sourceid="${I2}" targetentityname="account" targetentitynameidfield="accountid" m2mrelationshipname="new_item_account">
        <targetids><targetid>${ACCOUNT}</targetid></targetids>
      </m2mrelationship>
    </m2mrelationships>
  </entity>
  <entity name="email" displayname="Email">
    <records>
      <record id="${MAIL}">
        <field name="subject" value="Hello" />
        <field name="regardingobjectid" value="${CONTACT}" lookupentity="contact" lookupentityname="Jane Doe" />
        <field name="to">
          <activitypointerrecords>
            <activitypointerrecord id="44444444-4444-4444-8444-444444444444">
              <field name="partyid" value="${CONTACT}" lookupentity="contact" lookupentityname="Jane Doe" />
              <field name="addressused" value="jane@example.com" />
            </activitypointerrecord>
          </activitypointerrecords>
        </field>
        <field name="from">
          <activitypointerrecords>
            <activitypointerrecord id="55555555-5555-4555-8555-555555555555">
              <field name="partyid" value="${USER}" lookupentity="systemuser" lookupentityname="Sam Sender" />
            </activitypointerrecord>
          </activitypointerrecords>
        </field>
      </record>
    </records>
  </entity>
</entities>`;

function load() {
    const warnings: string[] = [];
    const schema = cmtSchemaFromText(SCHEMA, 'forms_schema.xml', (w) => warnings.push(w));
    const data = cmtDataFromText(schema, DATA, 'forms_data.xml', (w) => warnings.push(w));
    return { data, warnings };
}

const row = (d: ReturnType<typeof load>['data'], table: string, id: string) => {
    const t = d.schema.tables.find((x) => x.logicalName === table)!;
    return (d.rows[table] ?? []).find((r) => r[t.primaryIdAttribute] === id);
};

describe('CMT data value forms', () => {
    it('reads booleans, dates with and without a zone, numbers with their scale, choices, images and lookups', () => {
        const { data } = load();
        expect(row(data, 'new_item', I1)).toMatchObject({
            new_name: 'Fish & Chips',
            new_active: true,
            new_flag: false,
            new_due: '2024-02-29T23:59:59Z',
            new_local: '2024-02-29T08:30:00Z',
            new_price: 4325.5,
            new_rate: 0.125,
            new_count: 12,
            new_tags: '100000000,100000002',
            entityimage: PIXEL,
            new_accountid: { id: ACCOUNT, table: 'account' },
        });
        // The invariant-culture date form, read as UTC.
        expect(row(data, 'new_item', I2)?.new_local).toBe('2024-03-01T14:05:00Z');
    });

    it('reports each value it cannot load with its record id and field, and loads the rest', () => {
        const { data, warnings } = load();
        const item = row(data, 'new_item', I2)!;
        expect(item.new_name).toBe('Broken values');
        for (const column of ['new_active', 'new_due', 'new_count', 'entityimage', 'new_nosuch'])
            expect(item[column] ?? null, column).toBeNull();
        const expected = [
            `forms_data.xml: new_item(${I2}).new_active: 'yes' is not a boolean (True/False or 1/0); not loaded`,
            `forms_data.xml: new_item(${I2}).new_due: 'next tuesday' is not a date; not loaded`,
            `forms_data.xml: new_item(${I2}).new_count: '1.5' is not an integer; not loaded`,
            `forms_data.xml: new_item(${I2}).entityimage: 'not*base64' is not base64 image content; not loaded`,
            `forms_data.xml: new_item(${I2}).new_nosuch: no such column in table 'new_item'; not loaded`,
            "forms_data.xml: entities/entity[0] (new_item)/records/record[2]: id 'not-a-guid' is not a GUID; the record is not loaded",
        ];
        for (const line of expected) expect(warnings).toContain(line);
        expect(data.rows.new_item).toHaveLength(2);
    });

    it('creates the rows that lookups, parties and many-to-many rows point to, so that integrity holds', () => {
        const { data, warnings } = load();
        expect(checkIntegrity(data)).toEqual([]);
        expect(row(data, 'account', ACCOUNT)?.name).toBe('Contoso Ltd');
        expect(row(data, 'contact', CONTACT)).toMatchObject({ firstname: 'Jane', lastname: 'Doe' });
        expect(row(data, 'systemuser', USER)?.fullname).toBe('Sam Sender');
        expect(data.associations.new_item_contact).toEqual([[I1, CONTACT]]);
        // A relationship the schema lacks is added from the data, with a warning.
        expect(data.schema.manyToMany.map((m) => m.schemaName)).toContain('new_item_account');
        expect(data.associations.new_item_account).toEqual([[I2, ACCOUNT]]);
        expect(warnings.some((w) => w.includes("many-to-many 'new_item_account'"))).toBe(true);
    });

    it('loads party lists as activityparty rows with their participation type', () => {
        const { data } = load();
        const parties = data.rows.activityparty ?? [];
        expect(parties.map((p) => [p.participationtypemask, p.partyid, p.activityid, p.addressused])).toEqual([
            [2, { id: CONTACT, table: 'contact' }, { id: MAIL, table: 'email' }, 'jane@example.com'],
            [1, { id: USER, table: 'systemuser' }, { id: MAIL, table: 'email' }, null],
        ]);
        const email = data.schema.tables.find((t) => t.logicalName === 'email')!;
        expect(email).toMatchObject({ primaryIdAttribute: 'activityid', isActivity: true });
        expect(email.attributes.find((a) => a.logicalName === 'to')).toMatchObject({ type: 'PartyList' });
    });

    it('serves images as base64 properties and party lists as metadata only, as the Web API does', async () => {
        const { data } = load();
        const sim = await startSimulator({ dataset: data });
        try {
            const api = `${sim.url}/api/data/v9.2/`;
            const item = (await (await fetch(`${api}new_items(${I1})?$select=entityimage,new_name`)).json()) as Record<
                string,
                unknown
            >;
            expect(item.entityimage).toBe(PIXEL);
            const image = (await (
                await fetch(`${api}EntityDefinitions(LogicalName='new_item')/Attributes(LogicalName='entityimage')`)
            ).json()) as Record<string, unknown>;
            expect(image).toMatchObject({ AttributeType: 'Virtual', AttributeTypeName: { Value: 'ImageType' } });
            const to = (await (
                await fetch(
                    `${api}EntityDefinitions(LogicalName='email')/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,Targets,AttributeType`,
                )
            ).json()) as { value: Array<Record<string, unknown>> };
            expect(to.value.find((a) => a.LogicalName === 'to')).toMatchObject({ AttributeType: 'PartyList' });
            // A party list has no property value: selecting it is the service's unknown-property error.
            expect((await fetch(`${api}emails?$select=to`)).status).toBe(400);
            const parties = (await (
                await fetch(`${api}activityparties?$filter=_activityid_value eq ${MAIL}`)
            ).json()) as {
                value: unknown[];
            };
            expect(parties.value).toHaveLength(2);
            // Writing an image takes base64 and refuses anything else.
            const bad = await fetch(`${api}new_items(${I2})`, {
                method: 'PATCH',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ entityimage: 'not base64!' }),
            });
            expect(bad.status).toBe(400);
        } finally {
            await sim.close();
        }
    });
});
