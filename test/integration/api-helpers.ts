/**
 * The HTTP API's test harness: two simulators, a run store and a spec store (files, or Blob Storage on Azurite),
 * the local runs port, and `call`, which sends a real HttpRequest with a real InvocationContext through the
 * Functions adapter of one route, exactly as the registered function does in Azure.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { API_ROUTES, createConnector, type ApiDeps } from '../../src/api/index.js';
import { handleHttpRequest, type HttpDoor } from '../../src/functions/runtime/http-adapter.js';
import { LocalRuns } from '../../src/host/local-runs.js';
import { createFileRunStore } from '../../src/runlog/index.js';
import type { RunStore } from '../../src/runlog/types.js';
import { createFileSpecStore, type SpecStore } from '../../src/specstore/index.js';
import { startSimulator, type SimulatorOptions } from 'dataverse-sim';

export type Sim = Awaited<ReturnType<typeof startSimulator>>;

export interface CallInit {
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
    /** Sent as is (not JSON-encoded). */
    rawBody?: string;
    headers?: Record<string, string>;
    /** The registration called: the Entra ID one (`/api/...`) or the function-key one (default). */
    door?: HttpDoor;
}

export interface CallResult {
    status: number;
    headers: Headers;
    text: string;
    json: any;
}

export interface Harness {
    source: Sim;
    target: Sim;
    root: string;
    store: RunStore;
    specs: SpecStore;
    runs: LocalRuns;
    env: NodeJS.ProcessEnv;
    deps: ApiDeps;
    /** What the invocations logged (errors the client does not see). */
    logged: string[];
    call(name: string, init?: CallInit): Promise<CallResult>;
    /** A spec over the two simulators. */
    spec(extra: Record<string, unknown>): Record<string, unknown>;
    /** Polls GET /api/migrations/{id} until the run has finished. */
    finished(runId: string, timeoutMs?: number): Promise<any>;
    close(): Promise<void>;
}

export interface HarnessOptions {
    source: SimulatorOptions;
    target: SimulatorOptions;
    env?: Record<string, string>;
    /** Stores other than the file stores under the harness folder (Blob Storage). */
    stores?: { store: RunStore; specs: SpecStore };
}

export async function apiHarness(options: HarnessOptions): Promise<Harness> {
    const [source, target] = await Promise.all([startSimulator(options.source), startSimulator(options.target)]);
    const root = await mkdtemp(join(tmpdir(), 'dvm-api-'));
    const store = options.stores?.store ?? createFileRunStore(root);
    const specs = options.stores?.specs ?? createFileSpecStore(root);
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...options.env };
    const runs = new LocalRuns({ store, root, env });
    const deps: ApiDeps = {
        runs,
        store,
        specs,
        env,
        connect: createConnector(env, 'dataverse-migrate-test'),
        now: () => new Date(),
        credentialTimeoutMs: 10_000,
    };
    const logged: string[] = [];

    const call = async (name: string, init: CallInit = {}): Promise<CallResult> => {
        const route = API_ROUTES.find((r) => r.name === name);
        if (!route) throw new Error(`no route ${name}`);
        const path = route.route.replace(/\{(\w+)\}/g, (_, key: string) =>
            encodeURIComponent(init.params?.[key] ?? ''),
        );
        const door = init.door ?? 'function-key';
        const url = new URL(`http://localhost:7071/api/${door === 'function-key' ? 'automation/' : ''}${path}`);
        for (const [key, value] of Object.entries(init.query ?? {})) url.searchParams.set(key, value);
        const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
        const request = new HttpRequest({
            method: route.method,
            url: url.href,
            headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
            params: init.params ?? {},
            query: init.query ?? {},
            ...(body !== undefined ? { body: { string: body } } : {}),
        });
        const context = new InvocationContext({
            functionName: route.name,
            // Errors and warnings only: runs started are logged too, at information level.
            logHandler: (level, ...args) => {
                if (level !== 'information') logged.push(args.map(String).join(' '));
            },
        });
        const response = new HttpResponse(await handleHttpRequest(route, request, context, deps, door));
        // Decoded keeping a BOM: response.text() would drop it, and the CSV's BOM is part of the contract.
        const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
        let json: unknown;
        try {
            json = text === '' ? undefined : JSON.parse(text);
        } catch {
            json = undefined;
        }
        return { status: response.status, headers: response.headers, text, json };
    };

    return {
        source,
        target,
        root,
        store,
        specs,
        runs,
        env,
        deps,
        logged,
        call,
        spec: (extra) => ({ source: { url: source.url }, target: { url: target.url }, ...extra }),
        async finished(runId, timeoutMs = 60_000) {
            const deadline = Date.now() + timeoutMs;
            for (;;) {
                const { json } = await call('getMigration', { params: { id: runId } });
                // Finished: the summary is written and the orchestration has completed (the log is complete).
                if (json?.summary && json.runtimeStatus !== 'Running' && json.runtimeStatus !== 'Pending') return json;
                if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(json)}`);
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
        },
        async close() {
            await runs.stop();
            await Promise.all([source.close(), target.close()]);
            await rm(root, { recursive: true, force: true });
        },
    };
}
