/**
 * One run per target table, end to end: the CLI (`run --spec`), an inline spec posted to the API and a stored spec
 * started through the API are all refused while another live run writes a table of the same target, and the
 * refusal names that run (exit code 3 / HTTP 409 target-busy); a holder that died or whose lease lapsed lets the
 * next start proceed; two real CLI runs of one spec never both run; and a stored spec whose credential check
 * outlasts the spec's lease (a slow token endpoint) is still started once.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentClients } from '../../src/environments/index.js';
import { claimRunLease, readLease, releaseRunLease } from '../../src/run/run-lease.js';
import { startSpecRun } from '../../src/schedule/index.js';
import type { MigrationSpec } from '../../src/spec/index.js';
import { createFileSpecStore } from '../../src/specstore/index.js';
import { cli } from '../helpers/cli.js';
import { apiHarness, type Harness } from './api-helpers.js';

let h: Harness;
const tables = [{ name: 'account' }, { name: 'contact' }];

beforeAll(async () => {
    h = await apiHarness({
        source: { schema: 'crm', rows: 200, seed: 41, latencyMs: 10 },
        target: { schema: 'crm', rows: 200, seed: 41, empty: true, latencyMs: 10 },
    });
}, 60_000);
afterAll(() => h?.close());

async function specFile(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const path = join(h.root, `${name}.json`);
    await writeFile(path, JSON.stringify(h.spec({ name, tables, options: { pageSize: 25 }, ...extra })));
    return path;
}

const run = (path: string) => cli(['run', '--spec', path, '--json', '--log-dir', h.root], { cwd: h.root });

describe('a start while another run holds the target', () => {
    const scope = () => ({ target: h.target.url, tables: ['contact'] });
    const live = { runId: 'other-20261201-120000-abcd', spec: 'other', who: 'the CLI (someone@elsewhere)' };

    it('is refused on every path, naming the run that holds it; once it is released the start proceeds', async () => {
        const now = { now: new Date() };
        expect(
            await claimRunLease(h.store, scope(), { ...live, process: { host: hostname(), pid: process.pid } }, now),
        ).toBeUndefined();
        const named =
            /run other-20261201-120000-abcd \(spec 'other', started by the CLI \(someone@elsewhere\)\) is writing table contact of /;

        const fromCli = await run(await specFile('by-cli'));
        expect(fromCli.code).toBe(3);
        expect(fromCli.stderr).toMatch(named);
        expect(JSON.parse(fromCli.stdout)).toMatchObject({
            error: 'target-busy',
            table: 'contact',
            heldBy: { runId: live.runId, spec: 'other' },
        });

        const inline = await h.call('startMigration', { body: h.spec({ name: 'inline', tables }) });
        expect(inline.status).toBe(409);
        expect(inline.json).toMatchObject({ error: 'target-busy', table: 'contact', heldBy: { runId: live.runId } });
        expect(inline.json.message).toMatch(named);
        expect(inline.json.statusUrl).toBe(`http://localhost:7071/api/automation/migrations/${live.runId}`);

        await h.call('putSpec', { params: { name: 'stored' }, body: h.spec({ name: 'stored', tables }) });
        const stored = await h.call('startMigration', { body: { spec: 'stored' } });
        expect(stored.status).toBe(409);
        expect(stored.json).toMatchObject({ error: 'target-busy', heldBy: { runId: live.runId } });
        // Nothing was started by the refused starts.
        expect((await h.store.listRuns()).runs).toEqual([]);

        await releaseRunLease(h.store, scope(), live.runId);
        const after = await run(await specFile('by-cli'));
        expect(after.code, after.stderr).toBe(0);
        expect(await readLease(h.store, h.target.url, 'contact')).toBeUndefined(); // its finish let it go
    });

    it('proceeds when the holder process died, or when its lease lapsed', async () => {
        const child = spawn(process.execPath, ['-e', '']);
        await once(child, 'exit');
        const dead = { ...live, process: { host: hostname(), pid: child.pid! } };
        expect(await claimRunLease(h.store, scope(), dead, { now: new Date() })).toBeUndefined();
        const afterDeath = await run(await specFile('after-death'));
        expect(afterDeath.code, afterDeath.stderr).toBe(0);

        // A holder in Azure names no process: its lease lapses when its time is up (it was not renewed).
        const lapsed = { now: new Date(Date.now() - 10 * 60_000) };
        expect(await claimRunLease(h.store, scope(), live, lapsed)).toBeUndefined();
        const started = await h.call('startMigration', { body: h.spec({ name: 'after-lapse', tables }) });
        expect(started.status).toBe(202);
        expect((await h.finished(started.json.id)).summary.status).toBe('succeeded');
    });
});

describe('two runs at once', () => {
    it('never both run: the second CLI start of a spec is refused naming the first, which finishes', async () => {
        const path = await specFile('twice', { tables: [{ name: 'contact' }] });
        // The first run's first write waits in the target until the second start has had its answer: on a slow
        // machine a second CLI's start (seconds) can outlast a whole 200-row run, which then lets the target go.
        const held = h.target.holdNextWrite();
        const first = run(path);
        await held.arrived;
        const holder = (await readLease(h.store, h.target.url, 'contact'))?.holder.runId;
        expect(holder).toBeDefined();
        const second = await run(path);
        held.commit();
        expect(second.code).toBe(3);
        expect(second.stderr).toContain(`run ${holder} (spec 'twice', started by the CLI (`);
        const done = await first;
        expect(done.code, done.stderr).toBe(0);
        expect(JSON.parse(done.stdout).runId).toBe(holder);
    });

    it('starts a stored spec once when its credential check outlasts the spec lease (a slow token endpoint)', async () => {
        await h.call('putSpec', { params: { name: 'slow-token' }, body: h.spec({ name: 'slow-token', tables }) });
        let specClock = Date.now();
        const specs = createFileSpecStore(h.root, { now: () => specClock });
        let release!: () => void;
        const tokens = new Promise<void>((resolve) => (release = resolve));
        let checks = 0;
        const slowWhoAmI = (client: EnvironmentClients['source']) =>
            new Proxy(client, {
                get(target, property, receiver) {
                    if (property !== 'whoAmI') return Reflect.get(target, property, receiver) as unknown;
                    return async (...args: Parameters<typeof client.whoAmI>) => {
                        checks++;
                        await tokens;
                        return target.whoAmI(...args);
                    };
                },
            });
        const deps = {
            ...h.deps,
            specs,
            disallowedUrl: () => undefined,
            connect: (spec: MigrationSpec) => {
                const clients = h.deps.connect(spec);
                return { source: slowWhoAmI(clients.source), target: slowWhoAmI(clients.target) };
            },
        };
        const waitFor = async (n: number) => {
            while (checks < n) await new Promise((r) => setTimeout(r, 5));
        };
        const a = startSpecRun(deps, 'slow-token', { trigger: 'http', runId: 'slow-token-20261201-120000-aaaa' });
        await waitFor(2);
        specClock += 61_000; // the spec's 60 s lease lapses while the first start waits for its tokens
        const b = startSpecRun(deps, 'slow-token', { trigger: 'http', runId: 'slow-token-20261201-120000-bbbb' });
        await waitFor(4);
        release();
        const outcomes = await Promise.all([a, b]);
        const started = outcomes.filter((o) => o.kind === 'started');
        expect(started).toHaveLength(1);
        const refused = outcomes.find((o) => o.kind !== 'started');
        expect(refused).toMatchObject({
            kind: 'target-busy',
            conflict: { heldBy: { holder: { runId: (started[0] as { runId: string }).runId, who: 'the HTTP API' } } },
        });
        expect((await h.finished((started[0] as { runId: string }).runId)).summary.status).toBe('succeeded');
    });
});
