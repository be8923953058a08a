import { describe, expect, it } from 'vitest';
import type { MigrationSpecInput } from '../../src/spec/index.js';
import { buildPlan } from '../../src/plan/build.js';
import type { TableMetadata } from '../../src/dataverse/metadata-types.js';
import { attr, environment, options, referenceTables, spec, table } from './plan-fixture.js';

function planOne(
    sourceTable: TableMetadata,
    targetTable: TableMetadata,
    tableSpec: MigrationSpecInput['tables'][number] = { name: sourceTable.logicalName },
) {
    return buildPlan(
        spec({ tables: [tableSpec] }),
        environment('s', [sourceTable, ...referenceTables()]),
        environment('t', [targetTable, ...referenceTables()]),
    );
}

const widget = (extra: Parameters<typeof table>[1] = {}) =>
    table('new_widget', {
        ...extra,
        attributes: [
            attr('new_code', 'String', { maxLength: 100 }),
            attr('new_size', 'Integer'),
            attr('new_colour', 'Picklist', { options: options([1, 'Red'], [2, 'Green'], [3, 'Blue']) }),
            attr('new_tags', 'Virtual', { attributeTypeName: 'MultiSelectPicklistType', options: options([1, 'A']) }),
            attr('new_calc', 'Decimal', { isValidForCreate: false, isValidForUpdate: false }),
            attr('new_secret', 'String', { isValidForRead: false }),
            attr('new_photo', 'Virtual', { attributeTypeName: 'ImageType' }),
            attr('new_parties', 'PartyList'),
            ...(extra.attributes ?? []),
        ],
    });

describe('automatic column mapping', () => {
    const plan = planOne(widget(), widget());
    const mapped = plan.tables.new_widget!.columns;
    const byReason = (reason: string) =>
        plan.warnings.find((w) => w.message.startsWith(`'new_widget': not copied (${reason}`))?.message ?? '';

    it('maps the columns readable in the source and writable in the target', () => {
        expect(mapped.map((c) => c.source).sort()).toEqual(
            [
                'createdon',
                'name',
                'new_code',
                'new_colour',
                'new_size',
                'new_tags',
                'ownerid',
                'statecode',
                'statuscode',
            ].sort(),
        );
        expect(plan.problems).toEqual([]);
    });

    it('copies createdon into overriddencreatedon, on create only', () => {
        expect(mapped.find((c) => c.source === 'createdon')).toMatchObject({
            target: 'overriddencreatedon',
            writable: 'create',
        });
        expect(byReason('createdon is copied into overriddencreatedon')).toContain(': overriddencreatedon');
    });

    it('lists every column left out, with its reason', () => {
        expect(byReason('set by the platform')).toMatch(/createdby, modifiedby, modifiedon$/);
        expect(byReason('row version')).toMatch(/versionnumber$/);
        expect(byReason('derived from ownerid')).toMatch(/owningbusinessunit, owninguser$/);
        expect(byReason('part of another column')).toContain('owneridname');
        expect(byReason('read-only in the target')).toMatch(/new_calc$/);
        expect(byReason('not readable in the source')).toMatch(/new_secret$/);
        // A party list is copied with its activity's parties collection; a table without one cannot copy it.
        expect(byReason('party lists: the source has no activityparty collection')).toMatch(/new_parties$/);
    });

    it('copies an image column as content, never in row writes and never listed as left out', () => {
        expect(plan.tables.new_widget!.content).toEqual([{ source: 'new_photo', target: 'new_photo', kind: 'image' }]);
        expect(mapped.some((c) => c.source === 'new_photo')).toBe(false);
        expect(plan.warnings.filter((w) => w.message.includes('new_photo'))).toEqual([]);
    });

    it('copies a note body and file columns as content; a file column the target lacks is a warning', () => {
        const file = attr('new_contract', 'Virtual', { attributeTypeName: 'FileType' });
        const p = planOne(widget({ attributes: [file] }), widget());
        expect(p.tables.new_widget!.content?.map((c) => c.source)).toEqual(['new_photo']);
        expect(p.warnings.map((w) => w.message)).toContainEqual(
            "'new_widget.new_contract': the target has no file column 'new_contract' to copy its content into",
        );
        const both = planOne(widget({ attributes: [file] }), widget({ attributes: [file] }));
        expect(both.tables.new_widget!.content?.map((c) => `${c.source}:${c.kind}`).sort()).toEqual([
            'new_contract:file',
            'new_photo:image',
        ]);
    });

    it('kinds: plain, choice, multi-select choice, lookup; statecode and statuscode together', () => {
        expect(mapped.find((c) => c.source === 'new_code')?.kind).toBe('plain');
        expect(mapped.find((c) => c.source === 'new_colour')?.kind).toBe('choice');
        expect(mapped.find((c) => c.source === 'new_tags')).toMatchObject({ kind: 'choice', multiSelect: true });
        expect(mapped.find((c) => c.source === 'ownerid')?.kind).toBe('lookup');
        expect(plan.tables.new_widget!.state).toEqual({
            stateColumn: 'statecode',
            statusColumn: 'statuscode',
            targetStateColumn: 'statecode',
            targetStatusColumn: 'statuscode',
            created: { state: 0, status: 1 },
        });
    });

    it('drops createdon when the target has no overriddencreatedon, and columns the target lacks', () => {
        const target = widget();
        target.attributes = target.attributes.filter(
            (a) => !['overriddencreatedon', 'new_size'].includes(a.logicalName),
        );
        const p = planOne(widget(), target);
        expect(p.tables.new_widget!.columns.some((c) => c.source === 'createdon')).toBe(false);
        expect(p.warnings.map((w) => w.message)).toContainEqual(
            expect.stringMatching(/the target has no writable overriddencreatedon to copy it into\): createdon$/),
        );
        expect(p.warnings.map((w) => w.message)).toContainEqual(
            "'new_widget': not copied (not in the target table): new_size, overriddencreatedon",
        );
    });

    it('applies renames, and a rename of an unknown column is a problem', () => {
        const target = widget({ attributes: [attr('new_reference', 'String', { maxLength: 100 })] });
        const p = planOne(widget(), target, {
            name: 'new_widget',
            rename: { new_code: 'new_reference', new_sise: 'x' },
        });
        expect(p.tables.new_widget!.columns.find((c) => c.source === 'new_code')?.target).toBe('new_reference');
        expect(p.problems.map((x) => `${x.path}: ${x.message}`)).toEqual([
            "tables[0].rename.new_sise: renames 'new_sise', which is not a column of source table 'new_widget' (did you mean 'new_size'?)",
        ]);
    });
});

describe('explicit columns', () => {
    it('checks each column against both sides, with close matches', () => {
        const target = widget();
        target.attributes = target.attributes.map((a) =>
            a.logicalName === 'new_size' ? { ...a, isValidForCreate: false, isValidForUpdate: false } : a,
        );
        target.attributes.push(attr('new_codes', 'String'));
        const p = planOne(widget(), target, {
            name: 'new_widget',
            columns: ['new_cod', 'new_size', 'new_photo', 'new_code', 'new_widgetid'],
            rename: { new_code: 'new_codez' },
        });
        expect(p.problems.map((x) => `${x.path}: ${x.message}`)).toEqual([
            "tables[0].columns[0]: column 'new_cod' does not exist in source table 'new_widget' (did you mean 'new_code'?)",
            "tables[0].columns[1]: column 'new_size' is read-only in target table 'new_widget' (not valid for create or update)",
            "tables[0].columns[3]: column 'new_codez' does not exist in target table 'new_widget' (did you mean 'new_code' or 'new_codes'?)",
        ]);
        // An image column listed is copied by the content phase.
        expect(p.tables.new_widget?.content).toEqual([{ source: 'new_photo', target: 'new_photo', kind: 'image' }]);
        expect(p.warnings.map((w) => w.message)).toContainEqual(
            "'new_widgetid' is the primary key: it is always carried as the row id, no need to list it",
        );
    });

    it('reports incompatible types and warns about shorter text', () => {
        const target = widget();
        target.attributes = target.attributes.map((a) => {
            if (a.logicalName === 'new_code') return { ...a, maxLength: 20 };
            if (a.logicalName === 'new_size') return { ...a, attributeType: 'DateTime' as const };
            return a;
        });
        const p = planOne(widget(), target, { name: 'new_widget', columns: ['new_code', 'new_size'] });
        expect(p.problems.map((x) => x.message)).toEqual([
            "'new_size': type Integer (whole number) in the source cannot be written to DateTime (date and time) in the target",
        ]);
        expect(p.warnings.map((w) => w.message)).toContainEqual(
            "'new_code': the target allows 20 characters, the source 100: longer values fail their rows",
        );
    });

    it('maps explicit createdon to overriddencreatedon, and two columns writing one target column is a problem', () => {
        const p = planOne(widget(), widget(), {
            name: 'new_widget',
            columns: ['createdon', 'overriddencreatedon'],
        });
        expect(p.tables.new_widget!.columns[0]).toMatchObject({ source: 'createdon', target: 'overriddencreatedon' });
        expect(p.problems.map((x) => x.message)).toEqual([
            "'overriddencreatedon': target column 'overriddencreatedon' is already written by 'createdon'",
        ]);
    });

    it('warns when statuscode is copied without statecode', () => {
        const p = planOne(widget(), widget(), { name: 'new_widget', columns: ['statuscode'] });
        expect(p.warnings.map((w) => w.message)).toContainEqual(
            expect.stringContaining('statuscode is copied without statecode'),
        );
    });
});

describe('choice values', () => {
    const target = () => {
        const t = widget();
        t.attributes = t.attributes.map((a) =>
            a.logicalName === 'new_colour' ? { ...a, options: options([1, 'Red'], [20, 'Green']) } : a,
        );
        return t;
    };

    it('reports source values missing in the target', () => {
        const p = planOne(widget(), target());
        expect(p.warnings.find((w) => w.column === 'new_colour')?.message).toBe(
            "choice values of 'new_widget.new_colour' missing in the target: 2 (Green), 3 (Blue); rows with them fail unless valueMap maps them",
        );
    });

    it('valueMap covers them; a mapped value the target lacks is a problem', () => {
        const p = planOne(widget(), target(), {
            name: 'new_widget',
            valueMap: { new_colour: { '2': 20, '3': 30 }, new_code: { '1': 1 } },
        });
        expect(p.warnings.some((w) => w.column === 'new_colour')).toBe(false);
        expect(p.tables.new_widget!.columns.find((c) => c.source === 'new_colour')?.valueMap).toEqual({
            '2': 20,
            '3': 30,
        });
        expect(p.problems.map((x) => `${x.path}: ${x.message}`)).toEqual([
            `tables[0].valueMap.new_colour["3"]: maps 3 to 30, which is not an option of target column 'new_widget.new_colour'`,
            "tables[0].valueMap.new_code: valueMap for 'new_code', which is not a choice column",
        ]);
    });
});
