/**
 * `import-cmt` on the quirks of schemas Microsoft's own tool and samples wrote, each in a small file as the export
 * carries it and named with the package it was found in (test/fixtures/cmt-corpus).
 */
import { describe, expect, it } from 'vitest';
import { cmtSchemaToSpec, fetchXmlToODataFilter, parseCmtSchema } from '../../src/cmt/index.js';
import { validateSpec } from '../../src/spec/index.js';

const options = { source: 'https://contoso.crm.dynamics.com', target: 'https://fabrikam.crm.dynamics.com', name: 'q' };
const spec = (entities: string) => cmtSchemaToSpec(`<entities>${entities}</entities>`, options);

describe('names in mixed case (Omnichannel workstream and work assignment sample schemas)', () => {
    const xml = `
  <entity name="msdyn_liveworkstream" displayname="Work Stream" etc="10720" primaryidfield="msdyn_liveworkstreamid" primarynamefield="msdyn_name">
    <fields>
      <field displayname="Work Stream" name="msdyn_liveworkstreamid" type="guid" primaryKey="true" />
      <field displayname="Name" name="msdyn_name" type="string" customfield="true" />
      <field displayname="Screen pop timeout" name="msdyn_screenpoptimeout_optionSet" type="optionsetvalue" customfield="true" />
    </fields>
  </entity>`;

    it('reads a field as its lowercase logical name, saying so in a note', () => {
        const { spec: s, notes } = spec(xml);
        expect(validateSpec(s).ok).toBe(true);
        expect(s.tables[0]!.columns).toEqual(['msdyn_name', 'msdyn_screenpoptimeout_optionset']);
        expect(notes).toContain(
            "msdyn_liveworkstream: field 'msdyn_screenpoptimeout_optionSet' (line 6) is read as 'msdyn_screenpoptimeout_optionset': Dataverse logical names are lowercase",
        );
    });

    it('reads an entity name likewise, and still refuses a name that is no logical name in any case', () => {
        const { spec: s, notes } = spec(xml.replace('name="msdyn_liveworkstream"', 'name="msdyn_LiveWorkStream"'));
        expect(s.tables.map((t) => t.name)).toEqual(['msdyn_liveworkstream']);
        expect(notes).toContain(
            "msdyn_liveworkstream (line 2): the file spells it 'msdyn_LiveWorkStream'; Dataverse logical names are lowercase",
        );
        expect(() => spec(xml.replace('msdyn_screenpoptimeout_optionSet', 'Screen Pop'))).toThrow(
            /<field name="Screen Pop"> is not a Dataverse logical name/,
        );
    });
});

describe('address ids marked primaryKey (account, contact and lead of the Nonprofit, Education and banking packages)', () => {
    it('carries them as columns; only the primaryidfield is the row id', () => {
        const { spec: s, notes } = spec(`
  <entity name="account" displayname="Account" etc="1" primaryidfield="accountid" primarynamefield="name">
    <fields>
      <field displayname="Address 1: ID" name="address1_addressid" type="guid" primaryKey="true" />
      <field displayname="Account" name="accountid" type="guid" primaryKey="true" />
      <field displayname="Account Name" name="name" type="string" />
    </fields>
  </entity>`);
        expect(s.tables[0]!.columns).toEqual(['address1_addressid', 'name']);
        expect(notes.filter((n) => n.includes('carried as the row id'))).toEqual([
            'account: primary key accountid is carried as the row id (preserved in the target)',
        ]);
    });

    it('takes <entity>id as the row id when the entity has no primaryidfield', () => {
        const xml = `<entities><entity name="new_site"><fields>
            <field name="address1_addressid" type="guid" primaryKey="true" />
            <field name="new_siteid" type="guid" primaryKey="true" />
            <field name="new_name" type="string" /></fields></entity></entities>`;
        expect(parseCmtSchema(xml)[0]!.primaryIdField).toBeUndefined();
        expect(cmtSchemaToSpec(xml, options).spec.tables[0]!.columns).toEqual(['address1_addressid', 'new_name']);
    });
});

describe('a bare <filter> as the export filter (Customer Service analytics ALM sample schema)', () => {
    it('is the filter of the entity itself', () => {
        const fields = ['msdyn_displayname', 'msdyn_datainsightsandanalyticsfeatureid'].map((name, i) => ({
            name,
            type: i === 0 ? 'string' : 'entityreference',
            lookupTypes: i === 0 ? [] : ['msdyn_datainsightsandanalyticsfeature'],
            primaryKey: false,
            line: 1,
        }));
        const filter = `<filter type = 'and'>
          <condition attribute = 'msdyn_datainsightsandanalyticsfeatureid' operator = 'eq' value = 'f2266eb4-226f-4cf1-b422-89c5f48b40cb'/>
          <condition attribute = 'msdyn_displayname' operator = 'eq' value = 'Sample Report'/>
        </filter>`;
        expect(fetchXmlToODataFilter(filter, fields)).toEqual({
            ok: true,
            filter: "_msdyn_datainsightsandanalyticsfeatureid_value eq f2266eb4-226f-4cf1-b422-89c5f48b40cb and msdyn_displayname eq 'Sample Report'",
        });
        expect(fetchXmlToODataFilter('<condition attribute="msdyn_displayname" operator="null" />', fields)).toEqual({
            ok: false,
            reason: 'no <fetch> element',
        });
    });
});

describe('intersect tables of several relationships (campaignitem of the Nonprofit accelerator, listmember)', () => {
    it('names the relationship by the other table', () => {
        const entity = (name: string, relationships = '') =>
            `<entity name="${name}" primaryidfield="${name}id"><fields><field name="${name}id" type="guid" primaryKey="true" /><field name="name" type="string" /></fields><relationships>${relationships}</relationships></entity>`;
        const { spec: s, notes } = spec(
            entity(
                'campaign',
                '<relationship name="campaignitem" manyToMany="true" isreflexive="false" relatedEntityName="campaignitem" m2mTargetEntity="salesliterature" m2mTargetEntityPrimaryKey="entityid" />',
            ) +
                entity('salesliterature') +
                entity(
                    'list',
                    '<relationship name="listmember" manyToMany="true" relatedEntityName="listmember" m2mTargetEntity="contact" m2mTargetEntityPrimaryKey="entityid" />',
                ) +
                entity('contact'),
        );
        expect(s.manyToMany).toEqual(['campaignsalesliterature_association', 'listcontact_association']);
        expect(notes).toContain(
            'many-to-many campaignitem (line 1) names an intersect table of several relationships; between campaign and salesliterature it is campaignsalesliterature_association',
        );
    });

    it('keeps any other relationship by the name the file gives, whatever its m2mTargetEntityPrimaryKey', () => {
        const { spec: s } = spec(
            `<entity name="account" primaryidfield="accountid"><fields><field name="accountid" type="guid" primaryKey="true" /><field name="name" type="string" /></fields>
             <relationships><relationship name="accountleads" manyToMany="true" isreflexive="false" relatedEntityName="accountleads" m2mTargetEntity="lead" m2mTargetEntityPrimaryKey="accountid" /></relationships></entity>
             <entity name="lead" primaryidfield="leadid"><fields><field name="leadid" type="guid" primaryKey="true" /><field name="subject" type="string" /></fields></entity>`,
        );
        expect(s.manyToMany).toEqual(['accountleads']);
    });
});
