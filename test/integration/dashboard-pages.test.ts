/**
 * The dashboard's pages as `serve` answers them (node:http, the real API handlers, the local durable host, two
 * simulators): a stored spec before and after its run, the run's page with its summary, failed row and downloads,
 * a run in progress with a hostile cancel reason shown as text, the plan page, and error pages in HTML.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenApi, type ApiServer } from '../../src/api/index.js';
import { apiHarness, type Harness } from './api-helpers.js';

let h: Harness;
let server: ApiServer;
/** serve's token for this file's server, sent as the browser's cookie would be (serve-access.test.ts tests the trade). */
const access = { token: 'dashboard-pages-test-token-0123456789abcdef', user: 'tester' };

beforeAll(async () => {
    h = await apiHarness({
        source: { schema: 'crm', rows: 120, seed: 7 },
        target: { schema: 'crm', rows: 120, seed: 7, empty: true },
    });
    server = await listenApi(h.deps, { port: 0, access });
});

afterAll(async () => {
    await server?.close();
    await h?.close();
});

async function get(path: string) {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${access.token}` } });
    return { status: response.status, headers: response.headers, text: await response.text() };
}

const tables = [{ name: 'account' }, { name: 'contact' }];

describe('a stored spec and its run', () => {
    let runId: string;

    it('shows a stored spec that never ran, with its schedule and next run, and its start form', async () => {
        const put = await h.call('putSpec', {
            params: { name: 'nightly' },
            body: h.spec({ name: 'nightly', tables, options: { schedule: '0 0 2 * * *', pageSize: 50 } }),
        });
        expect(put.status).toBe(201);
        const home = await get('/');
        expect(home.status).toBe(200);
        expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
        expect(home.text).toMatch(/<th scope="row">nightly<\/th>/);
        expect(home.text).toContain('Never run');
        expect(home.text).toContain('<code>0 0 2 * * *</code>');
        expect(home.text).toMatch(/<time datetime="\d{4}-\d\d-\d\dT02:00:00.000Z">/);
        expect(home.text).toContain(`data-api-url="${server.url}/api/migrations"`);
        expect(home.text).toContain('data-api-body="{&quot;spec&quot;:&quot;nightly&quot;}"');
        expect(home.text).toContain('No runs yet.');
    });

    it('shows the finished run in the history, and its page with summary, failed row and downloads', async () => {
        // The target already holds an account with one of the source's alternate key values: that row fails.
        const accounts = h.source.dump('account') as Array<{ accountnumber: string | null }>;
        const taken = accounts.find((a) => a.accountnumber)!.accountnumber;
        await fetch(`${h.target.url}/api/data/v9.2/accounts`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ name: 'Squatter', accountnumber: taken }),
        });
        const start = await h.call('startMigration', { body: { spec: 'nightly' } });
        expect(start.status).toBe(202);
        runId = start.json.id;
        await h.finished(runId);

        const home = await get('/');
        expect(home.text).toContain(`<a href="/runs/${runId}">${runId}</a>`);
        expect(home.text).toContain('<span class="status status-failed">Failed</span>');
        expect(home.text).toContain(`href="/runs/${runId}#failed-rows"`);

        const run = await get(`/runs/${runId}`);
        expect(run.status).toBe(200);
        expect(run.text).toMatch(/<section\s+id="live"[^>]*data-live="false"/);
        expect(run.text).toContain('<h2 id="summary-title">Summary</h2>');
        // The requests table: each table's, per environment, and the run's.
        expect(run.text).toContain('Requests sent to each environment');
        expect(run.text).toMatch(/<th scope="row">the run, plan included<\/th>\s*<td>target<\/td>/);
        expect(run.text).toContain('<code>0x80040237</code>');
        // The service's message names the key value: untrusted text, shown as text.
        expect(run.text).toMatch(/A record that has the attribute values \S+ already exists/);
        expect(run.text).toContain(`href="${server.url}/api/migrations/${runId}/log?format=jsonl"`);
        expect(run.text).toContain(`href="${server.url}/api/migrations/${runId}/errors"`);
        // A finished run has nothing to cancel and does not refresh itself.
        expect(run.text).not.toContain('Cancel run');
        expect(run.text).not.toContain('http-equiv="refresh"');
    });

    it('shows the plan of a stored spec: tiers, deferred lookups, deletes and warnings', async () => {
        const plan = await get('/specs/nightly/plan');
        expect(plan.status).toBe(200);
        expect(plan.text).toContain('<h1>Plan of <code>nightly</code></h1>');
        expect(plan.text).toMatch(/<th scope="row">account<\/th>/);
        expect(plan.text).toMatch(/<th scope="row">contact<\/th>/);
        expect(plan.text).toContain('<h2 id="warnings">Warnings</h2>');
        expect(plan.text).toContain('href="/specs/nightly/plan?diff=true"');
        const diff = await get('/specs/nightly/plan?diff=true');
        expect(diff.text).toContain('<h2 id="changes">What would change</h2>');
    });
});

describe('a run in progress', () => {
    it('refreshes itself, offers cancel, and shows a hostile cancel reason as text', async () => {
        const held = h.target.holdNextWrite();
        const start = await h.call('startMigration', {
            body: h.spec({ name: 'held', tables: [{ name: 'account' }], options: { pageSize: 50 } }),
        });
        const runId: string = start.json.id;
        await held.arrived;
        const reason = '<img src=x onerror=alert(1)>';
        expect((await h.call('cancelMigration', { params: { id: runId }, body: { reason } })).status).toBe(202);
        const run = await get(`/runs/${runId}`);
        held.commit();
        expect(run.text).toMatch(/<section\s+id="live"[^>]*data-live="true"/);
        expect(run.text).toMatch(/<noscript><meta http-equiv="refresh" content="5" ?\/?><\/noscript>/);
        expect(run.text).toContain('Cancel run');
        expect(run.text).toContain('cancel requested');
        expect(run.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
        expect(run.text).not.toContain('<img');
        // Pages already in flight finish (the cancel takes effect at a page boundary): wait for the run's end.
        await h.finished(runId);
    });
});

describe('pages that cannot be shown', () => {
    it('answer HTML error pages with the status and message', async () => {
        const unknown = await get('/runs/nightly-20200101-000000-abcd');
        expect(unknown.status).toBe(404);
        expect(unknown.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(unknown.text).toContain('no run &#39;nightly-20200101-000000-abcd&#39;');
        const bad = await get('/runs/%3Cscript%3E');
        expect(bad.status).toBe(400);
        expect(bad.text).toContain('&#39;&lt;script&gt;&#39; is not a run id');
        expect((await get('/specs/missing/plan')).status).toBe(404);
        expect((await get('/nothing-here')).status).toBe(404);
    });
});
