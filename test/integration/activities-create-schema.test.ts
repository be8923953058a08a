/**
 * The createSchema activity (the run's schema phase) through the activity table both hosts dispatch from: it creates
 * only what the target lacks (a resumed run whose first attempt created the table before it stopped), waits for the
 * key, logs each operation, plans the run again against the created schema, and a second execution returns its receipt.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from 'dataverse-sim';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities, type ActivityTable } from '../../src/activities/index.js';
import type * as RetryPolicy from '../../src/dataverse/retry-policy.js';
import { createEnvironmentClients } from '../../src/environments/index.js';
import type { Plan } from '../../src/plan/types.js';
import { createFileRunStore } from '../../src/runlog/index.js';
import { runPaths } from '../../src/runlog/layout.js';
import { createSourceTable } from './new-table-helpers.js';
import { api, type Sim } from './run-helpers.js';

vi.mock('../../src/dataverse/retry-policy.js', async (importOriginal) => {
    const original = await importOriginal<typeof RetryPolicy>();
    return {
        ...original,
        DEFAULT_RETRY_OPTIONS: { ...original.DEFAULT_RETRY_OPTIONS, baseDelayMs: 5, maxDelayMs: 20 },
    };
});

let source: Sim;
let target: Sim;
let root: string;
let activities: ActivityTable;
const runId = 'schema-20261207-230000-abcd';
const options = () => ({ signal: new AbortController().signal });

beforeAll(async () => {
    [source, target] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 10, seed: 2 }),
        startSimulator({ schema: 'crm', rows: 10, seed: 2, empty: true }),
    ]);
    await createSourceTable(source);
    root = await mkdtemp(join(tmpdir(), 'dvm-schema-'));
    activities = createActivities({
        store: createFileRunStore(root),
        connect: (spec) => createEnvironmentClients(spec, { env: process.env, userAgent: 'test' }),
    });
});
afterAll(() => Promise.all([source?.close(), target?.close()]));

describe('the schema phase', () => {
    it('creates what the target lacks, skips what it has, and plans the run again against the result', async () => {
        const planned: any = await activities.planRun(
            {
                runId,
                trigger: 'test',
                startedAt: '2026-12-07T23:00:00Z',
                spec: {
                    name: 'schema',
                    source: { url: source.url },
                    target: { url: target.url },
                    tables: [{ name: 'account' }, { name: 'new_project', load: 'new', match: 'new_codekey' }],
                },
            },
            options(),
        );
        expect(planned.problems).toEqual([]);
        expect(planned.schemaOperations).toBe(15);
        const plan = JSON.parse(await readFile(join(root, runPaths(runId).plan), 'utf8')) as Plan;
        // As a first attempt that stopped after its first write would have left it: the table exists.
        const table = plan.schema!.operations[0]!;
        await api(target, 'POST', 'EntityDefinitions', table.body);

        const outcome: any = await activities.createSchema({ runId }, options());
        const { requests: sent, ...done } = outcome;
        expect(done).toEqual({ runId, created: 14, existing: 1, problems: [] });
        // The activity's requests come with its outcome: each created definition is one write at least.
        expect(sent.target.writes).toBeGreaterThanOrEqual(14);
        const events = (await readFile(join(root, runPaths(runId).events), 'utf8'))
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line))
            .filter((e) => e.type === 'schema');
        expect(events[0]).toMatchObject({ operation: 'table', outcome: 'exists', table: 'new_project' });
        expect(events.at(-2)).toMatchObject({ operation: 'key', outcome: 'created', name: 'new_project.new_codekey' });
        expect(events.at(-1)).toMatchObject({ operation: 'publish', outcome: 'published' });
        // The stored plan is the one against the created schema: nothing left to create, the key Active.
        const again = JSON.parse(await readFile(join(root, runPaths(runId).plan), 'utf8')) as Plan;
        expect(again.schema).toBeUndefined();
        expect(again.problems).toEqual([]);
        expect(again.tables.new_project!.match).toMatchObject({ kind: 'key', key: 'new_codekey' });
        expect(again.tiers).toEqual(plan.tiers);

        const requests = target.stats().requests;
        expect(await activities.createSchema({ runId }, options())).toEqual(outcome);
        expect(target.stats().requests).toBe(requests);
    });
});
