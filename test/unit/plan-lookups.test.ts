import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build.js';
import type { MigrationSpecInput } from '../../src/spec/index.js';
import { crmTables, environment, referenceTables, spec, table } from './plan-fixture.js';

const plan = (input: Partial<MigrationSpecInput> & Pick<MigrationSpecInput, 'tables'>, tables = crmTables()) =>
    buildPlan(spec(input), environment('s', tables), environment('t', tables));

const column = (p: ReturnType<typeof plan>, t: string, c: string) => p.tables[t]!.columns.find((m) => m.source === c)!;

describe('lookup classification', () => {
    it('a table in references is matched by its rule instead of being unresolved', () => {
        const p = plan({
            tables: [{ name: 'account' }],
            references: { lead: { matchOn: ['name'], fallback: 'Unknown' } },
        });
        expect(column(p, 'account', 'originatingleadid').lookup?.targets[0]?.binding).toEqual({
            kind: 'reference',
            table: 'lead',
            targetEntitySet: 'leads',
            ownerFallback: false,
        });
        expect(p.references.find((r) => r.table === 'lead')).toMatchObject({ matchOn: ['name'], fallback: 'Unknown' });
        expect(p.warnings.some((w) => w.column === 'originatingleadid')).toBe(false);
    });

    it('a polymorphic lookup with one target outside the run clears only the values pointing there', () => {
        const p = plan({ tables: [{ name: 'contact' }] });
        const parent = column(p, 'contact', 'parentcustomerid');
        expect(parent.lookup?.targets.map((t) => t.binding.kind)).toEqual(['unresolved', 'run-id']);
        expect(p.warnings.find((w) => w.column === 'parentcustomerid')?.message).toContain(
            'values pointing there are cleared on every row',
        );
    });

    it('warns that lookups into a filtered run table lose the values outside its filter', () => {
        const p = plan({ tables: [{ name: 'account' }, { name: 'contact', filter: 'statecode eq 0' }] });
        const warning = p.warnings.find((w) => w.table === 'account' && w.column === 'primarycontactid');
        expect(warning?.message).toBe(
            "'account.primarycontactid' points to 'contact', which is copied with a filter: values pointing to rows outside it are cleared (onUnresolvedLookup 'clear')",
        );
        const strict = plan({
            tables: [{ name: 'account' }, { name: 'contact', filter: 'statecode eq 0' }],
            onUnresolvedLookup: 'fail',
        });
        expect(strict.warnings.find((w) => w.column === 'primarycontactid')?.message).toContain('fail their rows');
        expect(
            plan({ tables: [{ name: 'account' }, { name: 'contact' }] }).warnings.some((w) =>
                w.message.includes('copied with a filter'),
            ),
        ).toBe(false);
    });

    it('a required lookup that can only be cleared is a problem even under clear', () => {
        const p = plan({ tables: [{ name: 'opportunity' }] });
        expect(p.problems.find((x) => x.column === 'customerid')?.message).toContain(
            'the column is required in the target, so clearing it would fail every row',
        );
    });

    it('binds to the target name of a renamed run table, and checks the target column can point there', () => {
        const tables = [
            ...crmTables(),
            table('new_customer', { system: false }),
            table('new_order', { system: false, lookups: [{ column: 'new_accountid', targets: ['account'] }] }),
            table('new_order2', { system: false, lookups: [{ column: 'new_accountid', targets: ['new_customer'] }] }),
        ];
        const renamedParent = buildPlan(
            spec({
                tables: [{ name: 'account', targetName: 'new_customer', columns: ['name'] }, { name: 'new_order' }],
            }),
            environment('s', tables),
            environment('t', tables),
        );
        // new_order.new_accountid points to account in the target too, not to new_customer.
        expect(renamedParent.problems.map((x) => x.message)).toEqual([
            "target column 'new_order.new_accountid' cannot point to 'new_customer' (it points to 'account'), but the source column points to 'account'",
        ]);
        const ok = buildPlan(
            spec({
                tables: [
                    { name: 'account', targetName: 'new_customer', columns: ['name'] },
                    { name: 'new_order', targetName: 'new_order2' },
                ],
            }),
            environment('s', tables),
            environment('t', tables),
        );
        expect(ok.problems).toEqual([]);
        expect(column(ok, 'new_order', 'new_accountid').lookup?.targets[0]).toEqual({
            table: 'account',
            navigationProperty: 'new_accountid',
            binding: {
                kind: 'run-id',
                table: 'account',
                targetTable: 'new_customer',
                targetEntitySet: 'new_customers',
            },
        });
    });

    it('a lookup without a relationship in the target metadata is a problem', () => {
        const source = crmTables();
        const target = crmTables();
        target.find((t) => t.logicalName === 'account')!.manyToOne = target
            .find((t) => t.logicalName === 'account')!
            .manyToOne.filter((r) => r.referencingAttribute !== 'transactioncurrencyid');
        const p = buildPlan(
            spec({ tables: [{ name: 'account' }] }),
            environment('s', source),
            environment('t', target),
        );
        expect(p.problems.map((x) => x.message)).toContainEqual(
            "the target metadata has no many-to-one relationship for 'account.transactioncurrencyid' -> 'transactioncurrency', needed to bind the lookup",
        );
    });

    it('owner columns fall back to fallbackOwner, recorded in the plan', () => {
        const p = plan({
            tables: [{ name: 'lead' }],
            references: { fallbackOwner: 'admin@contoso.com' } as MigrationSpecInput['references'],
        });
        expect(p.fallbackOwner).toBe('admin@contoso.com');
        expect(
            column(p, 'lead', 'ownerid').lookup?.targets.every(
                (t) => t.binding.kind === 'reference' && t.binding.ownerFallback,
            ),
        ).toBe(true);
    });

    it('never defers a lookup the target cannot update: the cycle is a problem', () => {
        const tables = [
            ...referenceTables(),
            table('a1', { system: false, lookups: [{ column: 'b1id', targets: ['b1'] }] }),
            table('b1', { system: false, lookups: [{ column: 'a1id', targets: ['a1'] }] }),
        ];
        for (const t of tables)
            for (const a of t.attributes) if (a.logicalName.endsWith('1id') && a.targets) a.isValidForUpdate = false;
        const p = buildPlan(
            spec({ tables: [{ name: 'a1' }, { name: 'b1' }] }),
            environment('s', tables),
            environment('t', tables),
        );
        expect(p.problems.map((x) => x.message)).toContainEqual(
            expect.stringContaining('form a cycle that cannot be broken'),
        );
        expect(p.deferredPhase).toEqual([]);
    });

    it('business units match root to root; organization maps to the target row', () => {
        const tables = [
            ...crmTables(),
            table('new_site', {
                system: false,
                lookups: [
                    { column: 'new_buid', targets: ['businessunit'] },
                    { column: 'new_orgid', targets: ['organization'] },
                ],
            }),
        ];
        const p = buildPlan(
            spec({ tables: [{ name: 'new_site' }] }),
            environment('s', tables),
            environment('t', tables),
        );
        expect(p.problems).toEqual([]);
        expect(p.references.find((r) => r.table === 'businessunit')).toMatchObject({
            matchOn: ['name'],
            rootColumn: 'parentbusinessunitid',
        });
        expect(p.references.find((r) => r.table === 'organization')).toMatchObject({ singleton: true });
    });
});
