import { describe, expect, it } from 'vitest';
import {
    DataverseError,
    describeError,
    errorToJson,
    isDataverseError,
    isExpiredDeltaToken,
    parseErrorBody,
    redactSecrets,
} from '../../src/dataverse/errors.js';

const JWT =
    'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL2NvbnRvc28uY3JtLmR5bmFtaWNzLmNvbSIsIm9pZCI6IngifQ.c2lnbmF0dXJl';

describe('redactSecrets', () => {
    it('removes bearer tokens, JWTs and secret parameters', () => {
        const text = `Authorization: Bearer ${JWT}; token ${JWT}; client_secret=abc~DEF.123&scope=x; Basic dXNlcjpwYXNz`;
        const redacted = redactSecrets(text);
        expect(redacted).not.toContain(JWT);
        expect(redacted).not.toContain('abc~DEF.123');
        expect(redacted).not.toContain('dXNlcjpwYXNz');
        expect(redacted).toContain('Bearer [redacted]');
        expect(redacted).toContain('client_secret=[redacted]');
        expect(redacted).toContain('scope=x');
    });

    it('leaves ordinary messages alone', () => {
        const message = 'account With Id = 6f3c8a1e-0000-0000-0000-000000000001 Does Not Exist';
        expect(redactSecrets(message)).toBe(message);
    });
});

describe('DataverseError', () => {
    it('names status, code, request, method and path, and never a token', () => {
        const error = new DataverseError({
            kind: 'http',
            status: 400,
            code: '0x80044331',
            message: `A validation error occurred. Bearer ${JWT}`,
            requestId: 'a1b2c3',
            method: 'PATCH',
            path: '/api/data/v9.2/tasks(00000000-0000-0000-0000-000000000001)',
        });
        expect(error.message).toContain('400');
        expect(error.message).toContain('0x80044331');
        expect(error.message).toContain('a1b2c3');
        expect(error.message).toContain('PATCH /api/data/v9.2/tasks(');
        expect(error.message).not.toContain(JWT);
        expect(error.serviceMessage).not.toContain(JWT);
        expect(error.isTransient).toBe(false);
        expect(error.isThrottle).toBe(false);
    });

    it('classifies throttles and transient statuses', () => {
        const make = (status: number, kind: 'http' | 'transient' | 'throttled' = 'http') =>
            new DataverseError({ kind, status, message: 'x', method: 'GET', path: '/' });
        expect(make(429, 'throttled').isThrottle).toBe(true);
        expect(make(429, 'throttled').isTransient).toBe(true);
        for (const status of [500, 502, 503, 504]) expect(make(status, 'transient').isTransient).toBe(true);
        for (const status of [400, 401, 403, 404, 412]) expect(make(status).isTransient).toBe(false);
    });
});

describe('parseErrorBody', () => {
    it('reads the Web API error shape', () => {
        expect(
            parseErrorBody('{"error":{"code":"0x80040217","message":"account With Id = x Does Not Exist"}}'),
        ).toEqual({
            code: '0x80040217',
            message: 'account With Id = x Does Not Exist',
        });
    });

    it('treats empty codes as absent and keeps an excerpt of non-JSON bodies', () => {
        expect(parseErrorBody('{"error":{"code":"","message":"m"}}')).toEqual({ code: undefined, message: 'm' });
        expect(parseErrorBody('<html>Bad gateway</html>').message).toBe('<html>Bad gateway</html>');
        expect(parseErrorBody('')).toEqual({});
    });
});

describe('isExpiredDeltaToken', () => {
    const error = (status: number, code: string | undefined, message: string) =>
        new DataverseError({ kind: 'http', status, code, message, method: 'GET', path: '/api/data/v9.2/accounts' });

    it('recognises ExpiredVersionStamp by its code or its documented message', () => {
        const documented = 'Version stamp associated with the client has expired. Please perform a full sync.';
        expect(isExpiredDeltaToken(error(400, '0x80044352', documented))).toBe(true);
        expect(isExpiredDeltaToken(error(400, '0x80044352', 'other words'))).toBe(true);
        expect(isExpiredDeltaToken(error(400, undefined, documented))).toBe(true);
    });

    it('recognises a 400 about the delta token itself', () => {
        expect(isExpiredDeltaToken(error(400, '0x80040203', "The delta token '9!x' is not valid."))).toBe(true);
        expect(isExpiredDeltaToken(error(500, undefined, "The delta token '9!x' is not valid."))).toBe(false);
    });

    it('is false for every other failure and for non-Dataverse errors', () => {
        expect(
            isExpiredDeltaToken(error(400, '0x80040203', "Change tracking is not enabled for the entity 'x'.")),
        ).toBe(false);
        expect(isExpiredDeltaToken(error(404, '0x80040217', 'account With Id = x Does Not Exist'))).toBe(false);
        expect(isExpiredDeltaToken(new Error('Version stamp associated with the client has expired.'))).toBe(false);
        expect(isExpiredDeltaToken(undefined)).toBe(false);
    });
});

describe('errors across the activity boundary', () => {
    const notFound = () =>
        new DataverseError({
            kind: 'http',
            status: 404,
            code: '0x80040217',
            message: 'account With Id = 6f3c8a1e-0000-0000-0000-000000000001 Does Not Exist',
            requestId: 'r-9',
            method: 'PATCH',
            path: '/api/data/v9.2/accounts(6f3c8a1e-0000-0000-0000-000000000001)',
            attempts: 2,
        });

    it('serialises a DataverseError to plain data that survives JSON unchanged', () => {
        const json = notFound().toJSON();
        expect(json).toEqual({
            name: 'DataverseError',
            kind: 'http',
            status: 404,
            code: '0x80040217',
            message: notFound().message,
            serviceMessage: 'account With Id = 6f3c8a1e-0000-0000-0000-000000000001 Does Not Exist',
            requestId: 'r-9',
            method: 'PATCH',
            path: '/api/data/v9.2/accounts(6f3c8a1e-0000-0000-0000-000000000001)',
            attempts: 2,
        });
        expect(JSON.parse(JSON.stringify(notFound()))).toEqual(json);
        expect(errorToJson(notFound())).toEqual(json);
    });

    it('turns any other thrown value into name, redacted message and system code', () => {
        const reset = Object.assign(new Error(`socket hang up Bearer ${JWT}`), { code: 'ECONNRESET' });
        reset.name = 'RestError';
        expect(errorToJson(reset)).toEqual({
            name: 'RestError',
            message: 'socket hang up Bearer [redacted]',
            code: 'ECONNRESET',
        });
        expect(errorToJson('plain text')).toEqual({ name: 'Error', message: 'plain text' });
        expect(errorToJson({ odd: 1 })).toEqual({ name: 'Error', message: '{"odd":1}' });
    });

    it('keeps the cause chain, with secrets redacted from every cause, and describes it on one line', () => {
        const identity = new Error(`AADSTS7000215: Invalid client secret. assertion=${JWT}`, {
            cause: new Error(`token endpoint said Bearer ${JWT}`),
        });
        identity.name = 'AuthenticationError';
        const error = new DataverseError({
            kind: 'auth',
            status: 0,
            method: 'TOKEN',
            path: 'https://contoso.crm.dynamics.com/.default',
            message: 'could not get an access token',
            cause: identity,
        });
        const cause = error.cause as Error;
        expect(cause.name).toBe('AuthenticationError');
        expect(cause.message).toBe('AADSTS7000215: Invalid client secret. assertion=[redacted]');
        expect(String(cause.stack)).not.toContain(JWT);
        expect((cause.cause as Error).message).toBe('token endpoint said Bearer [redacted]');
        const line = describeError(error);
        expect(line).toBe(
            `${error.message}; caused by: AuthenticationError: AADSTS7000215: Invalid client secret. assertion=[redacted]; caused by: token endpoint said Bearer [redacted]`,
        );
        expect(line).not.toContain(JWT);
        // A DataverseError cause is kept as it is.
        const wrapped = new DataverseError({ ...notFound(), message: 'gave up', cause: notFound() });
        expect(wrapped.cause).toBeInstanceOf(DataverseError);
    });

    it('recognises a DataverseError by name too, as one from another copy of the module', () => {
        const foreign = Object.assign(new Error('Dataverse 404 on GET /x: gone'), { status: 404 });
        foreign.name = 'DataverseError';
        expect(isDataverseError(foreign)).toBe(true);
        expect(isDataverseError(notFound())).toBe(true);
        expect(isDataverseError(new Error('x'))).toBe(false);
        expect(isDataverseError({ name: 'DataverseError' })).toBe(false);
    });
});
