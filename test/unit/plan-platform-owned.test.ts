/**
 * Platform-owned columns in the plan: the spec's declared ones (checked against the mapping), the ones runs noticed
 * (addNoticed), and the row plan leaving both out of every comparison and write.
 */
import { describe, expect, it } from 'vitest';
import type { MigrationSpecInput } from '../../src/spec/index.js';
import { buildPlan } from '../../src/plan/build.js';
import type { LookupResolver } from '../../src/copy/lookups.js';
import { decideRow, expectedRow, targetSelect } from '../../src/copy/row-plan.js';
import { addNoticed, type PlatformOwnedRecord } from '../../src/run/platform-owned.js';
import { attr, environment, referenceTables, spec, table } from './plan-fixture.js';

const gadget = () =>
    table('new_gadget', {
        system: false,
        attributes: [
            attr('new_code', 'String', { maxLength: 100 }),
            attr('new_stamp', 'String', { maxLength: 100 }),
            attr('new_calc', 'Decimal', { isValidForCreate: false, isValidForUpdate: false }),
        ],
        keys: [
            {
                logicalName: 'new_code_key',
                schemaName: 'new_code_key',
                keyAttributes: ['new_code'],
                entityKeyIndexStatus: 'Active',
            },
        ],
    });

function plan(tableSpec: Partial<MigrationSpecInput['tables'][number]>) {
    return buildPlan(
        spec({ tables: [{ name: 'new_gadget', ...tableSpec }] }),
        environment('s', [gadget(), ...referenceTables()]),
        environment('t', [gadget(), ...referenceTables()]),
    );
}

describe('platformOwned in the spec', () => {
    it('marks the declared columns of the table', () => {
        const p = plan({ platformOwned: ['new_stamp'] });
        expect(p.problems).toEqual([]);
        expect(p.tables.new_gadget!.platformOwned).toEqual([{ column: 'new_stamp', by: 'spec' }]);
    });

    it('is a problem at its path for a column the target lacks, with a close match', () => {
        const p = plan({ platformOwned: ['new_stampp'] });
        expect(p.problems).toEqual([
            expect.objectContaining({
                path: 'tables[0].platformOwned[0]',
                message: expect.stringMatching(
                    /^column 'new_stampp' does not exist in target table 'new_gadget'.*new_stamp/,
                ),
            }),
        ]);
    });

    it('warns about a column that is not copied anyway', () => {
        const p = plan({ platformOwned: ['new_calc'] });
        expect(p.problems).toEqual([]);
        expect(p.warnings).toContainEqual(
            expect.objectContaining({
                path: 'tables[0].platformOwned[0]',
                message: "'new_calc' is not copied to 'new_gadget' anyway: platformOwned has nothing to leave out",
            }),
        );
        expect(p.tables.new_gadget!.platformOwned).toBeUndefined();
    });

    it('refuses the column of the alternate key rows are matched on', () => {
        const p = plan({ match: 'new_code_key', platformOwned: ['new_code'] });
        expect(p.problems).toEqual([
            expect.objectContaining({
                path: 'tables[0].platformOwned[0]',
                message:
                    "'new_code' is part of the alternate key 'new_code_key' rows are matched on, so it is always written",
            }),
        ]);
    });
});

describe('noticed columns', () => {
    const record = (column: string, table = 'new_gadget'): PlatformOwnedRecord => ({
        table,
        column,
        runId: 'r1',
        noticedAt: '2026-12-07T20:00:00Z',
        sourceId: 'x',
        wrote: '"a"',
        found: '"A"',
    });

    it('join the declared ones for the table they were noticed on, once, only for copied columns', () => {
        const p = plan({ platformOwned: ['new_stamp'] });
        addNoticed(p, [record('new_code'), record('new_stamp'), record('new_calc'), record('new_code', 'other')]);
        expect(p.tables.new_gadget!.platformOwned).toEqual([
            { column: 'new_stamp', by: 'spec' },
            { column: 'new_code', by: 'noticed' },
        ]);
    });
});

describe('the row plan leaves platform-owned columns alone', () => {
    const noLookups = {} as LookupResolver;
    const source = { new_gadgetid: 'a1000000-0000-4000-8000-000000000001', name: 'G', new_code: 'c-1', new_stamp: 's' };

    it('neither compares nor writes them, on update and on create, nor reads them from the target', () => {
        const t = plan({ platformOwned: ['new_stamp'] }).tables.new_gadget!;
        const expected = expectedRow(t, source, noLookups);
        expect(expected.values.map((v) => v.column.target)).not.toContain('new_stamp');
        const target = { ...source, new_stamp: 'rewritten by the target' };
        const update = decideRow(t, expected, target, noLookups, { onUnresolvedLookup: 'clear' });
        expect(update.action).toBe('none');
        const create = decideRow(t, expected, undefined, noLookups, { onUnresolvedLookup: 'clear' });
        expect(create.action).toBe('create');
        expect(create.payload).not.toHaveProperty('new_stamp');
        expect(targetSelect(t)).not.toContain('new_stamp');
        // Without the mark the same target row is an update of that column.
        const plain = plan({}).tables.new_gadget!;
        const again = decideRow(plain, expectedRow(plain, source, noLookups), target, noLookups, {
            onUnresolvedLookup: 'clear',
        });
        expect(again).toMatchObject({ action: 'update', changed: ['new_stamp'] });
    });
});
