import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 10 }));
});
afterAll(async () => {
    await sim.close();
});

const MISSING = '00000000-0000-0000-0000-0000000000bb';
const type = (t: string) => ({ '@odata.type': `Microsoft.Dynamics.CRM.${t}` });

describe('CreateMultiple / UpdateMultiple / UpsertMultiple', () => {
    it('creates rows and returns their Ids', async () => {
        const r = await client.post('accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
            Targets: [
                { ...type('account'), name: 'B1' },
                { ...type('account'), name: 'B2' },
            ],
        });
        expect(r.status).toBe(200);
        expect(r.json['@odata.context']).toBe(`${client.api}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`);
        expect(r.json.Ids).toHaveLength(2);
        const names = sim
            .dump('account')
            .filter((a) => r.json.Ids.includes(a.accountid))
            .map((a) => a.name);
        expect(names.sort()).toEqual(['B1', 'B2']);
    });

    it('is all-or-nothing and requires @odata.type', async () => {
        const before = sim.dump('account').length;
        const r = await client.post('accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
            Targets: [
                { ...type('account'), name: 'Ok' },
                { ...type('account'), name: 'Bad', 'primarycontactid@odata.bind': `/contacts(${MISSING})` },
            ],
        });
        expect(r.status).toBe(404);
        expect(r.json.error.code).toBe('0x80040217');
        expect(sim.dump('account')).toHaveLength(before);
        const untyped = await client.post('accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
            Targets: [{ name: 'N' }],
        });
        expect(untyped.status).toBe(400);
        expect(sim.dump('account')).toHaveLength(before);
    });

    it('updates and upserts with 204, by id and by alternate key', async () => {
        const ids = (
            await client.post('accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
                Targets: [{ ...type('account'), name: 'U1' }],
            })
        ).json.Ids as string[];
        const upd = await client.post('accounts/Microsoft.Dynamics.CRM.UpdateMultiple', {
            Targets: [{ ...type('account'), accountid: ids[0], name: 'U1b' }],
        });
        expect(upd.status).toBe(204);
        const newId = '22222222-3333-4444-5555-666666666666';
        const ups = await client.post('accounts/Microsoft.Dynamics.CRM.UpsertMultiple', {
            Targets: [
                { ...type('account'), accountid: ids[0], name: 'U1c' },
                { ...type('account'), accountid: newId, name: 'U2' },
                { ...type('account'), '@odata.id': "accounts(accountnumber='UPS-1')", name: 'U3' },
            ],
        });
        expect(ups.status).toBe(204);
        const rows = sim.dump('account');
        expect(rows.find((a) => a.accountid === ids[0])!.name).toBe('U1c');
        expect(rows.find((a) => a.accountid === newId)!.name).toBe('U2');
        expect(rows.find((a) => a.accountnumber === 'UPS-1')!.name).toBe('U3');
    });

    it('answers as the service does for a table without bulk operations', async () => {
        const table = sim.schema.tables.find((t) => t.bulkOperations === false && !t.isIntersect)!;
        const r = await client.post(`${table.entitySetName}/Microsoft.Dynamics.CRM.CreateMultiple`, {
            Targets: [{ ...type(table.logicalName) }],
        });
        expect(r.status).toBe(400);
        expect(r.json.error.message).toContain(`does not support entities of type '${table.logicalName}'`);
    });
});

function batchBody(boundary: string, parts: string[]): string {
    return parts.map((p) => `--${boundary}\r\n${p}`).join('\r\n') + `\r\n--${boundary}--\r\n`;
}

function httpPart(method: string, url: string, body?: unknown, contentId?: string): string {
    const head = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
    if (contentId) head.push(`Content-ID: ${contentId}`);
    const lines = [...head, '', `${method} ${url} HTTP/1.1`, 'Content-Type: application/json; type=entry', ''];
    if (body !== undefined) lines.push(JSON.stringify(body));
    return lines.join('\r\n');
}

function changeSet(boundary: string, parts: string[]): string {
    return `Content-Type: multipart/mixed; boundary=${boundary}\r\n\r\n${batchBody(boundary, parts)}`;
}

describe('$batch', () => {
    it('runs a change set atomically with Content-ID references', async () => {
        const cs = changeSet('changeset_1', [
            httpPart('POST', `${client.api}accounts`, { name: 'BatchParent' }, '1'),
            httpPart(
                'POST',
                '/api/data/v9.2/contacts',
                { lastname: 'BatchChild', 'parentcustomerid_account@odata.bind': '$1' },
                '2',
            ),
            httpPart('PATCH', '$1', { 'primarycontactid@odata.bind': '$2' }, '3'),
        ]);
        const r = await client.send('POST', '$batch', batchBody('batch_A', [cs]), {
            'Content-Type': 'multipart/mixed; boundary="batch_A"',
        });
        expect(r.status).toBe(200);
        expect(r.headers.get('Content-Type')).toMatch(/^multipart\/mixed; boundary=batchresponse_/);
        expect(r.text.match(/HTTP\/1\.1 204 No Content/g)).toHaveLength(3);
        expect(r.text).toContain('Content-ID: 2');
        const parent = sim.dump('account').find((a) => a.name === 'BatchParent')!;
        const child = sim.dump('contact').find((c) => c.lastname === 'BatchChild')!;
        expect(parent.primarycontactid).toEqual({ id: child.contactid, table: 'contact' });
    });

    it('rolls a failed change set back and stops without continue-on-error', async () => {
        const cs = changeSet('changeset_2', [
            httpPart('POST', 'accounts', { name: 'RolledBack' }, '1'),
            httpPart('POST', 'accounts', { name: 'x'.repeat(500) }, '2'),
        ]);
        const after = httpPart('POST', 'accounts', { name: 'NeverRun' });
        const r = await client.send('POST', '$batch', batchBody('batch_B', [cs, after]), {
            'Content-Type': 'multipart/mixed; boundary=batch_B',
        });
        expect(r.status).toBe(400);
        expect(r.text).toContain('0x80044331');
        const names = sim.dump('account').map((a) => a.name);
        expect(names).not.toContain('RolledBack');
        expect(names).not.toContain('NeverRun');
    });

    it('continues after a failure with odata.continue-on-error', async () => {
        const r = await client.send(
            'POST',
            '$batch',
            batchBody('batch_C', [
                httpPart('POST', 'accounts', { name: 'y'.repeat(500) }),
                httpPart('POST', 'accounts', { name: 'AfterFailure' }),
                httpPart('GET', 'accounts?$select=name&$top=1'),
            ]),
            { 'Content-Type': 'multipart/mixed; boundary=batch_C', Prefer: 'odata.continue-on-error' },
        );
        expect(r.status).toBe(200);
        expect(r.text).toContain('HTTP/1.1 400 Bad Request');
        expect(r.text).toContain('HTTP/1.1 204 No Content');
        expect(r.text).toContain('HTTP/1.1 200 OK');
        expect(sim.dump('account').map((a) => a.name)).toContain('AfterFailure');
    });

    it('rejects forward Content-ID references and more than 1000 parts', async () => {
        const cs = changeSet('changeset_3', [httpPart('PATCH', '$9', { name: 'x' }, '1')]);
        const r = await client.send('POST', '$batch', batchBody('batch_D', [cs]), {
            'Content-Type': 'multipart/mixed; boundary=batch_D',
        });
        expect(r.text).toContain("Content-ID Reference: '$9' does not exist in the batch context.");
        const many = Array.from({ length: 1001 }, () => httpPart('GET', 'WhoAmI'));
        const big = await client.send('POST', '$batch', batchBody('batch_E', many), {
            'Content-Type': 'multipart/mixed; boundary=batch_E',
        });
        expect(big.status).toBe(400);
    });
});

describe('many-to-many $ref', () => {
    it('associates, reads the intersect table, and disassociates both ways', async () => {
        const accountId = await client.create('accounts', { name: 'M2M' });
        const leads = sim
            .dump('lead')
            .slice(0, 2)
            .map((l) => l.leadid as string);
        for (const lead of leads) {
            const r = await client.post(`accounts(${accountId})/accountleads_association/$ref`, {
                '@odata.id': `${client.api}leads(${lead})`,
            });
            expect(r.status).toBe(204);
        }
        const rel = sim.schema.manyToMany.find((m) => m.schemaName === 'accountleads_association')!;
        const set = sim.schema.tables.find((t) => t.logicalName === rel.intersectEntityName)!.entitySetName;
        const rows = (await client.get(`${set}?$filter=${rel.entity1IntersectAttribute} eq ${accountId}`)).json.value;
        expect(rows.map((r: Record<string, string>) => r[rel.entity2IntersectAttribute]).sort()).toEqual(
            [...leads].sort(),
        );
        expect((await client.delete(`accounts(${accountId})/accountleads_association(${leads[0]!})/$ref`)).status).toBe(
            204,
        );
        const byQuery = await client.delete(
            `accounts(${accountId})/accountleads_association/$ref?$id=${client.api}leads(${leads[1]!})`,
        );
        expect(byQuery.status).toBe(204);
        const left = (await client.get(`${set}?$filter=${rel.entity1IntersectAttribute} eq ${accountId}`)).json.value;
        expect(left).toHaveLength(0);
        const missing = await client.post(`accounts(${accountId})/accountleads_association/$ref`, {
            '@odata.id': `leads(${MISSING})`,
        });
        expect(missing.status).toBe(404);
    });
});
