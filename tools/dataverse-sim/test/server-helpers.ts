/**
 * Helpers for the server tests: start the simulator in-process on 127.0.0.1 port 0 and talk HTTP to it.
 */
import type { Simulator, SimulatorOptions } from '../src/index.js';
import { startSimulator } from '../src/index.js';

export interface Reply {
    status: number;
    headers: Headers;
    text: string;
    json: any;
}

export class Client {
    constructor(readonly sim: Simulator) {}

    get api(): string {
        return `${this.sim.url}/api/data/v9.2/`;
    }

    async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
        const url = /^https?:/.test(path) ? path : this.api + path;
        const init: RequestInit = { method, headers: { Accept: 'application/json', ...headers } };
        if (body !== undefined) {
            init.body = typeof body === 'string' ? body : JSON.stringify(body);
            if (!('Content-Type' in headers))
                (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
        }
        const res = await fetch(url, init);
        const text = await res.text();
        let json: unknown;
        try {
            json = text ? JSON.parse(text) : undefined;
        } catch {
            json = undefined;
        }
        return { status: res.status, headers: res.headers, text, json };
    }

    get(path: string, headers?: Record<string, string>): Promise<Reply> {
        return this.send('GET', path, undefined, headers);
    }

    post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply> {
        return this.send('POST', path, body, headers);
    }

    patch(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply> {
        return this.send('PATCH', path, body, headers);
    }

    delete(path: string, headers?: Record<string, string>): Promise<Reply> {
        return this.send('DELETE', path, undefined, headers);
    }

    /** Creates a row and returns its id (from OData-EntityId). */
    async create(set: string, body: unknown): Promise<string> {
        const r = await this.post(set, body);
        if (r.status !== 204) throw new Error(`create ${set}: ${r.status} ${r.text}`);
        const m = /\(([0-9a-f-]{36})\)$/.exec(r.headers.get('OData-EntityId') ?? '');
        if (!m) throw new Error(`create ${set}: no OData-EntityId`);
        return m[1]!;
    }
}

export async function startTestSimulator(options: SimulatorOptions = {}): Promise<{ sim: Simulator; client: Client }> {
    const sim = await startSimulator({ schema: 'crm', rows: 0, seed: 7, ...options });
    return { sim, client: new Client(sim) };
}
