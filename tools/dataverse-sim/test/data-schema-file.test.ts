import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
    checkIntegrity,
    deriveEntitySetName,
    generateDataset,
    loadSchemaFile,
    SchemaFileError,
} from '../src/data/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-schema-'));
const write = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
};
const problemsOf = (path: string): string[] => {
    try {
        loadSchemaFile(path);
    } catch (e) {
        if (e instanceof SchemaFileError) return e.problems;
        throw e;
    }
    throw new Error('expected a SchemaFileError');
};

const good = {
    tables: [
        {
            logicalName: 'new_project',
            primaryNameAttribute: 'new_name',
            changeTracking: true,
            attributes: [
                { logicalName: 'new_name', type: 'String', maxLength: 200 },
                { logicalName: 'new_budget', type: 'Money', precision: 2 },
                { logicalName: 'new_code', type: 'String', maxLength: 20 },
                { logicalName: 'new_parentprojectid', type: 'Lookup', targets: ['new_project'] },
                { logicalName: 'new_sponsorid', type: 'Lookup', targets: ['new_category'] },
                {
                    logicalName: 'new_phase',
                    type: 'Picklist',
                    options: [
                        { value: 1, label: 'Plan' },
                        { value: 2, label: 'Build' },
                    ],
                },
            ],
            keys: [{ logicalName: 'new_code_key', keyAttributes: ['new_code'] }],
        },
        {
            logicalName: 'new_category',
            primaryNameAttribute: 'new_name',
            ownershipType: 'OrganizationOwned',
            attributes: [],
        },
    ],
    manyToMany: [
        { schemaName: 'new_project_category', entity1LogicalName: 'new_project', entity2LogicalName: 'new_category' },
    ],
};

describe('JSON schema files', () => {
    it('loads a valid file, filling in entity sets, primary and standard columns, intersect and system tables', () => {
        const schema = loadSchemaFile(write('good.json', good));
        const project = schema.tables.find((t) => t.logicalName === 'new_project');
        expect(project).toMatchObject({
            entitySetName: 'new_projects',
            primaryIdAttribute: 'new_projectid',
            ownershipType: 'UserOwned',
            changeTracking: true,
        });
        const names = project?.attributes.map((a) => a.logicalName) ?? [];
        for (const n of ['new_projectid', 'createdon', 'ownerid', 'owningbusinessunit', 'statecode', 'statuscode'])
            expect(names).toContain(n);
        expect(schema.tables.find((t) => t.logicalName === 'new_category')?.entitySetName).toBe('new_categories');
        expect(schema.tables.find((t) => t.logicalName === 'new_project_category')?.isIntersect).toBe(true);
        expect(schema.manyToMany[0]).toMatchObject({
            entity1IntersectAttribute: 'new_projectid',
            entity2IntersectAttribute: 'new_categoryid',
        });
        for (const n of ['systemuser', 'team', 'businessunit', 'transactioncurrency', 'organization'])
            expect(schema.tables.some((t) => t.logicalName === n)).toBe(true);
        // And the generator works on it.
        const data = generateDataset(schema, { rows: 300, seed: 'x' });
        expect(checkIntegrity(data)).toEqual([]);
        const codes = (data.rows.new_project ?? []).map((r) => r.new_code);
        expect(new Set(codes).size).toBe(codes.length);
        expect((data.rows.new_project ?? []).some((r) => r.new_parentprojectid !== null)).toBe(true);
    });

    it('reports every problem with its path', () => {
        const bad = structuredClone(good) as unknown as {
            tables: Array<Record<string, unknown>>;
            manyToMany: unknown[];
        };
        const attrs = bad.tables[0]!.attributes as Array<Record<string, unknown>>;
        attrs[0]!.maxLength = -1; // not positive
        attrs[1]!.type = 'Currency'; // unknown type
        attrs[4]!.targets = ['new_nosuchtable']; // unknown target
        attrs[5]!.options = []; // a picklist without options
        bad.tables[1]!.ownershipType = 'Personal';
        bad.tables[1]!.colour = 'red';
        const problems = problemsOf(write('bad.json', bad));
        expect(problems).toEqual(
            expect.arrayContaining([
                expect.stringMatching(/^tables\[0\]\.attributes\[0\]\.maxLength: /),
                expect.stringMatching(/^tables\[0\]\.attributes\[1\]\.type: /),
                expect.stringMatching(/^tables\[0\]\.attributes\[5\]\.options: /),
                expect.stringMatching(/^tables\[1\]\.ownershipType: /),
                expect.stringMatching(/^tables\[1\]: .*colour/),
            ]),
        );
        expect(problems).toHaveLength(5);
        // Reference problems are found once the structure is valid.
        const badRefs = structuredClone(good);
        badRefs.tables[0]!.attributes[4]!.targets = ['new_nosuchtable'];
        badRefs.tables[0]!.keys = [{ logicalName: 'k', keyAttributes: ['new_missing'] }];
        badRefs.manyToMany[0]!.entity2LogicalName = 'new_other';
        expect(problemsOf(write('badrefs.json', badRefs))).toEqual([
            "tables[0] (new_project).keys[0].keyAttributes[0]: no attribute named 'new_missing'",
            "tables[0] (new_project).attributes[4] (new_sponsorid).targets[0]: unknown table 'new_nosuchtable'",
            "manyToMany[0] (new_project_category).entity2LogicalName: unknown table 'new_other'",
        ]);
    });

    it('reports broken JSON and unknown XML', () => {
        expect(problemsOf(write('broken.json', '{"tables": ['))[0]).toMatch(/^\(root\): not valid JSON/);
        expect(problemsOf(write('other.xml', '<root/>'))[0]).toMatch(/not a CMT data_schema.xml/);
        expect(problemsOf(write('empty.json', {}))).toEqual([expect.stringMatching(/^tables: /)]);
    });

    it('models CMT fields it cannot type as string columns, each with one warning naming its path', () => {
        const xml = `<entities><entity name="new_x" primaryidfield="new_xid" primarynamefield="new_name"><fields>
            <field name="new_xid" type="guid" primaryKey="true" />
            <field name="new_a" type="weird" />
            <field name="new_b" type="entityreference" />
        </fields></entity></entities>`;
        const warnings: string[] = [];
        const file = write('guessed_schema.xml', xml);
        const table = loadSchemaFile(file, (w) => warnings.push(w)).tables.find((t) => t.logicalName === 'new_x');
        expect(warnings).toEqual([
            `${file}: entities/entity[0] (new_x)/fields/field[1] (new_a): CMT field type 'weird' is not a Dataverse type; modeled as a string column`,
            `${file}: entities/entity[0] (new_x)/fields/field[2] (new_b): entityreference without lookupType; modeled as a string column`,
        ]);
        expect(table?.attributes.filter((a) => ['new_a', 'new_b'].includes(a.logicalName)).map((a) => a.type)).toEqual([
            'String',
            'String',
        ]);
        // A file that is not a CMT schema at all is still refused, with where it broke.
        expect(
            problemsOf(write('broken_schema.xml', '<entities><entity name="x"><fields></entity></entities>'))[0],
        ).toMatch(/^line 1, column \d+: /);
    });
});

describe('deriveEntitySetName', () => {
    it('pluralizes as the service does', () => {
        expect(
            ['account', 'opportunity', 'new_box', 'new_day', 'fdn_insurancecategory', 'new_match'].map((n) =>
                deriveEntitySetName(n),
            ),
        ).toEqual(['accounts', 'opportunities', 'new_boxes', 'new_days', 'fdn_insurancecategories', 'new_matches']);
        expect(deriveEntitySetName('accountleads', true)).toBe('accountleadscollection');
        expect(deriveEntitySetName('teammembership', true)).toBe('teammemberships');
        expect(deriveEntitySetName('new_project_contact', true)).toBe('new_project_contactset');
    });
});
