import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build.js';
import { subsetHash } from '../../src/copy/subset.js';
import { crmTables, environment, spec } from './plan-fixture.js';

const source = () => environment('http://127.0.0.1:1', crmTables());
const target = () => environment('http://127.0.0.1:2', crmTables());
const start = [{ name: 'account', share: 0.05 }];

describe('a subset in the plan', () => {
    it('follows lookups the run copies; a via that is no such lookup is a problem at its path', () => {
        const plan = buildPlan(
            spec({
                tables: [{ name: 'account' }, { name: 'contact' }, { name: 'opportunity' }],
                manyToMany: [{ name: 'new_account_contact', deleteMissing: true }],
                subset: {
                    seed: 's',
                    start,
                    children: [
                        { name: 'contact', via: 'parentcustomerid' },
                        { name: 'opportunity', via: 'parentaccount' },
                        { name: 'account', via: 'originatingleadid' },
                    ],
                },
            }),
            source(),
            target(),
        );
        expect(plan.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
            "subset.children[1].via: 'parentaccount' is not a copied lookup column of 'opportunity' (did you mean 'parentaccountid'?)",
            "subset.children[2].via: 'account.originatingleadid' points to 'lead', none of them copied by this run: add the table to tables",
            "manyToMany[0].deleteMissing: 'new_account_contact': a subset copies the pairs between the rows it takes, but does not remove pairs (yet): drop deleteMissing",
        ]);
    });

    it('refuses deletes of a table matched on a key: they would compare rows outside the subset', () => {
        const plan = buildPlan(
            spec({
                tables: [{ name: 'account', match: 'accountnumber_key', deleteMissing: true }],
                subset: { seed: 's', start },
            }),
            source(),
            target(),
        );
        expect(plan.problems).toContainEqual(
            expect.objectContaining({ path: 'tables[0].deleteMissing', table: 'account' }),
        );
    });

    it('places an id by its seed alone: the same in every run, another for another seed, spread over [0, 1)', () => {
        const ids = Array.from({ length: 2000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
        const places = ids.map((id) => subsetHash('dev-2026', id));
        expect(ids.map((id) => subsetHash('dev-2026', id.toUpperCase()))).toEqual(places);
        expect(ids.map((id) => subsetHash('other', id))).not.toEqual(places);
        const share = places.filter((p) => p < 0.05).length / ids.length;
        expect(share).toBeGreaterThan(0.03);
        expect(share).toBeLessThan(0.07);
        expect(places.every((p) => p >= 0 && p < 1)).toBe(true);
    });
});
