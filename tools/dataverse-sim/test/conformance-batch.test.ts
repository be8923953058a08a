/**
 * Conformance of `$batch` against the documented Web API behaviour (research §3.1, §9 note 7): request and
 * response format, change sets and Content-ID references, stop-on-first-error vs `odata.continue-on-error`,
 * change-set atomicity and the 1000-request limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';
import { batchBody, boundaryOf, BOUNDARY, sendBatch as send, type Op } from './batch-helpers.js';

const TOO_LONG = 'x'.repeat(161);
const TOO_LONG_MESSAGE =
    "A validation error occurred.  The length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'.";

let sim: Simulator;
let client: Client;
let api: string;

const sendBatch = (items: Array<Op | Op[]>, prefer?: string) => send(client, items, prefer);

async function names(prefix: string): Promise<string[]> {
    const r = await client.get(`accounts?$select=name&$filter=startswith(name,'${prefix}')`);
    return (r.json.value as Array<{ name: string }>).map((v) => v.name).sort();
}

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 0 }));
    api = client.api;
});
afterAll(async () => {
    await sim.close();
});

describe('format (research §3.1)', () => {
    it('answers 200 with batchresponse_ parts in request order, creates with Location and OData-EntityId', async () => {
        // research §3.1, §2.1: relative or absolute inner URLs; creates show both Location: and OData-EntityId:
        const { reply, parts } = await sendBatch([
            { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 'fmt 1' } },
            { method: 'POST', url: `${api}accounts`, body: { name: 'fmt 2' } },
            { method: 'GET', url: "/api/data/v9.2/accounts?$select=name&$filter=startswith(name,'fmt')" },
        ]);
        expect(reply.status).toBe(200);
        expect(reply.headers.get('OData-Version')).toBe('4.0');
        const boundary = boundaryOf(reply.headers.get('Content-Type')!);
        expect(boundary).toMatch(/^batchresponse_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(boundary).not.toBe(BOUNDARY);
        expect(parts.map((p) => p.statusLine)).toEqual([
            'HTTP/1.1 204 No Content',
            'HTTP/1.1 204 No Content',
            'HTTP/1.1 200 OK',
        ]);
        for (const p of parts.slice(0, 2)) {
            expect(p.headers['odata-version']).toBe('4.0');
            expect(p.headers.location).toMatch(new RegExp(`^${api.replace(/\./g, '\\.')}accounts\\([0-9a-f-]{36}\\)$`));
            expect(p.headers['odata-entityid']).toBe(p.headers.location);
        }
        // research §0: collection responses inside $batch are streamed
        const get = parts[2]!;
        expect(get.headers['content-type']).toBe('application/json; odata.metadata=minimal; odata.streaming=true');
        const body = JSON.parse(get.body);
        expect(body['@odata.context']).toBe(`${api}$metadata#accounts(name)`);
        expect(body.value.map((v: { name: string }) => v.name).sort()).toEqual(['fmt 1', 'fmt 2']);
    });

    it('counts as one request for service protection', async () => {
        // research §3.1: "Each batch counts as one request for the 6,000-request limit"
        const before = sim.gate.stats().requests;
        await sendBatch([
            { method: 'GET', url: '/api/data/v9.2/WhoAmI' },
            { method: 'GET', url: '/api/data/v9.2/WhoAmI' },
            { method: 'GET', url: '/api/data/v9.2/WhoAmI' },
        ]);
        expect(sim.gate.stats().requests - before).toBe(1);
    });
});

describe('change sets and Content-ID (research §3.1)', () => {
    it('commits a change set, echoes Content-ID and resolves $n in URLs and bodies', async () => {
        // research §3.1: `PATCH $1`, `"…@odata.bind":"$1"`, nested changesetresponse_ parts, Content-ID echoed
        const { reply, parts } = await sendBatch([
            [
                { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 'cs parent' }, contentId: '1' },
                {
                    method: 'POST',
                    url: '/api/data/v9.2/contacts',
                    body: { lastname: 'cs child', 'parentcustomerid_account@odata.bind': '$1' },
                    contentId: '2',
                },
                { method: 'PATCH', url: '$1', body: { telephone1: '555' }, contentId: '3' },
            ],
        ]);
        expect(reply.status).toBe(200);
        expect(parts.map((p) => [p.contentId, p.status])).toEqual([
            ['1', 204],
            ['2', 204],
            ['3', 204],
        ]);
        expect(parts[0]!.changeSet).toMatch(/^changesetresponse_[0-9a-f-]{36}$/);
        const accountId = parts[0]!.headers['odata-entityid']!.slice(-37, -1);
        const contactId = parts[1]!.headers['odata-entityid']!.slice(-37, -1);
        const contact = await client.get(`contacts(${contactId})?$select=_parentcustomerid_value`);
        expect(contact.json._parentcustomerid_value).toBe(accountId);
        expect((await client.get(`accounts(${accountId})?$select=telephone1`)).json.telephone1).toBe('555');
    });

    it('rolls back the whole change set when one of its requests fails', async () => {
        // research §3.1: change sets are atomic (all roll back on a failure)
        const { reply, parts } = await sendBatch([
            [
                { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 'atomic 1' }, contentId: '1' },
                { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: TOO_LONG }, contentId: '2' },
            ],
        ]);
        expect(reply.status).toBe(400);
        const failed = parts[parts.length - 1]!;
        expect(failed.status).toBe(400);
        expect(JSON.parse(failed.body)).toEqual({ error: { code: '0x80044331', message: TOO_LONG_MESSAGE } });
        expect(await names('atomic')).toEqual([]);
    });

    it('refuses a GET inside a change set', async () => {
        // research §3.1: change sets "may not contain GET"
        const { reply } = await sendBatch([
            [
                { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 'with get' } },
                { method: 'GET', url: '/api/data/v9.2/WhoAmI' },
            ],
        ]);
        expect(reply.status).toBe(400);
        expect(await names('with get')).toEqual([]);
    });

    it('rejects a forward Content-ID reference with the documented message', async () => {
        // research §3.1: 400 "Content-ID Reference: '$1' does not exist in the batch context."
        const { reply, parts } = await sendBatch([
            [
                {
                    method: 'POST',
                    url: '/api/data/v9.2/contacts',
                    body: { lastname: 'forward', 'parentcustomerid_account@odata.bind': '$1' },
                    contentId: '2',
                },
                { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 'forward target' }, contentId: '1' },
            ],
        ]);
        expect(reply.status).toBe(400);
        const error = JSON.parse(parts[parts.length - 1]!.body).error as { message: string };
        expect(error.message).toBe("Content-ID Reference: '$1' does not exist in the batch context.");
        expect(await names('forward')).toEqual([]);
    });
});

describe('errors (research §3.1, §9 note 7)', () => {
    const failingFirst: Op[] = [
        { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: TOO_LONG } },
        { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 'after failure 1' } },
        { method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 'after failure 2' } },
    ];

    it('stops at the first failure without odata.continue-on-error; the batch takes its status', async () => {
        // research §3.1 (webapi-examples/06): outer status = failing part's, body holds that part's error
        const { reply, parts } = await sendBatch(failingFirst);
        expect(reply.status).toBe(400);
        expect(reply.headers.get('Preference-Applied')).toBeNull();
        expect(parts).toHaveLength(1);
        expect(parts[0]!.statusLine).toBe('HTTP/1.1 400 Bad Request');
        expect(parts[0]!.headers['content-type']).toBe('application/json; odata.metadata=minimal');
        expect(parts[0]!.body).toBe(JSON.stringify({ error: { code: '0x80044331', message: TOO_LONG_MESSAGE } }));
        expect(await names('after failure')).toEqual([]);
    });

    it('runs every part with odata.continue-on-error and answers 200', async () => {
        // research §3.1: with it, the outer status is 200 and every part has its own status
        const { reply, parts } = await sendBatch(failingFirst, 'odata.continue-on-error');
        expect(reply.status).toBe(200);
        expect(reply.headers.get('Preference-Applied')).toBe('odata.continue-on-error');
        expect(parts.map((p) => p.status)).toEqual([400, 204, 204]);
        expect(await names('after failure')).toEqual(['after failure 1', 'after failure 2']);
    });
});

describe('size limit (research §3.1)', () => {
    const whoAmI: Op = { method: 'GET', url: '/api/data/v9.2/WhoAmI' };

    it('runs a batch of 1000 requests', async () => {
        // research §3.1: "Batch requests can contain up to 1000 individual requests"
        const { reply, parts } = await sendBatch(Array.from({ length: 1000 }, () => whoAmI));
        expect(reply.status).toBe(200);
        expect(parts).toHaveLength(1000);
        expect(new Set(parts.map((p) => p.status))).toEqual(new Set([200]));
    });

    it('rejects a batch of 1001 requests (change-set requests included) and runs none of them', async () => {
        // research §3.1: at most 1000 requests; §9 note 7
        const creates: Op[] = [{ method: 'POST', url: '/api/data/v9.2/accounts', body: { name: 'over limit' } }];
        const r = await client.post(
            '$batch',
            batchBody([...Array.from({ length: 999 }, () => whoAmI), creates, whoAmI]),
            { 'Content-Type': `multipart/mixed; boundary="${BOUNDARY}"` },
        );
        expect(r.status).toBe(400);
        expect(Object.keys(r.json.error as object)).toEqual(['code', 'message']);
        expect(await names('over limit')).toEqual([]);
    });
});
