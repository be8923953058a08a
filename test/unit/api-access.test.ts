/**
 * The access rules on their own: token comparison and cookie parsing, the principal App Service sends, which routes
 * change state, and the Origin and Content-Type checks (serve-access and api-access tests drive them over HTTP).
 */
import { describe, expect, it } from 'vitest';
import { appServicePrincipal } from '../../src/api/access/app-service-principal.js';
import { authorizeRoute, changesState, OPERATOR_ROLE, READER_ROLE } from '../../src/api/access/caller.js';
import { checkJsonBody, checkOrigin } from '../../src/api/access/request-checks.js';
import { bearerToken, cookieValue, newServeToken, sameToken } from '../../src/api/access/serve-token.js';
import { API_ROUTES } from '../../src/api/index.js';

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });

describe("serve's token", () => {
    it('is 256 random bits in base64url, and compares equal only to itself, whatever the lengths', () => {
        const token = newServeToken();
        expect(Buffer.from(token, 'base64url')).toHaveLength(32);
        expect(sameToken(token, token)).toBe(true);
        expect(sameToken(token.slice(0, -1), token)).toBe(false);
        expect(sameToken(`${token}x`, token)).toBe(false);
        expect(sameToken('', token)).toBe(false);
    });

    it('is read from a Bearer header (any case of the scheme) and from its cookie among others', () => {
        expect(bearerToken('Bearer abc')).toBe('abc');
        expect(bearerToken('bearer abc ')).toBe('abc');
        expect(bearerToken('Basic abc')).toBeUndefined();
        expect(bearerToken(null)).toBeUndefined();
        expect(cookieValue('a=1; dataverse-migrate-7071=tok; b=2', 'dataverse-migrate-7071')).toBe('tok');
        expect(cookieValue('dataverse-migrate-7072=tok', 'dataverse-migrate-7071')).toBeUndefined();
    });
});

describe('the App Service principal', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

    it('names the user and takes the roles from the roles claims', () => {
        const caller = appServicePrincipal(
            headers({
                'x-ms-client-principal': encode({
                    auth_typ: 'aad',
                    name_typ: 'preferred_username',
                    role_typ: 'roles',
                    claims: [
                        { typ: 'preferred_username', val: 'ann@contoso.com' },
                        { typ: 'roles', val: READER_ROLE },
                        { typ: 'roles', val: OPERATOR_ROLE },
                    ],
                }),
            }),
        );
        expect(caller).toEqual({
            name: 'ann@contoso.com (Entra ID)',
            via: 'entra-id',
            roles: [READER_ROLE, OPERATOR_ROLE],
        });
    });

    it('names an application by its app id, and is absent without headers or with a header that is not a principal', () => {
        const app = appServicePrincipal(
            headers({
                'x-ms-client-principal': encode({
                    claims: [
                        { typ: 'appid', val: 'a1' },
                        { typ: 'roles', val: OPERATOR_ROLE },
                    ],
                }),
            }),
        );
        expect(app).toMatchObject({ name: 'app a1 (Entra ID)', roles: [OPERATOR_ROLE] });
        expect(appServicePrincipal(headers({}))).toBeUndefined();
        expect(appServicePrincipal(headers({ 'x-ms-client-principal': 'not base64 json' }))).toBeUndefined();
    });
});

describe('roles', () => {
    it('let readers look: GETs and the dry run; every other route needs the operator', () => {
        const looks = API_ROUTES.filter((route) => !changesState(route)).map((route) => route.name);
        expect(looks.sort()).toEqual(
            [
                'createPlan',
                'getMigration',
                'getMigrationErrors',
                'getMigrationLog',
                'getSpec',
                'listMigrations',
                'listSpecs',
            ].sort(),
        );
        const reader = { name: 'r', via: 'entra-id', roles: [READER_ROLE] } as const;
        for (const route of API_ROUTES)
            if (changesState(route))
                expect(() => authorizeRoute(route, reader), route.name).toThrow(/Migration\.Operator/);
            else expect(() => authorizeRoute(route, reader)).not.toThrow();
        expect(() => authorizeRoute({ name: 'newRoute', method: 'PATCH' }, reader)).toThrow(/Migration\.Operator/);
    });
});

describe('request checks', () => {
    const request = (method: string, values: Record<string, string>) => ({
        method,
        url: 'https://app.example/api/migrations',
        headers: headers(values),
    });

    it('compare Origin with the host the request was sent to, and leave reads and non-browser clients alone', () => {
        expect(() => checkOrigin(request('POST', { origin: 'https://app.example' }))).not.toThrow();
        expect(() => checkOrigin(request('POST', { origin: 'https://evil.example' }))).toThrow(/origin https:\/\/evil/);
        expect(() => checkOrigin(request('DELETE', { origin: 'null' }))).toThrow(/origin null/);
        expect(() => checkOrigin(request('GET', { origin: 'https://evil.example' }))).not.toThrow();
        expect(() => checkOrigin(request('POST', {}))).not.toThrow();
        expect(() => checkOrigin(request('POST', { 'sec-fetch-site': 'same-origin' }))).not.toThrow();
        expect(() => checkOrigin(request('PUT', { 'sec-fetch-site': 'cross-site' }))).toThrow(
            /Sec-Fetch-Site: cross-site/,
        );
        // Behind a host name of its own (serve on localhost) the Host header is what the client addressed.
        expect(() =>
            checkOrigin(request('POST', { host: 'localhost:7071', origin: 'http://localhost:7071' })),
        ).not.toThrow();
    });

    it('take JSON bodies only on POST and PUT, with parameters', () => {
        expect(() =>
            checkJsonBody(request('POST', { 'content-type': 'application/json; charset=utf-8' })),
        ).not.toThrow();
        expect(() => checkJsonBody(request('PUT', { 'content-type': 'Application/JSON' }))).not.toThrow();
        expect(() => checkJsonBody(request('POST', { 'content-type': 'text/plain' }))).toThrow(/got text\/plain/);
        expect(() => checkJsonBody(request('POST', {}))).toThrow(/got none/);
        expect(() => checkJsonBody(request('DELETE', {}))).not.toThrow();
    });
});
