/**
 * Load to a new table (issue 18): a source custom table the target lacks is created in the target from the source's
 * metadata (typed columns, a local and a global choice, a multi-select choice, a lookup to an existing table and a
 * self-lookup, the key `match` names), then loaded. `plan` shows the diff first and creates nothing; verify says
 * identical; a second run creates and writes nothing.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as RetryPolicy from '../../src/dataverse/retry-policy.js';
import { addSourceRows, createSourceTable, minimalTableBody } from './new-table-helpers.js';
import { api, dvm, runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

// Lock and key-index waits back off from the client's base delay: shortened here, every wait is kept.
vi.mock('../../src/dataverse/retry-policy.js', async (importOriginal) => {
    const original = await importOriginal<typeof RetryPolicy>();
    return {
        ...original,
        DEFAULT_RETRY_OPTIONS: {
            ...original.DEFAULT_RETRY_OPTIONS,
            baseDelayMs: 5,
            maxDelayMs: 20,
            throttleFallbackMs: 5,
        },
    };
});

let pair: Pair;
let specPath: string;

beforeAll(async () => {
    pair = await simulatorPair(
        {
            schema: 'crm',
            rows: 40,
            seed: 18,
            customizations: { keyIndexReads: 0, publishers: [{ uniqueName: 'contoso', prefix: 'contoso' }] },
        },
        // Every metadata write after one that succeeded meets another customization's lock once.
        { schema: 'crm', rows: 40, seed: 18, empty: true, customizations: { metadataLock: { refusalsAfterWrite: 1 } } },
    );
    await createSourceTable(pair.source);
    await addSourceRows(pair.source);
    specPath = await writeSpec(pair, {
        name: 'new-table',
        tables: [{ name: 'account' }, { name: 'new_project', load: 'new', match: 'new_codekey' }],
    });
});
afterAll(() => pair?.close());

async function targetHas(table: string): Promise<boolean> {
    const response = await fetch(
        `${pair.target.url}/api/data/v9.2/EntityDefinitions(LogicalName='${table}')?$select=LogicalName`,
    );
    return response.ok;
}

describe('load to a new table', () => {
    it('plan shows the schema to create first, and creates nothing', async () => {
        const result = await dvm(pair, ['plan', '--spec', specPath]);
        expect(result.code, result.stderr + result.stdout).toBe(0);
        const text = result.stdout;
        expect(text).toContain(
            'Schema to create in the target first (the default solution; nothing is created by plan)',
        );
        for (const line of [
            '+ create table new_project (new_Project, UserOwned, primary name new_name String(max 120))',
            '+ create global choice new_stage (2 options)',
            '+ add column new_project.new_budget Money(precision 2, 0..1000000)',
            '+ add column new_project.new_due DateTime(DateOnly, DateOnly)',
            '+ add column new_project.new_tags MultiSelectPicklist(3 options)',
            '+ create relationship new_account_new_project: new_project.new_accountid -> account',
            '+ create relationship new_project_parent: new_project.new_parentprojectid -> new_project, a self-reference',
            '+ create key new_project.new_codekey (new_code)',
        ])
            expect(text).toContain(line);
        expect(text.indexOf('Schema to create')).toBeLessThan(text.indexOf('Tier 1'));
        expect(text).toContain('No problems.');
        expect(await targetHas('new_project')).toBe(false);
        const verify = await dvm(pair, ['verify', '--spec', specPath]);
        expect(verify.code).toBe(2);
        expect(verify.stdout + verify.stderr).toContain(
            'the target lacks the schema this spec creates (15 operations, starting with: create table new_project (new_Project, UserOwned, primary name new_name String(max 120))): run it first; `plan` shows what it creates',
        );
    });

    it("refuses a table whose prefix no target publisher has, naming the target's publishers", async () => {
        await api(pair.source, 'POST', 'EntityDefinitions', minimalTableBody('contoso_Site'));
        const spec = await writeSpec(
            pair,
            { name: 'prefix', tables: [{ name: 'contoso_site', load: 'new' }] },
            'prefix.json',
        );
        const result = await dvm(pair, ['plan', '--spec', spec]);
        expect(result.code).toBe(2);
        expect(result.stdout + result.stderr).toContain(
            "tables[0].load: 'contoso_Site' carries the prefix 'contoso_', but no publisher in the target has it (its publishers: DefaultPublisher (new_))",
        );
    });

    it('creates the table, then loads it; verify says identical', async () => {
        const { code, summary } = await runJson(pair, specPath);
        expect(code, summary.reason).toBe(0);
        expect(await targetHas('new_project')).toBe(true);
        expect(summary.tables.new_project.copy.written).toBe(12);
        // Matched on the created key: the target keeps its own ids; rows and the self-lookup are compared by code.
        const codeOf = (rows: any[]) => new Map(rows.map((r) => [r.new_projectid, r.new_code]));
        const sourceRows = pair.source.dump('new_project') as any[];
        const targetRows = pair.target.dump('new_project') as any[];
        const [sourceCodes, targetCodes] = [codeOf(sourceRows), codeOf(targetRows)];
        const target = new Map(targetRows.map((r) => [r.new_code, r]));
        for (const row of sourceRows) {
            const copied = target.get(row.new_code);
            for (const column of [
                'new_name',
                'new_notes',
                'new_headcount',
                'new_ratio',
                'new_budget',
                'new_active',
                'new_due',
                'new_priority',
                'new_stage',
                'new_tags',
            ])
                expect(copied?.[column] ?? null, column).toEqual(row[column] ?? null);
            expect(targetCodes.get(copied?.new_parentprojectid?.id)).toBe(sourceCodes.get(row.new_parentprojectid?.id));
            expect(copied?.new_accountid?.id).toBe(row.new_accountid?.id);
        }
        expect(targetRows.filter((r) => r.new_parentprojectid).length).toBe(11);
        const events = (await readFile(join(pair.dir, 'log', 'runs', summary.runId, 'events.jsonl'), 'utf8'))
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line))
            .filter((e) => e.type === 'schema');
        expect(events.map((e) => `${e.operation} ${e.outcome}`)).toEqual([
            'table created',
            'optionSet created',
            ...Array(10).fill('column created'),
            'relationship created',
            'relationship created',
            'key created',
            'publish published',
        ]);
        // Each write after the first waited out the lock once, and was sent again.
        expect(events.slice(1).map((e) => e.lockWaits)).toEqual(Array(events.length - 1).fill(1));
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
    });

    it('creates and writes nothing when run again', async () => {
        const written = pair.target.stats().rowsWritten;
        const { code, summary } = await runJson(pair, specPath);
        expect(code, summary.reason).toBe(0);
        expect(summary.tables.new_project.copy.unchanged).toBe(12);
        expect(pair.target.stats().rowsWritten).toBe(written);
        const plan = await dvm(pair, ['plan', '--spec', specPath]);
        expect(plan.stdout).not.toContain('Schema to create');
    });
});
