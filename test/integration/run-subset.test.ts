/**
 * A subset of the crm demo (spec `subset`): 5 % of the accounts by a seed, their contacts and opportunities and the
 * contacts' opportunities, and every parent those rows point to. The target ends with exactly those rows, every
 * lookup of every copied row resolving there; verify says identical; the same seed takes the same rows; a second
 * run writes nothing; deletes stay inside the rows the subset took.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSubset, subsetHash } from '../../src/copy/subset.js';
import { createEnvironmentClients } from '../../src/environments/index.js';
import type { Plan } from '../../src/plan/types.js';
import { validateSpec } from '../../src/spec/index.js';
import { api, dvm, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

const TABLES = ['account', 'contact', 'lead', 'opportunity', 'phonecall'];
const subset = {
    seed: 'dev-2026',
    start: [{ name: 'account', share: 0.05 }],
    children: [
        { name: 'contact', via: 'parentcustomerid' },
        { name: 'opportunity', via: 'parentaccountid' },
        { name: 'opportunity', via: 'parentcontactid' },
        // Calls regarding taken rows; the rows their parties name are parents like their lookups.
        { name: 'phonecall', via: 'regardingobjectid' },
    ],
    depth: 2,
};

let pair: Pair;
let specPath: string;
const runs: string[] = [];

beforeAll(async () => {
    pair = await simulatorPair(
        { schema: 'crm', rows: 1500, seed: 5, activities: true },
        { schema: 'crm', rows: 1500, seed: 5, empty: true },
    );
    specPath = await writeSpec(pair, {
        name: 'crm-subset',
        tables: TABLES.map((name) => ({ name, ...(name === 'opportunity' ? { deleteMissing: true } : {}) })),
        manyToMany: ['accountleads_association'],
        references: { fallbackOwner: 'avery.admin@contoso.onmicrosoft.com' },
        options: { pageSize: 100, writeBatchSize: 50 },
        subset,
    });
});

afterAll(async () => {
    await pair?.close();
});

const store = (runId: string, ...path: string[]) => join(pair.dir, 'log', 'runs', runId, ...path);
const json = async (path: string) => JSON.parse(await readFile(path, 'utf8'));
const taken = async (runId: string, table: string): Promise<string[]> =>
    (await json(store(runId, 'subset', `${table}.json`))).ids;

/** Every row of a target table, lookups with the table they point to. */
async function targetRows(entitySet: string, select: string[], expand?: string): Promise<any[]> {
    const query = `${entitySet}?$select=${select.join(',')}${expand ? `&$expand=${expand}` : ''}`;
    const page = await api(pair.target, 'GET', query, undefined, {
        Prefer: 'odata.include-annotations="*",odata.maxpagesize=5000',
    });
    expect(page['@odata.nextLink']).toBeUndefined();
    return page.value;
}

describe('a subset of 5 % of the crm accounts', () => {
    it('plan shows the rows each table takes', async () => {
        const plan = await dvm(pair, ['plan', '--spec', specPath, '--json']);
        expect(plan.code).toBe(0);
        const counts = Object.fromEntries(
            JSON.parse(plan.stdout).tiers.flatMap((t: any) => t.tables.map((x: any) => [x.name, x])),
        );
        const accounts = counts.account;
        expect(accounts).toMatchObject({ basis: 'subset', estimate: false, exact: true });
        // 5 % of the accounts and the accounts their rows point to: far from all of them.
        expect(accounts.rows).toBeGreaterThan(5);
        expect(accounts.rows).toBeLessThan(150);
        for (const table of TABLES) expect(counts[table].basis).toBe('subset');
    });

    it('copies exactly the subset, every lookup of every copied row resolves in the target, verify says identical', async () => {
        const { code, summary } = await runJson(pair, specPath);
        if (code !== 0) console.error(JSON.stringify(summary, null, 1).slice(0, 4000));
        expect(code).toBe(0);
        runs.push(summary.runId);
        const plan: Plan = await json(store(summary.runId, 'plan.json'));
        const sets = new Map<string, { set: string; pk: string }>();
        for (const t of [...Object.values(plan.tables), ...plan.references])
            sets.set(t.target.logicalName, { set: t.target.entitySetName, pk: t.target.primaryId });
        const pointedTo = new Map<string, Set<string>>();
        let lookups = 0;
        for (const table of TABLES) {
            const ids = await taken(summary.runId, table);
            expect(summary.tables[table].copy).toMatchObject({ read: ids.length, written: ids.length, failed: 0 });
            const t = plan.tables[table]!;
            const columns = t.columns.filter((c) => c.kind === 'lookup').map((c) => `_${c.target}_value`);
            const parties = t.parties?.targetNavigation;
            const rows = await targetRows(
                t.target.entitySetName,
                [t.target.primaryId, ...columns],
                parties ? `${parties}($select=_partyid_value)` : undefined,
            );
            // The target was empty: it holds the subset's rows and no other.
            expect(rows.map((r) => r[t.target.primaryId]).sort()).toEqual(ids);
            const note = (row: any, column: string) => {
                const id = row[column];
                if (id === null || id === undefined) return;
                const pointed = row[`${column}@Microsoft.Dynamics.CRM.lookuplogicalname`];
                lookups++;
                if (!pointedTo.has(pointed)) pointedTo.set(pointed, new Set());
                pointedTo.get(pointed)!.add(id);
            };
            for (const row of rows) {
                for (const column of columns) note(row, column);
                for (const party of parties ? row[parties] : []) note(party, '_partyid_value');
            }
        }
        expect(lookups).toBeGreaterThan(50);
        const counts = Object.fromEntries(
            await Promise.all(TABLES.map(async (t) => [t, (await taken(summary.runId, t)).length])),
        );
        for (const table of TABLES) expect(counts[table], table).toBeGreaterThan(0);
        expect(pointedTo.has('account') && pointedTo.has('contact')).toBe(true);
        for (const [table, ids] of pointedTo) {
            const where = sets.get(table);
            expect(where, `a lookup points to '${table}', which the run neither copies nor matches`).toBeDefined();
            const present = new Set((await targetRows(where!.set, [where!.pk])).map((r) => r[where!.pk]));
            const dangling = [...ids].filter((id) => !present.has(id));
            expect(dangling, `lookups to ${table} rows that are not in the target`).toEqual([]);
        }
        // Pairs only between taken rows: some copied, the rest skipped.
        expect(summary.manyToMany.accountleads_association.failed).toBe(0);
        const verify = await verifyJson(pair, specPath);
        if (!verify.report.identical) console.error(JSON.stringify(verify.report, null, 1).slice(0, 4000));
        expect(verify.report.identical).toBe(true);
        expect(verify.report.tables.account.source).toBe((await taken(summary.runId, 'account')).length);
    });

    it('a second run takes the same rows and writes nothing', async () => {
        const written = pair.target.stats().rowsWritten;
        const { code, summary } = await runJson(pair, specPath);
        expect(code).toBe(0);
        runs.push(summary.runId);
        for (const table of TABLES) {
            expect(await taken(summary.runId, table)).toEqual(await taken(runs[0]!, table));
            expect(summary.tables[table].copy.written).toBe(0);
        }
        expect(summary.manyToMany.accountleads_association.written).toBe(0);
        expect(pair.target.stats().rowsWritten).toBe(written);
    });

    it('a count takes the accounts with the lowest hashes of its seed, the same ones every time', async () => {
        const plan: Plan = await json(store(runs[0]!, 'plan.json'));
        const validated = validateSpec(await json(specPath));
        if (!validated.ok) throw new Error('the test spec is valid');
        const { source } = createEnvironmentClients(validated.spec, { env: process.env, userAgent: 'test' });
        const byCount = { seed: 'dev-2026', start: [{ name: 'account', count: 7 }], children: [], depth: 0 };
        const first = await computeSubset(plan, byCount, source);
        expect(await computeSubset(plan, byCount, source)).toEqual(first);
        const place = (id: string) => subsetHash('dev-2026', id);
        const lowest = (pair.source.dump('account') as any[])
            .map((a) => String(a.accountid))
            .sort((a, b) => place(a) - place(b))
            .slice(0, 7);
        expect(first.account).toEqual(expect.arrayContaining(lowest));
        const other = await computeSubset(plan, { ...byCount, seed: 'another seed' }, source);
        expect(other.account).not.toEqual(first.account);
    });

    it('deletes only target rows the subset took whose source row is gone', async () => {
        const opportunities = await taken(runs[0]!, 'opportunity');
        const first = opportunities[0]!;
        const outside = (pair.source.dump('opportunity') as any[])
            .map((o) => String(o.opportunityid))
            .find((id) => !opportunities.includes(id));
        await api(pair.source, 'DELETE', `opportunities(${first})`);
        await api(pair.source, 'DELETE', `opportunities(${outside})`);
        // A row only the target has is outside the subset: never deleted.
        const own = await api(
            pair.target,
            'POST',
            'opportunities',
            { name: 'Only in target' },
            {
                Prefer: 'return=representation',
            },
        );
        const { code, summary } = await runJson(pair, specPath);
        expect(code).toBe(0);
        expect(summary.tables.opportunity.delete).toMatchObject({ read: 1, written: 1, failed: 0 });
        const ids = new Set((pair.target.dump('opportunity') as any[]).map((o) => String(o.opportunityid)));
        expect(ids.has(first)).toBe(false);
        expect(ids.has(own.opportunityid)).toBe(true);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });
});
