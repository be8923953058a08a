/**
 * The API's input rules without a host: route matching for `serve`, spec bodies (a document or a stored name),
 * values that look like secrets, the environment allow-list, and the error shape (redacted).
 */
import { describe, expect, it } from 'vitest';
import { ApiError, disallowedUrl, errorBody, matchRoute } from '../../src/api/index.js';
import { errorResponse } from '../../src/api/errors.js';
import { parseSpecBody, secretProblems } from '../../src/api/spec-input.js';
import { validateSpec, type MigrationSpec } from '../../src/spec/index.js';

const spec = (source: string, target: string): MigrationSpec => {
    const result = validateSpec({
        name: 's',
        source: { url: source },
        target: { url: target },
        tables: [{ name: 'account' }],
    });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.spec;
};

describe('matchRoute', () => {
    it('matches templates, decodes parameters, and tells a wrong method from a missing path', () => {
        const log = matchRoute('GET', '/api/migrations/run-20260101-000000-abcd/log');
        expect(log).toMatchObject({
            kind: 'match',
            route: { name: 'getMigrationLog' },
            params: { id: 'run-20260101-000000-abcd' },
        });
        expect(matchRoute('put', '/api/specs/a%20b')).toMatchObject({ kind: 'match', params: { name: 'a b' } });
        expect(matchRoute('GET', '/api/migrations/')).toMatchObject({
            kind: 'match',
            route: { name: 'listMigrations' },
        });
        expect(matchRoute('PATCH', '/api/specs/x')).toEqual({
            kind: 'method-not-allowed',
            allow: ['GET', 'PUT', 'DELETE'],
        });
        expect(matchRoute('GET', '/api/migrations/x/y/z')).toEqual({ kind: 'not-found' });
        expect(matchRoute('GET', '/migrations')).toEqual({ kind: 'not-found' });
        expect(matchRoute('GET', '/api/specs/%E0%A4%A')).toEqual({ kind: 'not-found' });
    });
});

describe('parseSpecBody', () => {
    it('takes {"spec": name} as a stored spec and anything else as a spec document', () => {
        expect(parseSpecBody({ spec: 'nightly' })).toEqual({ kind: 'stored', name: 'nightly' });
        const inline = parseSpecBody({
            name: 'x',
            source: { url: 'http://127.0.0.1:1' },
            target: { url: 'http://127.0.0.1:2' },
            tables: [{ name: 'account' }],
        });
        expect(inline.kind).toBe('inline');
    });

    it('lists every problem of a stored-spec request', () => {
        try {
            parseSpecBody({ spec: 3, force: true });
            expect.unreachable();
        } catch (error) {
            expect(error).toBeInstanceOf(ApiError);
            expect((error as ApiError).details.problems).toEqual([
                { path: 'force', message: `unknown key 'force': a stored-spec request has only "spec"` },
                { path: 'spec', message: 'expected the name of a stored spec (a string)' },
            ]);
        }
        expect(() => parseSpecBody({ spec: '../x' })).toThrow(/bad spec name/);
    });
});

describe('secretProblems', () => {
    it('finds tokens, bearer headers, signatures and account keys wherever they are', () => {
        const doc = {
            ok: 'statecode eq 0',
            tables: [{ filter: 'Bearer abc.def' }],
            nested: { deep: ['x', 'https://a.blob.core.windows.net/c?sv=1&sig=abcdef'] },
            conn: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=bWFkZQ==',
            jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
        };
        expect(secretProblems(doc).map((p) => p.path)).toEqual(['tables[0].filter', 'nested.deep[1]', 'conn', 'jwt']);
        expect(secretProblems({ filter: "name eq 'Keyhole'", secretSetting: 'DATAVERSE_SECRET' })).toEqual([]);
    });
});

describe('disallowedUrl', () => {
    const local = spec('http://127.0.0.1:5555', 'http://localhost:5556');
    const remote = spec('https://Contoso.crm.dynamics.com', 'https://contoso-dev.crm4.dynamics.com');

    it('allows only loopback without the setting', () => {
        expect(disallowedUrl({}, local)).toBeUndefined();
        expect(disallowedUrl({}, remote)).toBe('https://contoso.crm.dynamics.com');
    });

    it('compares origins with the listed ones', () => {
        const env = {
            DATAVERSE_ALLOWED_URLS: 'https://contoso.crm.dynamics.com/, https://CONTOSO-DEV.crm4.dynamics.com',
        };
        expect(disallowedUrl(env, remote)).toBeUndefined();
        expect(disallowedUrl({ DATAVERSE_ALLOWED_URLS: 'https://contoso.crm.dynamics.com' }, remote)).toBe(
            'https://contoso-dev.crm4.dynamics.com',
        );
        // Once listed, loopback is not implied.
        expect(disallowedUrl(env, local)).toBe('http://127.0.0.1:5555');
        expect(() => disallowedUrl({ DATAVERSE_ALLOWED_URLS: 'contoso' }, remote)).toThrow(/DATAVERSE_ALLOWED_URLS/);
    });
});

describe('error responses', () => {
    it('redact tokens from messages and details, and hide internals behind a 500', () => {
        const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln';
        expect(errorBody('x', `failed with ${token}`, { detail: [`Bearer ${token}`] })).toEqual({
            error: 'x',
            message: 'failed with [redacted token]',
            detail: ['Bearer [redacted]'],
        });
        const logged: string[] = [];
        const response = errorResponse(new Error(`client_secret=hunter2 refused`), (_level, m) => logged.push(m));
        expect(response).toMatchObject({ status: 500, json: { error: 'internal' } });
        expect(JSON.stringify(response)).not.toContain('hunter2');
        expect(logged.join('\n')).not.toContain('hunter2');
        const setting = errorResponse(
            (() => {
                try {
                    disallowedUrl({ DATAVERSE_ALLOWED_URLS: 'nope' }, spec('http://127.0.0.1:1', 'http://127.0.0.1:2'));
                } catch (e) {
                    return e;
                }
            })(),
            () => undefined,
        );
        expect(setting).toMatchObject({
            status: 500,
            json: { error: 'configuration', setting: 'DATAVERSE_ALLOWED_URLS' },
        });
    });
});
