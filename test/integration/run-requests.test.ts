/**
 * The requests a run sent, as its summary counts them, against what the simulators received (their own stats count
 * Web API requests by method, a `$batch` as one POST): reads are the GETs, writes every other request, per
 * environment; each table's phases add up to the run's total with the plan's. Under a 429 storm the 429s show as
 * throttled and as retries.
 */
import { renderSummary } from '../../src/cli/render.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORM_LIMITS } from './dataverse-helpers.js';
import { dvm, runJson, simulatorPair, writeSpec, type Pair, type Sim } from './run-helpers.js';

// contact deletes missing rows: finding the candidates sends requests that count too.
const TABLES = [{ name: 'account' }, { name: 'contact', deleteMissing: true }];
const OPTIONS = { pageSize: 50, writeBatchSize: 50 };

/**
 * What a simulator received: GETs, every other request, and the error answers other than 429 (with no fault
 * injected each is a request's last answer: a 404 for a file column with no file, say).
 */
function received(sim: Sim) {
    const { methods, statuses } = sim.stats();
    const reads = methods.GET ?? 0;
    const all = Object.values(methods).reduce((n, c) => n + c, 0);
    const failed = Object.entries(statuses)
        .filter(([status]) => Number(status) >= 400 && status !== '429')
        .reduce((n, [, c]) => n + c, 0);
    return { reads, writes: all - reads, failed };
}

type Counts = { reads: number; writes: number; retries: number; throttled: number; failed: number };
type Sides = { source?: Counts; target?: Counts };

function addSides(list: Array<Sides | undefined>): { source: Counts; target: Counts } {
    const zero = (): Counts => ({ reads: 0, writes: 0, retries: 0, throttled: 0, failed: 0 });
    const sum = { source: zero(), target: zero() };
    for (const sides of list)
        for (const side of ['source', 'target'] as const)
            for (const key of Object.keys(sum[side]) as Array<keyof Counts>)
                sum[side][key] += sides?.[side]?.[key] ?? 0;
    return sum;
}

describe('the requests of a run', () => {
    let pair: Pair;
    beforeAll(async () => {
        const crm = { schema: 'crm' as const, rows: 300, seed: 31 };
        pair = await simulatorPair(crm, { ...crm, empty: true });
    });
    afterAll(() => pair?.close());

    it(
        'equal what each simulator received, per environment, and add up from the tables',
        { timeout: 120_000 },
        async () => {
            const spec = await writeSpec(pair, { name: 'requests', tables: TABLES, options: OPTIONS });
            pair.source.resetStats();
            pair.target.resetStats();
            const { code, summary } = await runJson(pair, spec);
            expect(code).toBe(0);
            const source = received(pair.source);
            const target = received(pair.target);
            expect(source.reads).toBeGreaterThan(0);
            expect(target.writes).toBeGreaterThan(0);
            expect(summary.requests.source).toEqual({ ...source, retries: 0, throttled: 0 });
            expect(summary.requests.target).toEqual({ ...target, retries: 0, throttled: 0 });
            // Per table: every phase's requests; with the plan's they make the run's.
            const tables = Object.values<Record<string, { requests?: Sides } | undefined>>(summary.tables);
            const perTable = tables.flatMap((t) =>
                ['copy', 'deferred', 'state', 'content', 'delete'].map((p) => t[p]?.requests),
            );
            const phases = addSides(perTable);
            for (const side of ['source', 'target'] as const) {
                // The plan only reads (metadata, counts, the preflight): every write is a table's.
                expect(phases[side].writes).toBe(summary.requests[side].writes);
                expect(phases[side].reads).toBeLessThan(summary.requests[side].reads);
            }
            expect(summary.tables.account.copy.requests.source.reads).toBeGreaterThan(0);
            // The text the CLI prints: a line per table and environment, and the run's.
            const text = renderSummary(summary).split('\n');
            expect(text.find((l) => l.startsWith('run (plan included)') && l.includes('target'))).toMatch(
                new RegExp(`target\\s+${target.reads}\\s+${target.writes}\\s+0\\s+0\\s+${target.failed}$`),
            );
            // The history lists the run's requests; its events log ends with them.
            const sent = source.reads + source.writes + target.reads + target.writes;
            const { runs } = JSON.parse((await dvm(pair, ['runs', '--json'])).stdout) as {
                runs: Array<{ requests?: number }>;
            };
            expect(runs[0]?.requests).toBe(sent);
            const { events } = JSON.parse((await dvm(pair, ['log', summary.runId, '--json'])).stdout) as {
                events: Array<{ type: string; requests?: unknown }>;
            };
            expect(events.find((e) => e.type === 'run-finished')?.requests).toEqual(summary.requests);
            expect(summary.tables.contact.copy.requests.target.writes).toBeGreaterThan(0);
        },
    );
    it('are estimated by plan within a factor of 2 of what the run sent', { timeout: 120_000 }, async () => {
        const spec = await writeSpec(pair, { name: 'requests', tables: TABLES, options: OPTIONS }, 'estimate.json');
        const plan = await dvm(pair, ['plan', '--spec', spec, '--json']);
        expect(plan.code).toBe(0);
        const { requests } = JSON.parse(plan.stdout) as { requests: { source: number; target: number } };
        pair.source.resetStats();
        pair.target.resetStats();
        const { summary } = await runJson(pair, spec);
        for (const side of ['source', 'target'] as const) {
            const sent = summary.requests[side].reads + summary.requests[side].writes;
            expect(requests[side] / sent, `${side}: estimated ${requests[side]}, sent ${sent}`).toBeGreaterThan(0.5);
            expect(requests[side] / sent, `${side}: estimated ${requests[side]}, sent ${sent}`).toBeLessThan(2);
        }
        const text = await dvm(pair, ['plan', '--spec', spec]);
        expect(text.stdout).toContain(
            `Requests (estimated, plan included): ~${requests.source.toLocaleString('en-US')} to the source`,
        );
    });

    it(
        'refuses a run whose estimate passes options.maxRequests, before anything is written',
        { timeout: 120_000 },
        async () => {
            const spec = await writeSpec(
                pair,
                { name: 'capped', tables: TABLES, options: { ...OPTIONS, maxRequests: 20 } },
                'capped.json',
            );
            const plan = await dvm(pair, ['plan', '--spec', spec]);
            expect(plan.code).toBe(2);
            expect(plan.stderr + plan.stdout).toMatch(
                /options\.maxRequests: the run is estimated to send about [\d,]+ requests to the target, more than options\.maxRequests 20/,
            );
            pair.target.resetStats();
            const { code, summary } = await runJson(pair, spec);
            expect(code).toBe(2);
            expect(summary.status).toBe('invalid');
            expect(summary.problems.map((p: { path?: string }) => p.path)).toContain('options.maxRequests');
            expect(pair.target.stats().rowsWritten).toBe(0);
        },
    );
});

describe('the requests of a throttled run', () => {
    let pair: Pair;
    beforeAll(async () => {
        const crm = { schema: 'crm' as const, rows: 150, seed: 32 };
        // The target throttles: a few requests a (compressed) window, so 429s come back with a short Retry-After.
        const limits = { ...STORM_LIMITS, maxRequestsPerWindow: 6 };
        pair = await simulatorPair(crm, { ...crm, empty: true, limits, timeScale: 0.02 });
    });
    afterAll(() => pair?.close());

    it('shows the 429s as throttled and as retries, never as failed', { timeout: 180_000 }, async () => {
        const spec = await writeSpec(pair, { name: 'throttled', tables: TABLES, options: OPTIONS });
        pair.target.resetStats();
        const { code, summary } = await runJson(pair, spec);
        expect(code).toBe(0);
        const answered429 = pair.target.stats().statuses['429'] ?? 0;
        expect(answered429).toBeGreaterThan(0);
        expect(summary.requests.target.throttled).toBe(answered429);
        expect(summary.requests.target.retries).toBeGreaterThanOrEqual(answered429);
        const target = received(pair.target);
        expect(summary.requests.target).toMatchObject(target);
    });
});
