/**
 * Columns the target's own logic rewrites (research W7): the target environment runs plug-ins that change what a
 * run writes. The first run notices them after its writes and reports each once; later refreshes neither write nor
 * compare them, and verify is identical apart from them. A declared column (spec platformOwned) is never written,
 * compared or re-read.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimPlugin } from 'dataverse-sim';
import { dvm, runJson, simulatorPair, writeSpec, type Pair } from './run-helpers.js';

const PLUGINS: SimPlugin[] = [
    // A normalised value: only rows whose website is not already in capitals are rewritten.
    { table: 'account', column: 'websiteurl', set: { kind: 'uppercase' } },
    // A value derived from other columns, whatever was written.
    { table: 'account', column: 'fax', set: { kind: 'compose', from: ['name', 'telephone1'], separator: ' / ' } },
    // A stamp on every write: declared up front in the spec.
    { table: 'account', column: 'description', set: { kind: 'stamp' } },
];

async function events(pair: Pair, runId: string): Promise<any[]> {
    const text = await readFile(join(pair.dir, 'log', 'runs', runId, 'events.jsonl'), 'utf8');
    return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l));
}

const ownedWarnings = (list: any[]) => list.filter((e) => e.type === 'warning' && e.code === 'PlatformOwned');

async function verify(pair: Pair, specPath: string, logDir: string) {
    const result = await dvm(pair, ['verify', '--spec', specPath, '--json', '--log-dir', logDir]);
    return { code: result.code, report: JSON.parse(result.stdout) };
}

describe('columns the target rewrites', () => {
    /** The target's account queries in the first run, and its pages. */
    let first: { queries: number; pages: number };
    let pair: Pair;
    let specPath: string;

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 200, seed: 5 },
            { schema: 'crm', rows: 200, seed: 5, empty: true, plugins: PLUGINS },
        );
        specPath = await writeSpec(pair, {
            name: 'rewrites',
            // No lookups and no state: the target's account reads are the copy's own and the re-reads alone.
            tables: [
                {
                    name: 'account',
                    columns: ['name', 'telephone1', 'websiteurl', 'fax', 'description'],
                    platformOwned: ['description'],
                },
            ],
            options: { pageSize: 10 },
        });
    });
    afterAll(() => pair?.close());

    it('the first run notices the rewritten columns after its writes and reports each once', async () => {
        const accounts = pair.source.dump('account').length;
        pair.target.resetStats();
        const { code, summary } = await runJson(pair, specPath);
        const stats = pair.target.stats();
        first = {
            queries: stats.tables.account!.queries,
            pages: summary.tables.account.pages,
        };
        expect(summary.reason ?? '').toBe('');
        expect(code).toBe(0);
        expect(summary.tables.account.copy).toMatchObject({ read: accounts, written: accounts, failed: 0 });

        const columns = (summary.platformOwned as any[]).map((p) => p.column).sort();
        expect(columns).toEqual(['fax', 'websiteurl']);
        for (const owned of summary.platformOwned)
            expect(owned.message).toContain(
                `account.${owned.column}: the target's own logic rewrites this column; it is no longer written or compared (row `,
            );
        const warnings = ownedWarnings(await events(pair, summary.runId));
        expect(warnings.map((w) => w.column).sort()).toEqual(['fax', 'websiteurl']);
        const fax = warnings.find((w) => w.column === 'fax');
        const row = pair.target.dump('account').find((a) => a.accountid === fax.sourceId)!;
        expect(fax.message).toContain(`the target holds ${JSON.stringify(row.fax)}`);
        // The declared column is not written at all: the target holds its own value, from the create's stamp.
        const source = pair.source.dump('account').find((a) => a.accountid === fax.sourceId)!;
        expect(row.description).not.toBe(source.description);
    });

    it('verify from another run store sees the rewritten columns differ on every row a run would rewrite', async () => {
        const { code, report } = await verify(pair, specPath, join(pair.dir, 'elsewhere'));
        expect(code).toBe(1);
        expect(report.tables.account.different).toBe(pair.source.dump('account').length);
        expect(report.tables.account.samples.different[0].columns).toContain('fax');
        expect(report.tables.account.platformOwned).toEqual([{ column: 'description', by: 'spec' }]);
    });

    it('the next refresh writes nothing and reports nothing new; verify is identical apart from those columns', async () => {
        pair.target.resetStats();
        const { code, summary } = await runJson(pair, specPath);
        expect(code).toBe(0);
        expect(summary.tables.account.copy).toMatchObject({ written: 0, failed: 0 });
        expect(summary.platformOwned).toBeUndefined();
        expect(ownedWarnings(await events(pair, summary.runId))).toEqual([]);
        const stats = pair.target.stats();
        expect(stats.rowsWritten).toBe(0);
        // What the check cost: the first run read the target's accounts once more for each page it wrote (every
        // page), this one wrote nothing and read nothing more than the copy itself.
        expect(first.queries - stats.tables.account!.queries).toBe(first.pages);

        const { code: verified, report } = await verify(pair, specPath, join(pair.dir, 'log'));
        expect(report.tables.account.different).toBe(0);
        expect(verified).toBe(0);
        expect(report.identical).toBe(true);
        expect(report.tables.account.platformOwned).toEqual([
            { column: 'description', by: 'spec' },
            { column: 'fax', by: 'noticed' },
            { column: 'websiteurl', by: 'noticed' },
        ]);
        // The dry run reads the same run store: a run would update nothing.
        const dry = await dvm(pair, ['run', '--dry-run', '--spec', specPath, '--json']);
        expect(dry.code).toBe(0);
        expect(JSON.parse(dry.stdout).tables.account).toMatchObject({ update: 0, create: 0 });
    });
});
