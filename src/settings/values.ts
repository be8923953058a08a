/**
 * Parsers for the values of app settings: each takes the raw text of an environment variable and returns the
 * typed value, or fails with a message that says what was expected. They are zod schemas so the catalogue can
 * carry one per setting and the reader report every problem the same way.
 */
import { z } from 'zod';
import { ncrontabProblems } from '../spec/ncrontab.js';
import { isHttpsOrLoopback } from '../util/url.js';

/** Any non-empty text. */
export const text = z.string().min(1, { error: 'must not be empty' });

/** The only credential kind the Functions host and our run store accept for identity-based connections. */
export const managedIdentity = z.literal('managedidentity', {
    error: "must be 'managedidentity' (the client id goes in the matching __clientId setting)",
});

/** The language worker of a local Functions host. */
export const nodeWorker = z.literal('node', { error: "must be 'node'" });

/** A client id of a managed identity or app registration. */
export const guid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    error: 'must be a GUID such as 00000000-0000-0000-0000-000000000000',
});

/** A storage service endpoint such as https://account.blob.core.windows.net/ (http only for a local emulator). */
export const serviceUri = z.string().refine(
    (value) => {
        const url = parseUrl(value);
        return url !== undefined && isHttpsOrLoopback(url);
    },
    { error: 'must be an https:// service endpoint such as https://account.blob.core.windows.net/' },
);

/** A storage account name. */
export const storageAccountName = z.string().regex(/^[a-z0-9]{3,24}$/, {
    error: 'must be a storage account name (3-24 lowercase letters and digits)',
});

/** A positive whole number of bytes, requests, ... */
export const positiveInteger = z
    .string()
    .regex(/^\d+$/, { error: 'must be a positive whole number' })
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n > 0, { error: 'must be a positive whole number' });

/** A six-field NCRONTAB expression, as timer triggers take it. */
export const ncrontab = z.string().superRefine((value, context) => {
    for (const problem of ncrontabProblems(value)) context.addIssue({ code: 'custom', message: problem });
});

/** A task hub name: letters and digits, starting with a letter, 3-45 characters (Azure Storage backend rules). */
export const taskHubName = z.string().regex(/^[A-Za-z][A-Za-z0-9]{2,44}$/, {
    error: 'must be 3-45 letters and digits, starting with a letter',
});

/**
 * A comma-separated list of Dataverse environment roots. Each becomes its origin (`https://org.crm.dynamics.com`),
 * lower-case, so a run's URLs can be compared with it exactly. Plain http only for loopback (the simulator).
 */
export const environmentUrlList = z.string().transform((value, context) => {
    const origins: string[] = [];
    for (const item of value.split(',').map((part) => part.trim())) {
        if (item === '') continue;
        const problem = environmentUrlProblem(item);
        if (problem) context.addIssue({ code: 'custom', message: problem });
        else origins.push(new URL(item).origin);
    }
    if (origins.length === 0 && context.issues.length === 0)
        context.addIssue({ code: 'custom', message: 'lists no environment URL' });
    return [...new Set(origins)];
});

function environmentUrlProblem(item: string): string | undefined {
    const url = parseUrl(item);
    if (!url) return `'${item}' is not a URL; give the environment root, e.g. https://contoso.crm.dynamics.com`;
    if (!isHttpsOrLoopback(url)) return `'${item}' must use https (plain http only for loopback simulator URLs)`;
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password)
        return `'${item}' must be the environment root only, e.g. ${url.origin}`;
    return undefined;
}

function parseUrl(value: string): URL | undefined {
    try {
        return new URL(value);
    } catch {
        return undefined;
    }
}

/**
 * The token `serve` lets its own user in with: URL-safe (it travels in the URL of the `listening` line and in a
 * cookie) and long enough to be unguessable (32 characters of base64url or hex are at least 128 bits).
 */
export const serveToken = z.string().regex(/^[A-Za-z0-9_-]{32,256}$/, {
    error: 'must be 32 to 256 URL-safe characters (A-Z a-z 0-9 _ -), such as the output of `openssl rand -hex 32`',
});

/** A flag App Service sets: `True` or `False`, in any case. */
export const platformFlag = z
    .string()
    .regex(/^(true|false)$/i, { error: "must be 'True' or 'False'" })
    .transform((value) => value.toLowerCase() === 'true');
