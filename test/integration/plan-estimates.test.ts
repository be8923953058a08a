/**
 * `plan` row and page estimates against simulated environments: tables without a filter take the service's
 * RetrieveTotalRecordCount snapshot (one request, no key walk), filtered tables `$count` (exact up to 5,000, "more than
 * 5,000" bounded by the total above), an environment that refuses the function leaves rows unknown with a warning
 * and never a problem, and `plan --exact` still walks the keys. The simulators' stats show what was read.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_COUNT_SNAPSHOT_MAX_AGE_MS, startSimulator, type Simulator } from 'dataverse-sim';
import { cli } from '../helpers/cli.js';

const TABLES = ['account', 'contact', 'lead', 'opportunity'];
const PAGE_SIZE = 1000;

let dir: string;
let source: Simulator;
let target: Simulator;
let missing: Simulator;
let denied: Simulator;

beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dvm-plan-estimates-'));
    // 12,000 business rows give more than 5,000 contacts, past $count's limit.
    [source, target, missing, denied] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 12_000, seed: 3 }),
        startSimulator({ schema: 'crm', seed: 3, empty: true }),
        startSimulator({ schema: 'crm', rows: 300, seed: 3, retrieveTotalRecordCount: 'missing' }),
        startSimulator({ schema: 'crm', rows: 300, seed: 3, retrieveTotalRecordCount: 'denied' }),
    ]);
});
afterAll(async () => {
    await Promise.all([source?.close(), target?.close(), missing?.close(), denied?.close()]);
});

function spec(from: Simulator, tables: Array<{ name: string; filter?: string }>) {
    return {
        name: 'estimates',
        source: { url: from.url },
        target: { url: target.url },
        tables,
        options: { pageSize: PAGE_SIZE },
    };
}

async function plan(from: Simulator, tables: Array<{ name: string; filter?: string }>, ...flags: string[]) {
    const file = join(dir, `spec-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(spec(from, tables)));
    from.resetStats();
    const json = await cli(['plan', '--spec', file, '--json', ...flags]);
    const human = await cli(['plan', '--spec', file, ...flags]);
    const entries = json.code === 0 || json.code === 2 ? JSON.parse(json.stdout || '{}') : {};
    const byName = Object.fromEntries(
        (entries.tiers ?? []).flatMap((t: any) => t.tables).map((t: any) => [t.name, t]),
    ) as Record<string, any>;
    return { json, human, plan: entries, tables: byName };
}

/** Collection queries the source answered for the run tables: a key walk is at least one per table. */
function tableQueries(sim: Simulator): Record<string, { queries: number; rowsRead: number }> {
    const stats = sim.stats().tables;
    return Object.fromEntries(
        TABLES.map((t) => [t, { queries: stats[t]?.queries ?? 0, rowsRead: stats[t]?.rowsRead ?? 0 }]),
    );
}

const rows = (sim: Simulator, table: string, keep: (row: Record<string, unknown>) => boolean = () => true) =>
    sim.dump(table).filter(keep).length;

describe('tables without a filter', () => {
    it("report the snapshot's count as an estimate, without reading a single row of them", async () => {
        const { json, human, tables } = await plan(
            source,
            TABLES.map((name) => ({ name })),
        );
        expect(json.stderr).toBe('');
        expect(json.code).toBe(0);
        for (const name of TABLES) {
            const n = rows(source, name);
            expect(tables[name], name).toMatchObject({
                rows: n,
                pages: Math.ceil(n / PAGE_SIZE),
                estimate: true,
                exact: false,
                basis: 'snapshot',
            });
        }
        // No key walk, no count: the function alone, for both plans (JSON and human).
        expect(tableQueries(source)).toEqual(Object.fromEntries(TABLES.map((t) => [t, { queries: 0, rowsRead: 0 }])));
        const contacts = rows(source, 'contact');
        expect(human.code).toBe(0);
        expect(human.stdout).toMatch(
            new RegExp(
                `^ +contact +~${contacts.toLocaleString('en-US')} rows, ~${Math.ceil(contacts / PAGE_SIZE)} pages, `,
                'm',
            ),
        );
        expect(human.stdout).toMatch(/^Total: ~[\d,]+ rows, ~\d+ pages$/m);
        expect(human.stdout).toContain(
            "Row counts are estimates; the run lists the exact pages.\n  without a filter: the service's row count snapshot, up to 24 h old\n",
        );
    });
});

describe('filtered tables', () => {
    it('count under the limit exactly with one $count request reading at most one row', async () => {
        const inactive = (row: Record<string, unknown>) => row.statecode === 1;
        expect(rows(source, 'account', inactive)).toBeGreaterThan(0);
        const { json, human, tables } = await plan(source, [{ name: 'account', filter: 'statecode eq 1' }]);
        expect(json.code).toBe(0);
        const n = rows(source, 'account', inactive);
        expect(tables.account).toEqual({
            name: 'account',
            deferred: expect.any(Array),
            bulkWrites: { UpsertMultiple: true, UpdateMultiple: true },
            rows: n,
            pages: Math.max(1, Math.ceil(n / PAGE_SIZE)),
            estimate: true,
            exact: true,
            basis: 'count',
            requests: { source: expect.any(Number), target: expect.any(Number) },
        });
        // One count for each of the two plans.
        expect(tableQueries(source).account).toEqual({ queries: 2, rowsRead: 2 });
        expect(human.stdout).toMatch(new RegExp(`^ +account +${n.toLocaleString('en-US')} rows?, 1 page, `, 'm'));
    });

    it("say 'more than 5,000' past the limit, bounded by the table's total", async () => {
        const total = rows(source, 'contact');
        expect(total).toBeGreaterThan(5000);
        const { json, human, tables } = await plan(source, [{ name: 'contact', filter: 'statecode ge 0' }]);
        expect(json.code).toBe(0);
        expect(tables.contact).toMatchObject({
            rows: total,
            pages: Math.ceil(total / PAGE_SIZE),
            estimate: true,
            exact: false,
            basis: 'count',
            moreThan: 5000,
        });
        expect(tableQueries(source).contact?.queries).toBe(2);
        expect(human.stdout).toContain(`Total: at most ~${total.toLocaleString('en-US')} rows`);
        expect(human.stdout).toMatch(
            new RegExp(
                `contact +more than 5,000 rows \\(at most ~${total.toLocaleString('en-US')}\\), up to ~${Math.ceil(total / PAGE_SIZE)} pages`,
            ),
        );
    });
});

describe('an environment that will not count', () => {
    it.each([
        [
            'without the function',
            () => missing,
            /404 0x8006088a .*Resource not found for the segment 'RetrieveTotalRecordCount'/,
        ],
        ['that denies it', () => denied, /403 0x80040220 .*The user does not hold the necessary privileges/],
    ])('%s: rows unknown with a warning, never a key walk or a problem', async (_label, sim, reason) => {
        const from = sim();
        const {
            json,
            human,
            plan: summary,
            tables,
        } = await plan(from, [{ name: 'account' }, { name: 'contact', filter: 'statecode eq 0' }]);
        expect(json.code).toBe(0);
        expect(summary.problems).toEqual([]);
        expect(tables.account).toMatchObject({ rows: null, pages: null, estimate: true, basis: 'unknown' });
        // The filtered table's $count still answers.
        const active = rows(from, 'contact', (r) => r.statecode === 0);
        expect(tables.contact).toMatchObject({ rows: active, exact: true, basis: 'count' });
        const warning = summary.warnings.find((w: any) => w.message.includes('RetrieveTotalRecordCount'));
        expect(warning?.message).toMatch(reason);
        expect(warning?.message).toContain('the run lists the exact pages');
        expect(tableQueries(from).account).toEqual({ queries: 0, rowsRead: 0 });
        expect(human.code).toBe(0);
        expect(human.stdout).toMatch(/^ +account +rows unknown, /m);
        expect(human.stdout).toMatch(/^Total: [\d,]+ rows?, \d+ pages? \(and 1 table not counted\)$/m);
        expect(human.stdout).toContain('No problems.');
    });
});

describe('plan --exact', () => {
    it('walks the keys for exact counts, as before', async () => {
        const { json, human, tables } = await plan(source, [{ name: 'account' }], '--exact');
        expect(json.code).toBe(0);
        const n = rows(source, 'account');
        expect(tables.account).toMatchObject({
            rows: n,
            pages: Math.ceil(n / PAGE_SIZE),
            estimate: false,
            exact: true,
            basis: 'keys',
        });
        expect(tableQueries(source).account).toMatchObject({ rowsRead: 2 * n });
        expect(human.stdout).toMatch(new RegExp(`account +${n.toLocaleString('en-US')} rows in \\d+ pages`));
        expect(human.stdout).not.toContain('Row counts are estimates');
    });
});

describe('the snapshot', () => {
    // Last: it writes to the source.
    it('leaves rows written since it out until it is 24 hours old', async () => {
        const before = rows(source, 'lead');
        const created = await fetch(`${source.url}/api/data/v9.2/leads`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ lastname: 'After the snapshot' }),
        });
        expect(created.status).toBe(204);
        expect((await plan(source, [{ name: 'lead' }])).tables.lead.rows).toBe(before);
        source.advanceClock(RECORD_COUNT_SNAPSHOT_MAX_AGE_MS);
        expect((await plan(source, [{ name: 'lead' }])).tables.lead.rows).toBe(before + 1);
    });
});
