/**
 * Quirks of the CMT exports Microsoft's own tool wrote, each in a small file as the export carries it and named
 * with the package it was found in (test/fixtures/cmt-corpus): the file loads, as a schema, with its data and as an
 * empty target, and the target accepts what the source holds.
 */
import { describe, expect, it } from 'vitest';

// Dates without a zone are UTC whatever the machine's zone: run this file in one that is not UTC.
process.env.TZ = 'America/New_York';
import { checkIntegrity, cmtDataFromText, cmtSchemaFromText, emptyCounterpart, startSimulator } from '../src/index.js';

const ACCOUNT = 'aaaaaaaa-0000-4000-8000-00000000000a';
const LEAD = '1eadeeee-0000-4000-8000-000000000001';
const TASK = '7a5c0000-0000-4000-8000-000000000001';

/** A schema of the given entities; warnings collected. */
function schemaOf(entities: string) {
    const warnings: string[] = [];
    const schema = cmtSchemaFromText(`<entities>${entities}</entities>`, 'quirk_schema.xml', (w) => warnings.push(w));
    return { schema, warnings };
}

const ACCOUNT_WITH_LEADS = `
  <entity name="account" displayname="Account" etc="1" primaryidfield="accountid" primarynamefield="name">
    <fields>
      <field displayname="Account" name="accountid" type="guid" primaryKey="true" />
      <field displayname="Account Name" name="name" type="string" />
      <field displayname="Address 1: ID" name="address1_addressid" type="guid" primaryKey="true" />
    </fields>
    <relationships>
      <relationship name="accountleads" manyToMany="true" isreflexive="false" relatedEntityName="accountleads" m2mTargetEntity="lead" m2mTargetEntityPrimaryKey="accountid" />
    </relationships>
  </entity>`;

describe("m2mTargetEntityPrimaryKey naming the exporting side's own key (accountleads, Nonprofit and Education accelerators)", () => {
    it('reads accountleads as the documented accountleads_association (accountid, leadid), without a warning', () => {
        const { schema, warnings } = schemaOf(ACCOUNT_WITH_LEADS);
        const rel = schema.manyToMany.find((m) => m.intersectEntityName === 'accountleads');
        expect(rel).toMatchObject({
            schemaName: 'accountleads_association',
            entity1LogicalName: 'account',
            entity1IntersectAttribute: 'accountid',
            entity2LogicalName: 'lead',
            entity2IntersectAttribute: 'leadid',
        });
        const intersect = schema.tables.find((t) => t.logicalName === 'accountleads')!;
        expect(intersect.entitySetName).toBe('accountleadscollection');
        expect(warnings).toEqual([]);
    });

    it("gives a custom relationship written so the other table's key, with one warning", () => {
        const { schema, warnings } = schemaOf(`
  <entity name="new_project" displayname="Project" etc="10001" primaryidfield="new_projectid" primarynamefield="new_name">
    <fields><field name="new_projectid" type="guid" primaryKey="true" /><field name="new_name" type="string" /></fields>
    <relationships>
      <relationship name="new_project_contact" manyToMany="true" relatedEntityName="new_project_contact" m2mTargetEntity="contact" m2mTargetEntityPrimaryKey="new_projectid" />
    </relationships>
  </entity>`);
        expect(schema.manyToMany.find((m) => m.schemaName === 'new_project_contact')).toMatchObject({
            entity1IntersectAttribute: 'new_projectid',
            entity2IntersectAttribute: 'contactid',
        });
        expect(warnings).toEqual([
            "quirk_schema.xml: entities/entity[0] (new_project)/relationships/relationship[0]: m2mTargetEntityPrimaryKey 'new_projectid' is new_project's own key, not contact's; the intersect column of contact is 'contactid'",
        ]);
    });

    it('loads the pairs the data names by the intersect table, whose targetentitynameidfield repeats the quirk', () => {
        const { schema } = schemaOf(ACCOUNT_WITH_LEADS);
        const data = cmtDataFromText(
            schema,
            `<entities timestamp="3/25/2019 4:24:05 PM"><entity name="account"><records><record id="${ACCOUNT}"><field name="name" value="Contoso" /></record></records>
              <m2mrelationships><m2mrelationship sourceid="${ACCOUNT}" targetentityname="lead" targetentitynameidfield="accountid" m2mrelationshipname="accountleads"><targetids><targetid>${LEAD}</targetid></targetids></m2mrelationship></m2mrelationships>
            </entity></entities>`,
            'quirk_data.xml',
            () => undefined,
        );
        expect(data.associations.accountleads_association).toEqual([[ACCOUNT, LEAD]]);
        expect(checkIntegrity(data)).toEqual([]);
        expect(checkIntegrity(emptyCounterpart(data, { seed: 1 }))).toEqual([]);
    });
});

describe('intersect tables shared by several relationships (campaignitem, Nonprofit accelerator; listmember)', () => {
    it('tells the relationship by the other table, in the schema and in the data', () => {
        const { schema } = schemaOf(`
  <entity name="campaign" displayname="Campaign" etc="4400" primaryidfield="campaignid" primarynamefield="name">
    <fields><field name="campaignid" type="guid" primaryKey="true" /><field name="name" type="string" /></fields>
    <relationships>
      <relationship name="campaignitem" manyToMany="true" isreflexive="false" relatedEntityName="campaignitem" m2mTargetEntity="salesliterature" m2mTargetEntityPrimaryKey="entityid" />
    </relationships>
  </entity>`);
        expect(schema.manyToMany.find((m) => m.intersectEntityName === 'campaignitem')).toMatchObject({
            schemaName: 'campaignsalesliterature_association',
            entity1IntersectAttribute: 'campaignid',
            entity2LogicalName: 'salesliterature',
            entity2IntersectAttribute: 'entityid',
        });
        const campaign = 'ca000000-0000-4000-8000-000000000001';
        const list = '11570000-0000-4000-8000-000000000001';
        const data = cmtDataFromText(
            schema,
            `<entities><entity name="campaign"><records><record id="${campaign}"><field name="name" value="Spring" /></record></records>
              <m2mrelationships><m2mrelationship sourceid="${campaign}" targetentityname="list" targetentitynameidfield="entityid" m2mrelationshipname="campaignitem"><targetids><targetid>${list}</targetid></targetids></m2mrelationship></m2mrelationships>
            </entity></entities>`,
            'quirk_data.xml',
            () => undefined,
        );
        // The data's campaignitem pair to a list is the other relationship of the intersect, added from the data.
        expect(data.associations.campaignlist_association).toEqual([[campaign, list]]);
        expect(data.associations.campaignsalesliterature_association).toEqual([]);
        expect(checkIntegrity(data)).toEqual([]);
    });
});

describe('address ids marked primaryKey (account, contact and lead in the accelerators and the banking portal)', () => {
    it('are ordinary guid columns: the table keeps its key, no warning', () => {
        const { schema, warnings } = schemaOf(ACCOUNT_WITH_LEADS);
        const account = schema.tables.find((t) => t.logicalName === 'account')!;
        expect(account.primaryIdAttribute).toBe('accountid');
        const address = account.attributes.find((a) => a.logicalName === 'address1_addressid')!;
        expect(address).toMatchObject({ type: 'Uniqueidentifier' });
        expect(address.isPrimaryId).toBeUndefined();
        expect(address.validForUpdate).toBeUndefined();
        expect(warnings).toEqual([]);
    });

    it('are ordinary columns of a custom table too', () => {
        const { schema } = schemaOf(`
  <entity name="new_site" displayname="Site" etc="10002" primaryidfield="new_siteid" primarynamefield="new_name">
    <fields>
      <field name="new_name" type="string" />
      <field name="address1_addressid" type="guid" primaryKey="true" />
      <field name="new_siteid" type="guid" primaryKey="true" />
    </fields>
  </entity>`);
        const site = schema.tables.find((t) => t.logicalName === 'new_site')!;
        expect(site.attributes.filter((a) => a.isPrimaryId).map((a) => a.logicalName)).toEqual(['new_siteid']);
    });
});

describe('dates and the timestamp in the en-US culture with a 12-hour clock (older CMT, Nonprofit accelerator)', () => {
    it('reads them as UTC, 12 AM as midnight and 12 PM as noon', () => {
        const { schema } = schemaOf(`
  <entity name="new_event" displayname="Event" etc="10003" primaryidfield="new_eventid" primarynamefield="new_name">
    <fields>
      <field name="new_eventid" type="guid" primaryKey="true" /><field name="new_name" type="string" />
      <field name="new_start" type="datetime" /><field name="new_end" type="datetime" /><field name="new_noon" type="datetime" />
    </fields>
  </entity>`);
        const id = 'e0000000-0000-4000-8000-000000000001';
        const warnings: string[] = [];
        const data = cmtDataFromText(
            schema,
            `<entities timestamp="1/8/2019 2:33:16 PM"><entity name="new_event"><records><record id="${id}">
               <field name="new_name" value="Gala" /><field name="new_start" value="1/29/2014 5:00:00 AM" />
               <field name="new_end" value="11/30/2018 12:15:00 AM" /><field name="new_noon" value="6/15/2019 12:00:00 PM" />
             </record></records></entity></entities>`,
            'quirk_data.xml',
            (w) => warnings.push(w),
        );
        expect(warnings).toEqual([]);
        expect(data.rows.new_event?.[0]).toMatchObject({
            new_start: '2014-01-29T05:00:00Z',
            new_end: '2018-11-30T00:15:00Z',
            new_noon: '2019-06-15T12:00:00Z',
            createdon: '2019-01-08T14:33:16Z',
        });
    });
});

describe('multiple lines of text written as type "string" (Field Service summary configuration, portal web templates)', () => {
    it('makes the column a multi-line text column that holds the value, so the target accepts it', async () => {
        const { schema } = schemaOf(`
  <entity name="new_config" displayname="Config" etc="10004" primaryidfield="new_configid" primarynamefield="new_name">
    <fields>
      <field name="new_configid" type="guid" primaryKey="true" /><field name="new_name" type="string" />
      <field name="new_json" type="string" customfield="true" />
    </fields>
  </entity>`);
        const id = 'c0000000-0000-4000-8000-000000000001';
        const long = 'x'.repeat(15_443);
        const data = cmtDataFromText(
            schema,
            `<entities><entity name="new_config"><records><record id="${id}"><field name="new_name" value="Work Order" /><field name="new_json" value="${long}" /></record></records></entity></entities>`,
            'quirk_data.xml',
            () => undefined,
        );
        const column = data.schema.tables
            .find((t) => t.logicalName === 'new_config')!
            .attributes.find((a) => a.logicalName === 'new_json');
        expect(column).toMatchObject({ type: 'Memo', maxLength: 1048576 });
        const target = await startSimulator({ dataset: emptyCounterpart(data, { seed: 1 }) });
        try {
            const res = await fetch(`${target.url}/api/data/v9.2/new_configs`, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ new_configid: id, new_name: 'Work Order', new_json: long }),
            });
            expect(res.status).toBe(204);
        } finally {
            await target.close();
        }
    });
});

describe('status reasons of task (Education accelerator sample data: an open task "Not Started", 2)', () => {
    it('has the documented states and status reasons, so the target accepts an open task with status reason 2', async () => {
        const { schema } = schemaOf(`
  <entity name="task" displayname="Task" etc="4212" primaryidfield="activityid" primarynamefield="subject">
    <fields>
      <field name="activityid" type="guid" primaryKey="true" /><field name="subject" type="string" />
      <field name="statecode" type="state" /><field name="statuscode" type="status" />
    </fields>
  </entity>`);
        const task = schema.tables.find((t) => t.logicalName === 'task')!;
        const status = task.attributes.find((a) => a.logicalName === 'statuscode')!;
        expect(status.options?.map((o) => [o.value, o.state])).toEqual([
            [2, 0],
            [3, 0],
            [4, 0],
            [5, 1],
            [6, 2],
            [7, 0],
        ]);
        const data = cmtDataFromText(
            schema,
            `<entities><entity name="task"><records><record id="${TASK}"><field name="subject" value="Call" /><field name="statecode" value="0" /><field name="statuscode" value="2" /></record></records></entity></entities>`,
            'quirk_data.xml',
            () => undefined,
        );
        const target = await startSimulator({ dataset: emptyCounterpart(data, { seed: 1 }) });
        try {
            const res = await fetch(`${target.url}/api/data/v9.2/tasks`, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ activityid: TASK, subject: 'Call', statuscode: 2 }),
            });
            expect(res.status, await res.text()).toBe(204);
            expect(target.dump('task')[0]).toMatchObject({ statecode: 0, statuscode: 2 });
        } finally {
            await target.close();
        }
    });
});
