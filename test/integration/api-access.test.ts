/**
 * The Functions app's two doors (issue 19 item 4): `/api/...` behind App Service authentication, where the API
 * enforces the principal's app roles (Migration.Reader looks, Migration.Operator acts) and records who asked, and
 * `/api/automation/...` for function keys. The principal arrives as App Service sends it: X-MS-CLIENT-PRINCIPAL
 * (Base64 JSON of the claims) and X-MS-CLIENT-PRINCIPAL-NAME, trusted only while WEBSITE_AUTH_ENABLED is True.
 * Requests go through the real Functions adapter (HttpRequest, InvocationContext), over two simulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type CallInit, type Harness } from './api-helpers.js';

let h: Harness;

beforeAll(async () => {
    h = await apiHarness({
        source: { schema: 'crm', rows: 40, seed: 8 },
        target: { schema: 'crm', rows: 40, seed: 8, empty: true },
        env: { WEBSITE_AUTH_ENABLED: 'True' },
    });
});

afterAll(async () => {
    await h?.close();
});

/** The headers App Service authentication sends for a signed-in Entra ID user with these app roles. */
function principal(name: string, roles: string[]): Record<string, string> {
    const claims = [
        { typ: 'name', val: name },
        { typ: 'preferred_username', val: name },
        ...roles.map((val) => ({ typ: 'roles', val })),
    ];
    const json = { auth_typ: 'aad', name_typ: 'preferred_username', role_typ: 'roles', claims };
    return {
        'x-ms-client-principal': Buffer.from(JSON.stringify(json)).toString('base64'),
        'x-ms-client-principal-name': name,
        'x-ms-client-principal-idp': 'aad',
    };
}

const reader = principal('rita@contoso.com', ['Migration.Reader']);
const operator = principal('otto@contoso.com', ['Migration.Operator']);
const entra = (headers: Record<string, string>, init: CallInit = {}): CallInit => ({
    ...init,
    door: 'entra-id',
    headers: { ...headers, ...init.headers },
});
const spec = (name: string) => h.spec({ name, tables: [{ name: 'account' }] });

describe('the Entra ID routes', () => {
    it('answer 401 without a principal, and also to forged principal headers while App Service authentication is off', async () => {
        const none = await h.call('listSpecs', { door: 'entra-id' });
        expect(none.status).toBe(401);
        expect(none.headers.get('www-authenticate')).toBe('Bearer');
        expect(none.json).toMatchObject({ error: 'unauthorized' });
        const saved = h.env.WEBSITE_AUTH_ENABLED;
        delete h.env.WEBSITE_AUTH_ENABLED;
        try {
            expect((await h.call('listSpecs', entra(operator))).status).toBe(401);
        } finally {
            h.env.WEBSITE_AUTH_ENABLED = saved;
        }
    });

    it('let a reader look (specs, runs, plans) and refuse every state change with 403 naming the role', async () => {
        expect((await h.call('putSpec', { params: { name: 'looked-at' }, body: spec('looked-at') })).status).toBe(201);
        expect((await h.call('listSpecs', entra(reader))).status).toBe(200);
        expect((await h.call('listMigrations', entra(reader))).status).toBe(200);
        expect((await h.call('createPlan', entra(reader, { body: { spec: 'looked-at' } }))).status).toBe(200);
        const refused = [
            ['startMigration', entra(reader, { body: { spec: 'looked-at' } })],
            ['putSpec', entra(reader, { params: { name: 'other' }, body: spec('other') })],
            ['deleteSpec', entra(reader, { params: { name: 'looked-at' } })],
            ['cancelMigration', entra(reader, { params: { id: 'looked-at-20260101-000000-abcd' }, body: {} })],
        ] as const;
        for (const [name, init] of refused) {
            const answer = await h.call(name, init);
            expect(answer.status, name).toBe(403);
            expect(answer.json).toMatchObject({
                error: 'forbidden',
                requiredRole: 'Migration.Operator',
                message: expect.stringContaining('rita@contoso.com (Entra ID) holds Migration.Reader'),
            });
        }
        expect((await h.call('listMigrations', entra(reader))).json.runs).toEqual([]);
        expect((await h.call('getSpec', { params: { name: 'looked-at' } })).status).toBe(200);
    });

    it('refuse a signed-in user with neither role, even a look', async () => {
        const nobody = await h.call('listSpecs', entra(principal('nina@contoso.com', [])));
        expect(nobody.status).toBe(403);
        expect(nobody.json.message).toContain('holds neither app role');
    });

    it('let an operator start and cancel, and the run records who asked in its events, summary and view', async () => {
        const started = await h.call('startMigration', entra(operator, { body: spec('by-otto') }));
        expect(started.status).toBe(202);
        expect(started.json.statusUrl).toBe(`http://localhost:7071/api/migrations/${started.json.id}`);
        const runId: string = started.json.id;
        const cancel = await h.call(
            'cancelMigration',
            entra(operator, { params: { id: runId }, body: { reason: 'seen' } }),
        );
        expect([202, 409]).toContain(cancel.status);
        const view = await h.finished(runId);
        expect(view.requestedBy).toBe('otto@contoso.com (Entra ID)');
        expect(view.summary.requestedBy).toBe('otto@contoso.com (Entra ID)');
        if (cancel.status === 202) expect(view.summary.cancel).toMatchObject({ by: 'otto@contoso.com (Entra ID)' });
        const log = await h.call('getMigrationLog', entra(operator, { params: { id: runId } }));
        expect(log.json.events[0]).toMatchObject({ type: 'run-started', requestedBy: 'otto@contoso.com (Entra ID)' });
    });

    it('refuse a foreign-origin state change and a non-JSON body, whatever the role', async () => {
        const foreign = await h.call(
            'startMigration',
            entra(operator, { body: spec('csrf'), headers: { origin: 'https://attacker.example' } }),
        );
        expect(foreign.status).toBe(403);
        expect(foreign.json.error).toBe('foreign-origin');
        const plain = await h.call(
            'startMigration',
            entra(operator, { rawBody: JSON.stringify(spec('csrf')), headers: { 'content-type': 'text/plain' } }),
        );
        expect(plain.status).toBe(415);
        const own = await h.call(
            'putSpec',
            entra(operator, {
                params: { name: 'own' },
                body: spec('own'),
                headers: { origin: 'http://localhost:7071' },
            }),
        );
        expect(own.status).toBe(201);
    });
});

describe('the function-key routes', () => {
    it('act as automation with the operator role, the run naming the key as who asked', async () => {
        const started = await h.call('startMigration', { body: spec('by-key') });
        expect(started.status).toBe(202);
        expect(started.json.statusUrl).toBe(`http://localhost:7071/api/automation/migrations/${started.json.id}`);
        const view = await h.finished(started.json.id);
        expect(view.requestedBy).toBe('function key');
    });
});
