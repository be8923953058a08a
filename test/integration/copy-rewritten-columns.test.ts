/**
 * The re-read after a page's writes (src/copy/rewritten-columns.ts) against a simulator whose plug-ins rewrite
 * columns: what it finds, and what it costs in requests (one read for a page's sample, none when nothing is left to
 * check).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import { createDataverseClient, type DataverseClient } from '../../src/dataverse/index.js';
import { findRewrittenColumns, REWRITE_SAMPLE, type WrittenRow } from '../../src/copy/rewritten-columns.js';
import type { ColumnMapping, TablePlan } from '../../src/plan/types.js';
import { keyIdentity } from '../../src/copy/addressing.js';

const text = (name: string): ColumnMapping => ({
    source: name,
    target: name,
    kind: 'plain',
    type: 'String',
    writable: 'both',
});
const COLUMNS = {
    name: text('name'),
    websiteurl: text('websiteurl'),
    fax: text('fax'),
    accountnumber: text('accountnumber'),
};
const endpoint = { logicalName: 'account', entitySetName: 'accounts', primaryId: 'accountid' };
const TABLE: TablePlan = {
    name: 'account',
    source: endpoint,
    target: endpoint,
    match: { kind: 'id' },
    deleteMissing: false,
    columns: Object.values(COLUMNS),
    deferred: [],
    changeTracking: true,
};

let sim: Simulator;
let client: DataverseClient;
/** 45 accounts written with the values below; the plug-ins changed some of them. */
let written: WrittenRow[];

const id = (i: number) => `a0000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

beforeAll(async () => {
    sim = await startSimulator({
        schema: 'crm',
        empty: true,
        plugins: [
            { table: 'account', column: 'websiteurl', set: { kind: 'uppercase' } },
            { table: 'account', column: 'fax', set: { kind: 'compose', from: ['name'] } },
        ],
    });
    client = createDataverseClient({ url: sim.url });
    written = [];
    for (let i = 0; i < 45; i++) {
        // The first rows' websites are already in capitals: the plug-in keeps them; row 3 is the first it changes.
        const payload = {
            accountid: id(i),
            accountnumber: `K-${i}`,
            name: `N${i}`,
            websiteurl: i < 3 ? `HTTPS://W${i}` : `https://w${i}`,
        };
        const response = await fetch(`${sim.url}/api/data/v9.2/accounts`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(payload),
        });
        expect(response.status).toBe(204);
        written.push({
            source: { accountid: id(i) },
            expected: {
                sourceId: id(i),
                address: { kind: 'id', id: id(i) },
                values: [
                    { column: COLUMNS.name, value: payload.name },
                    { column: COLUMNS.websiteurl, value: payload.websiteurl },
                ],
                lookups: [],
            },
            payload,
        });
    }
});
afterAll(() => sim.close());

describe('columns the target rewrote after a write', () => {
    it('names each rewritten column with its first row, in one read of the first rows written', async () => {
        sim.resetStats();
        const found = await findRewrittenColumns(client, TABLE, written, new Set());
        expect(found).toEqual([{ column: 'websiteurl', sourceId: id(3), wrote: 'https://w3', found: 'HTTPS://W3' }]);
        expect(sim.stats().requests).toBe(1);
        expect(sim.stats().rowsRead).toBe(REWRITE_SAMPLE);
    });

    it('a column written as the target keeps it is not named (values the plug-in leaves alone)', async () => {
        const found = await findRewrittenColumns(client, TABLE, written.slice(0, 3), new Set());
        expect(found).toEqual([]);
    });

    it('reads nothing when every written column is known already', async () => {
        sim.resetStats();
        const found = await findRewrittenColumns(client, TABLE, written, new Set(['name', 'websiteurl']));
        expect(found).toEqual([]);
        expect(sim.stats().requests).toBe(0);
    });

    it('checks only what was written: a column the plug-in sets but the run did not write is not named', async () => {
        // fax is composed by the target on every create, but no row wrote it.
        const found = await findRewrittenColumns(client, TABLE, written, new Set(['websiteurl']));
        expect(found).toEqual([]);
    });

    it('finds the rows of a table matched on an alternate key by their key values', async () => {
        const byKey: TablePlan = {
            ...TABLE,
            match: {
                kind: 'key',
                key: 'new_accountnumberkey',
                columns: ['accountnumber'],
                sourceColumns: ['accountnumber'],
            },
        };
        const keyed = written.map((w, i): WrittenRow => {
            const values = [`K-${i}`];
            return {
                ...w,
                source: { accountnumber: `K-${i}` },
                expected: {
                    ...w.expected,
                    address: {
                        kind: 'key',
                        path: `accounts(accountnumber='K-${i}')`,
                        values,
                        identity: keyIdentity(values),
                    },
                },
                payload: { '@odata.id': `accounts(accountnumber='K-${i}')`, websiteurl: w.payload.websiteurl },
            };
        });
        sim.resetStats();
        const found = await findRewrittenColumns(client, byKey, keyed, new Set());
        expect(found).toEqual([{ column: 'websiteurl', sourceId: id(3), wrote: 'https://w3', found: 'HTTPS://W3' }]);
        expect(sim.stats().requests).toBe(1);
    });
});
