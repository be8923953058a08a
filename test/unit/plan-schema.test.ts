import { describe, expect, it } from 'vitest';
import type { ColumnDefinition, TableDefinition } from '../../src/dataverse/metadata-definitions.js';
import type { TableMetadata } from '../../src/dataverse/metadata-types.js';
import { buildPlan, renderPlan } from '../../src/plan/index.js';
import { planSchema, type SchemaInput } from '../../src/plan/schema-diff.js';
import { attr, crmTables, environment, options, spec, table } from './plan-fixture.js';

const custom = { isCustomAttribute: true };

/** The source's custom table: typed columns, choices (local, global, multi-select), a lookup to account and to itself. */
function project(): TableMetadata {
    const meta = table('new_project', {
        entitySetName: 'new_projects',
        attributes: [
            attr('new_budget', 'Money', custom),
            attr('new_budget_base', 'Money', {
                attributeOf: 'new_budget',
                isValidForCreate: false,
                isValidForUpdate: false,
            }),
            attr('new_priority', 'Picklist', { ...custom, options: options([1, 'Low'], [2, 'High']) }),
            attr('new_stage', 'Picklist', { ...custom, options: options([10, 'Plan'], [20, 'Build']) }),
            attr('new_tags', 'Virtual', {
                ...custom,
                attributeTypeName: 'MultiSelectPicklistType',
                options: options([1, 'A']),
            }),
            attr('new_active', 'Boolean', custom),
            attr('new_due', 'DateTime', custom),
            attr('new_code', 'String', { ...custom, maxLength: 20 }),
            attr('new_file', 'Virtual', { ...custom, attributeTypeName: 'FileType' }),
        ],
        lookups: [
            { column: 'new_accountid', targets: ['account'] },
            { column: 'new_parentprojectid', targets: ['new_project'] },
        ],
        keys: [
            {
                logicalName: 'new_code_key',
                schemaName: 'new_CodeKey',
                keyAttributes: ['new_code'],
                entityKeyIndexStatus: 'Active',
            },
        ],
    });
    for (const a of meta.attributes) {
        if (a.logicalName === 'name') Object.assign(a, { logicalName: 'new_name', schemaName: 'new_Name', ...custom });
        if (a.logicalName.startsWith('new_') && a.attributeOf === null) a.isCustomAttribute = true;
    }
    return { ...meta, schemaName: 'new_Project', primaryNameAttribute: 'new_name', isCustomEntity: true };
}

const TYPE_NAMES: Record<string, string> = {
    Virtual: 'MultiSelectPicklistType',
    Uniqueidentifier: 'UniqueidentifierType',
};

function definitionOf(meta: TableMetadata, extra: Record<string, Partial<ColumnDefinition>> = {}): TableDefinition {
    const columns = new Map<string, ColumnDefinition>();
    for (const a of meta.attributes) {
        columns.set(a.logicalName, {
            logicalName: a.logicalName,
            schemaName: a.schemaName,
            attributeType: a.attributeType,
            attributeTypeName: a.attributeTypeName ?? TYPE_NAMES[a.attributeType] ?? `${a.attributeType}Type`,
            displayName: a.logicalName,
            requiredLevel: a.requiredLevel,
            ...(a.maxLength !== undefined ? { maxLength: a.maxLength } : {}),
            ...(a.options
                ? { optionSet: { isGlobal: false, options: a.options.map(({ value, label }) => ({ value, label })) } }
                : {}),
            ...extra[a.logicalName],
        });
    }
    return {
        logicalName: meta.logicalName,
        schemaName: meta.schemaName,
        entitySetName: meta.entitySetName,
        displayName: 'Project',
        displayCollectionName: 'Projects',
        ownershipType: meta.ownershipType,
        hasActivities: false,
        hasNotes: true,
        isCustomEntity: meta.isCustomEntity,
        columns,
    };
}

const DETAILS: Record<string, Partial<ColumnDefinition>> = {
    new_name: { maxLength: 200 },
    new_budget: { precision: 2, minValue: 0, maxValue: 1_000_000, precisionSource: 0 },
    new_stage: {
        optionSet: {
            isGlobal: true,
            name: 'new_stage',
            options: [
                { value: 10, label: 'Plan' },
                { value: 20, label: 'Build' },
            ],
        },
    },
    new_active: { trueLabel: 'Active', falseLabel: 'Idle' },
    new_due: { format: 'DateOnly', dateTimeBehavior: 'DateOnly' },
};

function input(overrides: Partial<SchemaInput> = {}, tableSpec: Record<string, unknown> = {}): SchemaInput {
    const source = environment('http://127.0.0.1:1', [...crmTables(), project()]);
    return {
        spec: spec({ tables: [{ name: 'new_project', load: 'new', match: 'new_code_key', ...tableSpec }] }),
        source,
        target: environment('http://127.0.0.1:2', crmTables()),
        definitions: new Map([['new_project', definitionOf(project(), DETAILS)]]),
        publishers: [{ uniqueName: 'DefaultPublisher', prefix: 'new' }],
        globalOptionSets: [],
        ...overrides,
    };
}

describe('the schema a table loaded as new needs', () => {
    it('creates the table, then global choices, columns, relationships and the key, in that order', () => {
        const result = planSchema(input());
        expect(result.problems).toEqual([]);
        const operations = result.schema!.operations;
        expect(operations.map((o) => `${o.kind} ${o.summary}`)).toEqual([
            'table create table new_project (new_Project, UserOwned, primary name new_name String(max 200))',
            'optionSet create global choice new_stage (2 options)',
            'column add column new_project.new_budget Money(precision 2, 0..1000000)',
            'column add column new_project.new_priority Picklist(2 options)',
            'column add column new_project.new_stage Picklist(2 options, global new_stage)',
            'column add column new_project.new_tags MultiSelectPicklist(1 options)',
            'column add column new_project.new_active Boolean(Active/Idle)',
            'column add column new_project.new_due DateTime(DateOnly, DateOnly)',
            'column add column new_project.new_code String(max 20)',
            'relationship create relationship new_project_new_accountid_account: new_project.new_accountid -> account',
            'relationship create relationship new_project_new_parentprojectid_new_project: new_project.new_parentprojectid -> new_project, a self-reference',
            'key create key new_project.new_code_key (new_code)',
        ]);
        expect(result.schema!.publish).toEqual(['new_project']);
        // A file column is not created: automatic mapping leaves it out with a warning.
        expect(result.warnings).toEqual([
            expect.objectContaining({ column: 'new_file', message: expect.stringMatching(/is not created/) }),
        ]);
        const stage = operations.find((o) => o.kind === 'column' && o.column === 'new_stage')!;
        expect(stage).toMatchObject({ globalOptionSet: 'new_stage' });
        expect(stage.body).not.toHaveProperty('OptionSet');
        expect(operations[0]!.body).toMatchObject({
            SchemaName: 'new_Project',
            EntitySetName: 'new_projects',
            OwnershipType: 'UserOwned',
            HasNotes: true,
            Attributes: [
                { SchemaName: 'new_Name', IsPrimaryName: true, MaxLength: 200, FormatName: { Value: 'Text' } },
            ],
        });
        const budget = operations.find((o) => o.kind === 'column' && o.column === 'new_budget')!;
        expect(budget.body).toMatchObject({
            '@odata.type': 'Microsoft.Dynamics.CRM.MoneyAttributeMetadata',
            Precision: 2,
            MinValue: 0,
            MaxValue: 1_000_000,
            PrecisionSource: 0,
        });
        const self = operations.find((o) => o.kind === 'relationship' && o.column === 'new_parentprojectid')!;
        expect(self.body).toMatchObject({
            ReferencedEntity: 'new_project',
            ReferencingEntity: 'new_project',
            Lookup: { SchemaName: 'new_parentprojectid' },
        });
    });

    it('lets the copy be planned against the planned schema: the table is an item of the diff, not a problem', () => {
        const i = input();
        const withoutSchema = buildPlan(i.spec, i.source, i.target);
        expect(withoutSchema.problems.map((p) => p.message)).toContainEqual(
            expect.stringMatching(/does not exist in the target/),
        );
        const result = planSchema(i);
        const plan = buildPlan(i.spec, i.source, result.projected);
        expect(plan.problems).toEqual([]);
        const planned = plan.tables.new_project!;
        expect(planned.target.entitySetName).toBe('new_projects');
        expect(planned.match).toMatchObject({ kind: 'key', key: 'new_code_key', columns: ['new_code'] });
        const columns = planned.columns.map((c) => c.target);
        expect(columns).toEqual(
            expect.arrayContaining([
                'new_name',
                'new_budget',
                'new_stage',
                'new_tags',
                'new_accountid',
                'new_parentprojectid',
            ]),
        );
        expect(columns).not.toContain('new_file');
        const parent = planned.columns.find((c) => c.target === 'new_parentprojectid')!;
        expect(parent.lookup!.targets[0]!.navigationProperty).toBe('new_parentprojectid');
        plan.schema = result.schema;
        const text = renderPlan(plan);
        expect(text.indexOf('Schema to create in the target first (the default solution')).toBeGreaterThan(0);
        expect(text.indexOf('Schema to create')).toBeLessThan(text.indexOf('Tier 1'));
        expect(text).toContain('    + add column new_project.new_budget Money(precision 2, 0..1000000)');
    });

    it('reuses a global choice the target has, and only adds the columns an existing table lacks', () => {
        const target = environment('http://127.0.0.1:2', [
            ...crmTables(),
            { ...project(), attributes: project().attributes.filter((a) => a.logicalName !== 'new_due') },
        ]);
        const result = planSchema(input({ target, globalOptionSets: ['new_stage'] }));
        expect(result.problems).toEqual([]);
        expect(result.schema!.operations.map((o) => o.summary)).toEqual([
            'add column new_project.new_due DateTime(DateOnly, DateOnly)',
        ]);
        const full = planSchema(input({ target: environment('http://127.0.0.1:2', [...crmTables(), project()]) }));
        expect(full.schema).toBeUndefined();
        const reused = planSchema(input({ globalOptionSets: ['new_stage'] }));
        expect(reused.schema!.operations.some((o) => o.kind === 'optionSet')).toBe(false);
    });

    it('refuses a prefix no target publisher has, naming the publishers that exist', () => {
        const result = planSchema(
            input({
                publishers: [
                    { uniqueName: 'contoso', prefix: 'cr1' },
                    { uniqueName: 'MicrosoftCorporation', prefix: 'msdyn' },
                ],
            }),
        );
        expect(result.problems).toEqual([
            {
                path: 'tables[0].load',
                table: 'new_project',
                message:
                    "'new_Project' carries the prefix 'new_', but no publisher in the target has it (its publishers: contoso (cr1_), MicrosoftCorporation (msdyn_)): create a publisher with the prefix 'new' in the target first",
            },
        ]);
    });

    it('refuses a lookup to a table the target lacks unless the run creates it too', () => {
        const src = project();
        src.attributes.push(attr('new_phaseid', 'Lookup', { ...custom, targets: ['new_phase'] }));
        src.manyToOne.push({
            schemaName: 'new_project_phase',
            referencedEntity: 'new_phase',
            referencedAttribute: 'new_phaseid',
            referencingEntity: 'new_project',
            referencingAttribute: 'new_phaseid',
            referencedEntityNavigationPropertyName: 'new_project_phase',
            referencingEntityNavigationPropertyName: 'new_phaseid',
        });
        const phase: TableMetadata = {
            ...table('new_phase', { system: false }),
            schemaName: 'new_Phase',
            isCustomEntity: true,
        };
        phase.attributes[1] = attr('new_name', 'String', { isPrimaryName: true, ...custom, schemaName: 'new_Name' });
        phase.primaryNameAttribute = 'new_name';
        const source = environment('http://127.0.0.1:1', [...crmTables(), src, phase]);
        const definitions = new Map([
            ['new_project', definitionOf(src, DETAILS)],
            ['new_phase', definitionOf(phase)],
        ]);
        const alone = planSchema(input({ source, definitions }));
        expect(alone.problems).toEqual([
            expect.objectContaining({
                column: 'new_phaseid',
                message: expect.stringMatching(
                    /points to 'new_phase', which the target lacks and this run does not create/,
                ),
            }),
        ]);
        const both = planSchema(
            input({
                source,
                definitions,
                spec: spec({
                    tables: [
                        { name: 'new_project', load: 'new' },
                        { name: 'new_phase', load: 'new' },
                    ],
                }),
            }),
        );
        expect(both.problems).toEqual([]);
        const kinds = both.schema!.operations.map((o) => o.kind);
        expect(kinds.slice(0, 2)).toEqual(['table', 'table']);
        expect(kinds.lastIndexOf('table')).toBeLessThan(kinds.indexOf('relationship'));
        expect(both.schema!.operations.map((o) => o.summary)).toContain(
            'create relationship new_project_phase: new_project.new_phaseid -> new_phase, created in this run',
        );
    });

    it('refuses a standard table the target lacks, a missing solution and a column of a kind it does not create', () => {
        const standard = planSchema(
            input({
                spec: spec({ tables: [{ name: 'lead', load: 'new' }] }),
                target: environment(
                    'http://127.0.0.1:2',
                    crmTables().filter((t) => t.logicalName !== 'lead'),
                ),
                definitions: new Map([['lead', definitionOf(crmTables().find((t) => t.logicalName === 'lead')!)]]),
            }),
        );
        expect(standard.problems).toEqual([
            expect.objectContaining({
                path: 'tables[0].load',
                message: expect.stringMatching(/^'lead' is a standard table the target lacks/),
            }),
        ]);
        const noSolution = planSchema(
            input({
                spec: spec({
                    tables: [{ name: 'new_project', load: 'new' }],
                    options: { solutionUniqueName: 'Contoso' },
                }),
                solution: null,
            }),
        );
        expect(noSolution.problems).toEqual([
            expect.objectContaining({
                path: 'options.solutionUniqueName',
                message: expect.stringMatching(/no solution with the unique name 'Contoso'/),
            }),
        ]);
        const file = planSchema(input({}, { columns: ['new_name', 'new_file'], match: 'id' }));
        expect(file.problems).toEqual([
            expect.objectContaining({
                path: 'tables[0].columns',
                column: 'new_file',
                message: expect.stringMatching(/\(FileType\) is not created/),
            }),
        ]);
    });
});
