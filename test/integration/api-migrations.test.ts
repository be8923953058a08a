/**
 * /api/migrations and /api/plans through the Functions adapter (real HttpRequest and InvocationContext) over
 * the local durable host and two simulators: start, status, history, log, the failed rows CSV, cancel mid-run,
 * the dry run, and the requests the API refuses (every problem listed, a URL off the allow-list, an oversized
 * body, a secret in a spec).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILED_ROW_HEADER } from '../../src/runlog/index.js';
import { apiHarness, type Harness } from './api-helpers.js';

const HEADER = FAILED_ROW_HEADER.join(',');

let h: Harness;

beforeAll(async () => {
    h = await apiHarness({
        source: { schema: 'crm', rows: 300, seed: 5 },
        target: { schema: 'crm', rows: 300, seed: 5, empty: true },
    });
});

afterAll(async () => {
    await h?.close();
});

const tables = [{ name: 'account' }, { name: 'contact' }];

describe('a run started over HTTP', () => {
    let runId: string;

    it('starts with 202, the run id and its status, log, errors and cancel URLs', async () => {
        // The target already holds an account with one of the source's alternate key values: that row fails.
        const accounts = h.source.dump('account') as Array<{ accountid: string; accountnumber: string | null }>;
        const refused = accounts.find((a) => a.accountnumber)!;
        const created = await fetch(`${h.target.url}/api/data/v9.2/accounts`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ name: 'Squatter', accountnumber: refused.accountnumber }),
        });
        expect(created.status).toBe(204);

        const response = await h.call('startMigration', {
            body: h.spec({ name: 'http-run', tables, options: { pageSize: 50 } }),
        });
        expect(response.status).toBe(202);
        runId = response.json.id;
        expect(runId).toMatch(/^http-run-\d{8}-\d{6}-[0-9a-f]{4}$/);
        expect(response.json).toMatchObject({
            spec: 'http-run',
            status: 'pending',
            statusUrl: `http://localhost:7071/api/automation/migrations/${runId}`,
            logUrl: `http://localhost:7071/api/automation/migrations/${runId}/log`,
            errorsUrl: `http://localhost:7071/api/automation/migrations/${runId}/errors`,
            cancelUrl: `http://localhost:7071/api/automation/migrations/${runId}/cancel`,
        });
        expect(response.headers.get('location')).toBe(response.json.statusUrl);
    });

    it('reports status, phase and per-table counts, and the summary once finished', async () => {
        const view = await h.finished(runId);
        expect(view).toMatchObject({ id: runId, spec: 'http-run', trigger: 'http', status: 'failed' });
        // The refused account, and any row of a later phase that depends on it.
        expect(view.failedRows).toBe(view.summary.failedRows);
        expect(view.failedRows).toBeGreaterThanOrEqual(1);
        const sourceAccounts = h.source.dump('account').length;
        expect(view.tables.account).toMatchObject({ read: sourceAccounts, written: sourceAccounts - 1, failed: 1 });
        expect(view.tables.contact.read).toBe(h.source.dump('contact').length);
        expect(view.runtimeStatus).toBe('Completed');
        // Planned totals, per table and in all, as the listings found them: what a percentage is taken of.
        const contacts = h.source.dump('contact').length;
        expect(view.planned).toEqual({
            pages: Math.ceil(sourceAccounts / 50) + Math.ceil(contacts / 50),
            rows: sourceAccounts + contacts,
            complete: true,
            tables: {
                account: { pages: Math.ceil(sourceAccounts / 50), rows: sourceAccounts, complete: true },
                contact: { pages: Math.ceil(contacts / 50), rows: contacts, complete: true },
            },
        });
        expect(view.planned.pages).toBe(view.tables.account.pages + view.tables.contact.pages);
    });

    it('lists the history newest first, paged', async () => {
        const second = await h.call('startMigration', {
            body: h.spec({ name: 'http-other', tables: [{ name: 'account' }] }),
        });
        expect(second.status).toBe(202);
        await h.finished(second.json.id);
        const all = await h.call('listMigrations');
        expect(all.status).toBe(200);
        expect(all.json.runs.map((r: any) => r.runId).slice(0, 2)).toEqual([second.json.id, runId]);
        const page = await h.call('listMigrations', { query: { limit: '1' } });
        expect(page.json.runs).toHaveLength(1);
        expect(page.json.runs[0].runId).toBe(second.json.id);
        expect(page.json.nextUrl).toContain('cursor=');
        const rest = await h.call('listMigrations', { query: { limit: '1', cursor: page.json.cursor } });
        expect(rest.json.runs[0]).toMatchObject({ runId, spec: 'http-run', status: 'failed' });
        expect(rest.json.runs[0].failedRows).toBeGreaterThanOrEqual(1);
        const filtered = await h.call('listMigrations', { query: { spec: 'http-run' } });
        expect(filtered.json.runs.map((r: any) => r.runId)).toEqual([runId]);
    });

    it('serves the events log as JSON and as JSON lines', async () => {
        const log = await h.call('getMigrationLog', { params: { id: runId } });
        expect(log.status).toBe(200);
        const types = log.json.events.map((e: any) => e.type);
        expect(types[0]).toBe('run-started');
        expect(types).toContain('page');
        expect(types.at(-1)).toBe('run-finished');
        const lines = await h.call('getMigrationLog', { params: { id: runId }, query: { format: 'jsonl' } });
        expect(lines.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
        expect(lines.text.trimEnd().split('\n')).toHaveLength(log.json.events.length);
    });

    it('serves the failed rows as a CSV that opens in a spreadsheet, all tables or one', async () => {
        const csv = await h.call('getMigrationErrors', { params: { id: runId } });
        expect(csv.status).toBe(200);
        expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(csv.headers.get('content-disposition')).toContain(`${runId}-errors.csv`);
        expect(csv.text.charCodeAt(0)).toBe(0xfeff);
        const records = csv.text.slice(1).split('\r\n').filter(Boolean);
        expect(records[0]).toBe(HEADER);
        const accountRows = records.filter((r) => r.startsWith('account,'));
        expect(accountRows).toHaveLength(1);
        expect(accountRows[0]).toMatch(/^account,[0-9a-f-]{36},copy,[^,]*,0x80040237,/);
        expect(records.length - 1).toBeGreaterThanOrEqual(1);
        const account = await h.call('getMigrationErrors', { params: { id: runId }, query: { table: 'account' } });
        expect(account.text).toBe(`\uFEFF${HEADER}\r\n${accountRows[0]}\r\n`);
        // A table without failed rows: the header alone.
        const lead = await h.call('getMigrationErrors', { params: { id: runId }, query: { table: 'lead' } });
        expect(lead.text).toBe(`\uFEFF${HEADER}\r\n`);
        const bad = await h.call('getMigrationErrors', { params: { id: runId }, query: { table: 'Not A Table' } });
        expect(bad.status).toBe(400);
        expect(bad.json.problems[0].path).toBe('query.table');
    });

    it('answers 400 for a malformed run id and 404 for an unknown one', async () => {
        const bad = await h.call('getMigration', { params: { id: 'nope' } });
        expect(bad.status).toBe(400);
        expect(bad.json).toMatchObject({ error: 'invalid-request', problems: [{ path: 'id' }] });
        const unknown = await h.call('getMigrationLog', { params: { id: 'x-20260101-000000-abcd' } });
        expect(unknown.status).toBe(404);
        const finished = await h.call('cancelMigration', { params: { id: runId }, body: {} });
        expect(finished.status).toBe(409);
        expect(finished.json.error).toBe('already-finished');
    });
});

describe('cancel', () => {
    let slow: Harness;

    beforeAll(async () => {
        // Slow responses and small pages: the run is still copying when the cancel arrives.
        slow = await apiHarness({
            source: { schema: 'crm', rows: 1500, seed: 9, latencyMs: 30 },
            target: { schema: 'crm', rows: 1500, seed: 9, empty: true, latencyMs: 30 },
        });
    });
    afterAll(() => slow?.close());

    it('stops the run at the next page boundary and says so in its log', async () => {
        const started = await slow.call('startMigration', {
            body: slow.spec({ name: 'cancel-me', tables, options: { pageSize: 20, writeBatchSize: 10 } }),
        });
        const runId = started.json.id;
        // Wait for the copy to be under way; meanwhile the planned totals only grow, and cover what is done.
        let plannedPages = 0;
        for (;;) {
            const view = await slow.call('getMigration', { params: { id: runId } });
            const planned = view.json.planned;
            if (planned) {
                expect(planned.pages).toBeGreaterThanOrEqual(plannedPages);
                plannedPages = planned.pages;
                for (const [name, t] of Object.entries<any>(view.json.tables))
                    expect(planned.tables[name].pages).toBeGreaterThanOrEqual(t.pages);
            }
            const copied = Object.entries<any>(view.json.tables).find(([, t]) => t.written > 0);
            if (view.json.phase === 'copy' && copied) {
                // A table whose copy is done was listed whole: its planned rows are the rows it read.
                expect(planned.tables[copied[0]]).toMatchObject({ rows: copied[1].read, complete: true });
                break;
            }
            expect(view.json.summary).toBeUndefined();
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const cancelled = await slow.call('cancelMigration', {
            params: { id: runId },
            body: { reason: 'test cancel' },
        });
        expect(cancelled.status).toBe(202);
        expect(cancelled.json).toMatchObject({ id: runId, cancelRequested: true });
        const during = await slow.call('getMigration', { params: { id: runId } });
        if (!during.json.summary) expect(during.json.cancelRequested).toMatchObject({ reason: 'test cancel' });

        const view = await slow.finished(runId, 120_000);
        expect(view.status).toBe('cancelled');
        expect(view.summary.reason).toBe(
            'cancelled on request by function key (test cancel): stopped at a page boundary',
        );
        expect(view.summary.cancel).toMatchObject({ by: 'function key', reason: 'test cancel' });
        const copied = slow.target.dump('account').length + slow.target.dump('contact').length;
        const source = slow.source.dump('account').length + slow.source.dump('contact').length;
        expect(copied).toBeLessThan(source);
        const log = await slow.call('getMigrationLog', { params: { id: runId } });
        expect(log.json.events.map((e: any) => e.type)).toContain('cancelled');
        expect(log.json.events.at(-1)).toMatchObject({
            type: 'run-finished',
            status: 'cancelled',
            message: view.summary.reason,
        });
    }, 180_000);
});

describe('POST /api/plans', () => {
    it('returns the plan with estimates from the service counts, walks no keys and writes nothing', async () => {
        h.target.resetStats();
        h.source.resetStats();
        const before = h.target.dump('contact').length;
        const response = await h.call('createPlan', {
            body: h.spec({ name: 'dry', tables, options: { pageSize: 100 } }),
        });
        expect(response.status).toBe(200);
        expect(response.json.problems).toEqual([]);
        const planned = response.json.tiers.flatMap((t: any) => t.tables);
        expect(planned.map((t: any) => t.name).sort()).toEqual(['account', 'contact']);
        const account = planned.find((t: any) => t.name === 'account');
        expect(account.rows).toBe(h.source.dump('account').length);
        expect(account.pages).toBe(Math.ceil(account.rows / 100));
        expect(account).toMatchObject({ estimate: true, exact: false, basis: 'snapshot' });
        // The snapshot, not a walk: the source answered no query of the run tables.
        const sourceTables = h.source.stats().tables;
        expect([sourceTables.account?.queries, sourceTables.contact?.queries]).toEqual([0, 0]);
        const writes = Object.values<any>(h.target.stats().tables ?? {}).reduce((n, t) => n + (t.rowsWritten ?? 0), 0);
        expect(writes).toBe(0);
        expect(h.target.dump('contact').length).toBe(before);
    });

    it('with ?diff=true, adds what a run would write, and still writes nothing', async () => {
        h.target.resetStats();
        const response = await h.call('createPlan', {
            query: { diff: 'true' },
            body: h.spec({ name: 'dry', tables: [{ name: 'account' }] }),
        });
        expect(response.status).toBe(200);
        const account = response.json.diff.tables.account;
        expect(account.source).toBe(h.source.dump('account').length);
        expect(account.create + account.update + account.unchanged + account.fail).toBe(account.source);
        expect(response.json.diff.stops).toEqual([]);
        expect(h.target.stats().rowsWritten).toBe(0);
        const bad = await h.call('createPlan', { query: { diff: 'yes' }, body: h.spec({ name: 'dry', tables }) });
        expect(bad.status).toBe(400);
        expect(bad.text).toContain('query.diff');
    });

    it('answers 422 with the problems of a plan that cannot run', async () => {
        const response = await h.call('createPlan', {
            body: h.spec({ name: 'dry', tables: [{ name: 'nosuchtable' }] }),
        });
        expect(response.status).toBe(422);
        expect(response.json.problems.length).toBeGreaterThan(0);
        expect(JSON.stringify(response.json.problems)).toContain('nosuchtable');
    });
});

describe('requests the API refuses', () => {
    it('lists all five problems of a bad spec body', async () => {
        const response = await h.call('startMigration', {
            body: {
                name: 'bad spec!',
                source: { url: 'ftp://example.com' },
                target: { url: h.target.url },
                tables: [{ name: 'Account' }],
                options: { pageSize: 9000, schedule: 'every minute' },
            },
        });
        expect(response.status).toBe(400);
        expect(response.json.error).toBe('invalid-request');
        expect(response.json.message).toBe('the spec has 5 problems');
        expect(response.json.problems.map((p: any) => p.path).sort()).toEqual(
            ['name', 'options.pageSize', 'options.schedule', 'source.url', 'tables[0].name'].sort(),
        );
    });

    it('refuses an environment that is not on the allow-list with 403 naming the URL', async () => {
        const strict = { ...h.deps, env: { ...h.env, DATAVERSE_ALLOWED_URLS: `${h.source.url},${h.target.url}` } };
        const body = h.spec({ name: 'elsewhere', tables, target: { url: 'https://contoso.crm4.dynamics.com' } });
        const response = await h.call('startMigration', { body });
        expect(response.status).toBe(403);
        expect(response.json).toMatchObject({
            error: 'environment-not-allowed',
            url: 'https://contoso.crm4.dynamics.com',
        });
        expect(response.json.message).toContain('DATAVERSE_ALLOWED_URLS is not set');
        const original = h.deps.env;
        h.deps.env = strict.env;
        try {
            const listed = await h.call('createPlan', { body });
            expect(listed.status).toBe(403);
            expect(listed.json.message).toContain('https://contoso.crm4.dynamics.com is not on the allow-list');
            const allowed = await h.call('createPlan', { body: h.spec({ name: 'here', tables }) });
            expect(allowed.status).toBe(200);
        } finally {
            h.deps.env = original;
        }
    });

    it('refuses a body larger than MAX_REQUEST_BODY_BYTES with 413', async () => {
        const original = h.deps.env;
        h.deps.env = { ...original, MAX_REQUEST_BODY_BYTES: '1000' };
        try {
            const big = h.spec({ name: 'big', tables: Array.from({ length: 60 }, (_, i) => ({ name: `table_${i}` })) });
            const response = await h.call('startMigration', { body: big });
            expect(response.status).toBe(413);
            expect(response.json).toMatchObject({ error: 'payload-too-large', limit: 1000 });
            // Without a Content-Length header the body is cut off while it is read.
            const streamed = await h.call('createPlan', {
                rawBody: JSON.stringify(big),
                headers: { 'content-length': '' },
            });
            expect(streamed.status).toBe(413);
        } finally {
            h.deps.env = original;
        }
    });

    it('refuses a spec that holds a secret and never echoes it', async () => {
        const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlX3ZhbHVl';
        const response = await h.call('startMigration', {
            body: h.spec({ name: 'leaky', tables: [{ name: 'account', filter: `name eq '${token}'` }] }),
        });
        expect(response.status).toBe(400);
        expect(response.json.problems).toEqual([expect.objectContaining({ path: 'tables[0].filter' })]);
        expect(response.text).not.toContain(token);
        const key = await h.call('startMigration', {
            body: h.spec({ name: 'leaky', tables, clientSecret: 'abc~123' }),
        });
        expect(key.status).toBe(400);
        expect(key.text).not.toContain('abc~123');
    });

    it('explains a body that is not JSON, or missing', async () => {
        const broken = await h.call('startMigration', { rawBody: '{"name": "x",\n  "tables": [1 2]}' });
        expect(broken.status).toBe(400);
        expect(broken.json.problems[0].message).toBe(
            "the body is not valid JSON at line 2, column 16: Expected ',' or ']' after array element",
        );
        const token = await h.call('startMigration', { rawBody: '{"secret": "hunter2" }}' });
        expect(token.json.problems[0].message).not.toContain('hunter2');
        // POST takes JSON only: an empty body says so too, or it is refused before it is read.
        expect((await h.call('startMigration', {})).status).toBe(415);
        const empty = await h.call('startMigration', { headers: { 'content-type': 'application/json' } });
        expect(empty.status).toBe(400);
        expect(empty.json.problems[0].message).toContain('{"spec": "<stored spec name>"}');
    });
});
