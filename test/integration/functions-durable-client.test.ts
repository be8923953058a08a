/**
 * The runs port over the Durable client, with the real durable-functions DurableClient (made by `df.getClient`
 * from an InvocationContext, as `df.app.client.*` functions get it) talking HTTP to a stand-in for the Durable
 * extension's local RPC endpoint. The extension runs inside the Functions host and cannot run here; the stand-in
 * serves its documented instance-management API over the local durable host, so the SDK's requests and answers
 * (202 and ids, 200/202/400 statuses, 404 for a missing instance) are real.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleHttpRequest } from '../../src/functions/runtime/http-adapter.js';
import { durableRunsPort } from '../../src/host/durable-runs.js';
import { API_ROUTES } from '../../src/api/index.js';
import { LocalDurableHost, type InstanceStatus, type RunsPort } from '../../src/host/local/index.js';
import { makeActivities, newActivityLog, orchestrators } from '../fixtures/host/orchestrators.js';
import { apiHarness, type Harness } from './api-helpers.js';
import { HttpRequest } from '@azure/functions';

const PREFIX = '/runtime/webhooks/durabletask/';

/** The extension's instance-management endpoints (rpcBaseUrl form) over a runs port. */
async function extensionStandIn(runs: RunsPort): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
    const requests: string[] = [];
    const json = (status: InstanceStatus) => ({
        name: status.name,
        instanceId: status.instanceId,
        runtimeStatus: status.runtimeStatus,
        input: status.input ?? null,
        output: status.output ?? null,
        customStatus: status.customStatus ?? null,
        createdTime: status.createdTime.toISOString(),
        lastUpdatedTime: status.lastUpdatedTime.toISOString(),
    });
    const server: Server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
            const url = new URL(req.url ?? '/', 'http://localhost');
            requests.push(`${req.method} ${url.pathname}`);
            const send = (status: number, value?: unknown) => {
                res.writeHead(status, { 'Content-Type': 'application/json' });
                res.end(value === undefined ? '' : JSON.stringify(value));
            };
            if (!url.pathname.startsWith(PREFIX)) return send(404);
            const parts = url.pathname.slice(PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
            void (async () => {
                if (req.method === 'POST' && parts[0] === 'orchestrators') {
                    const id = await runs.startNew(parts[1]!, {
                        ...(parts[2] ? { instanceId: parts[2] } : {}),
                        ...(body ? { input: JSON.parse(body) } : {}),
                    });
                    return send(202, { id });
                }
                if (req.method === 'GET' && parts[0] === 'instances' && parts[1] === undefined) {
                    const from = url.searchParams.get('createdTimeFrom');
                    const all = await runs.list(from ? { createdFrom: new Date(from) } : {});
                    return send(200, all.map(json));
                }
                if (parts[0] === 'instances' && parts[1]) {
                    const status = await runs.getStatus(parts[1]);
                    if (!status) return send(404);
                    if (req.method === 'GET') {
                        const code =
                            { Completed: 200, Failed: 400, Terminated: 400 }[status.runtimeStatus as string] ?? 202;
                        return send(code, json(status));
                    }
                    if (parts[2] === 'terminate') {
                        await runs.terminate(parts[1], url.searchParams.get('reason') ?? '');
                        return send(202);
                    }
                }
                send(404);
            })().catch((error: unknown) => send(500, { error: String(error) }));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${PREFIX}`,
        requests,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}

/** The DurableClient a `df.app.client.*` function receives for this invocation. */
function clientFor(rpcBaseUrl: string): df.DurableClient {
    const binding = df.input.durableClient();
    const context = new InvocationContext({ functionName: 'startMigration', options: { extraInputs: [binding] } });
    context.extraInputs.set(binding, { taskHubName: 'testhub', creationUrls: {}, managementUrls: {}, rpcBaseUrl });
    return df.getClient(context);
}

describe('durableRunsPort over the Durable client', () => {
    let host: LocalDurableHost;
    let extension: Awaited<ReturnType<typeof extensionStandIn>>;
    let port: RunsPort;

    beforeAll(async () => {
        host = new LocalDurableHost({ orchestrators, activities: makeActivities(newActivityLog()) });
        extension = await extensionStandIn(host);
        port = durableRunsPort(clientFor(extension.url));
    });
    afterAll(async () => {
        await extension?.close();
        await host?.stop();
    });

    it('answers undefined for an instance the extension does not know (the client throws on its 404)', async () => {
        expect(await port.getStatus('nobody')).toBeUndefined();
        expect(extension.requests.at(-1)).toBe('GET /runtime/webhooks/durabletask/instances/nobody');
    });

    it('starts, refuses a second start of a live id and waits for completion', async () => {
        const input = { ms: 500, value: { note: 'x' } };
        expect(await port.startNew('delayed', { instanceId: 'a1', input })).toBe('a1');
        await expect(port.startNew('delayed', { instanceId: 'a1', input })).rejects.toThrow(/already running/);
        const running = (await port.getStatus('a1'))!;
        expect(running).toMatchObject({ name: 'delayed', instanceId: 'a1', input });
        expect(['Pending', 'Running']).toContain(running.runtimeStatus);
        expect(running.createdTime).toBeInstanceOf(Date);
        const done = await port.waitForCompletion('a1', { timeoutMs: 20_000 });
        expect(done).toMatchObject({ runtimeStatus: 'Completed', output: { note: 'x' } });
        // A finished id may be started again.
        expect(await port.startNew('echo', { instanceId: 'a1', input: 1 })).toBe('a1');
        expect((await port.waitForCompletion('a1', { timeoutMs: 20_000 })).runtimeStatus).toBe('Completed');
    });

    it('terminates, and lists top-level instances newest first', async () => {
        await port.startNew('waitsForever', { instanceId: 'w1' });
        await port.startNew('withSubs', { instanceId: 's1', input: { groups: 2, count: 3 } });
        await port.waitForCompletion('s1', { timeoutMs: 20_000 });
        await port.terminate('w1', 'enough');
        expect(await port.waitForCompletion('w1', { timeoutMs: 20_000 })).toMatchObject({
            runtimeStatus: 'Terminated',
            output: 'enough',
        });
        const all = await port.list();
        expect(all.some((s) => s.instanceId.includes(':'))).toBe(true);
        const top = await port.list({ topLevelOnly: true });
        expect(top.every((s) => !s.instanceId.includes(':'))).toBe(true);
        const times = top.map((s) => s.createdTime.getTime());
        expect(times).toEqual([...times].sort((a, b) => b - a));
        expect(top.map((s) => s.instanceId)).toEqual(expect.arrayContaining(['a1', 'w1', 's1']));
    });
});

describe('the HTTP API over the Durable client', () => {
    let h: Harness;
    let extension: Awaited<ReturnType<typeof extensionStandIn>>;

    beforeAll(async () => {
        h = await apiHarness({
            source: { schema: 'crm', rows: 100, seed: 41 },
            target: { schema: 'crm', rows: 100, seed: 41, empty: true },
        });
        extension = await extensionStandIn(h.runs);
    });
    afterAll(async () => {
        await extension?.close();
        await h?.close();
    });

    it('starts a run and follows it to its summary, as the Azure functions do', async () => {
        const deps = { ...h.deps, runs: durableRunsPort(clientFor(extension.url)) };
        const call = async (name: string, init: { params?: Record<string, string>; body?: unknown }) => {
            const route = API_ROUTES.find((r) => r.name === name)!;
            const path = route.route.replace(/\{(\w+)\}/g, (_, key: string) => init.params?.[key] ?? '');
            const request = new HttpRequest({
                method: route.method,
                url: `https://dvm.azurewebsites.net/api/${path}`,
                params: init.params ?? {},
                ...(init.body !== undefined
                    ? { body: { string: JSON.stringify(init.body) }, headers: { 'content-type': 'application/json' } }
                    : {}),
            });
            return handleHttpRequest(route, request, new InvocationContext({ functionName: name }), deps);
        };
        const started = await call('startMigration', {
            body: h.spec({ name: 'via-client', tables: [{ name: 'account' }] }),
        });
        expect(started.status).toBe(202);
        const id = (started.jsonBody as { id: string }).id;
        expect(extension.requests).toContain(`POST /runtime/webhooks/durabletask/orchestrators/migrationRun/${id}`);
        let view: any;
        for (let i = 0; i < 600; i++) {
            view = (await call('getMigration', { params: { id } })).jsonBody;
            if (view.runtimeStatus === 'Completed') break;
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(view).toMatchObject({
            id,
            status: 'succeeded',
            statusUrl: `https://dvm.azurewebsites.net/api/migrations/${id}`,
        });
        expect(view.tables.account.written).toBe(h.source.dump('account').length);
    }, 120_000);
});
