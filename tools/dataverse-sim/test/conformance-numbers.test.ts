/**
 * Int64, Decimal and Money values as the service keeps them: exactly (SQL bigint, decimal(23,10), money), written and
 * read as JSON number literals with every digit, compared exactly by $filter and $orderby, rounded to the column's
 * precision on write; a literal Edm.Int64 cannot hold is refused as ODataLib refuses it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema, loadCmtData } from '../src/data/index.js';
import { isExactNumber } from '../src/exact-number.js';
import type { SimValue } from '../src/model.js';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 6 }));
});
afterAll(async () => {
    await sim.close();
});

/** A stored number as its decimal text (an ExactNumber's digits). */
const text = (v: SimValue | undefined): string => (isExactNumber(v) ? v.text : JSON.stringify(v ?? null));

const COLUMNS = 'new_externalsequence,new_exchangefactor,new_portfoliovalue';

/** Creates an account from raw JSON text (JSON.stringify cannot write these literals) and returns its id. */
async function createRaw(fields: string): Promise<string> {
    const r = await client.post('accounts', `{"name":"Exact",${fields}}`);
    expect(r.status, r.text).toBe(204);
    return /\(([0-9a-f-]{36})\)$/.exec(r.headers.get('OData-EntityId') ?? '')![1]!;
}

describe('exact numbers', () => {
    it('stores and returns Int64, Decimal and Money values beyond a double exactly', async () => {
        const id = await createRaw(
            '"new_externalsequence":9007199254740993,"new_exchangefactor":12345678901.1234567891,' +
                '"new_portfoliovalue":922337203685477.5807',
        );
        const r = await client.get(`accounts(${id})?$select=${COLUMNS}`);
        expect(r.status).toBe(200);
        // The body text, not JSON.parse's doubles: every digit as a number literal.
        expect(r.text).toContain('"new_externalsequence":9007199254740993');
        expect(r.text).toContain('"new_exchangefactor":12345678901.1234567891');
        expect(r.text).toContain('"new_portfoliovalue":922337203685477.5807');
        const row = sim.dump('account').find((a) => a.accountid === id)!;
        expect(isExactNumber(row.new_externalsequence)).toBe(true);
        expect(text(row.new_externalsequence)).toBe('9007199254740993');
        expect(text(row.new_exchangefactor)).toBe('12345678901.1234567891');
        // A value a double holds stays a plain number.
        const small = await createRaw('"new_externalsequence":42,"new_exchangefactor":1.5');
        const smallRow = sim.dump('account').find((a) => a.accountid === small)!;
        expect(smallRow.new_externalsequence).toBe(42);
        expect(smallRow.new_exchangefactor).toBe(1.5);
    });

    it('keeps them exact through UpsertMultiple (204, research §3.2) and formats them exactly', async () => {
        const id = '6f3c8a1e-0000-4000-8000-00000000e001';
        const upsert = await client.post(
            'accounts/Microsoft.Dynamics.CRM.UpsertMultiple',
            `{"Targets":[{"@odata.type":"Microsoft.Dynamics.CRM.account","accountid":"${id}","name":"Bulk",` +
                '"new_externalsequence":-9223372036854775808,"new_portfoliovalue":100000000000000.0001}]}',
        );
        expect(upsert.status, upsert.text).toBe(204);
        const r = await client.get(`accounts(${id})?$select=${COLUMNS}`, {
            Prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"',
        });
        expect(r.text).toContain('"new_externalsequence":-9223372036854775808');
        expect(r.text).toContain('"new_portfoliovalue":100000000000000.0001');
        expect(r.text).toContain(
            '"new_externalsequence@OData.Community.Display.V1.FormattedValue":"-9,223,372,036,854,775,808"',
        );
    });

    it("describes the columns' ranges in their metadata, Int64's exactly", async () => {
        const r = await client.get(
            "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='new_externalsequence')/Microsoft.Dynamics.CRM.BigIntAttributeMetadata",
        );
        expect(r.status, r.text).toBe(200);
        expect(r.text).toContain('"MinValue":-9223372036854775808');
        expect(r.text).toContain('"MaxValue":9223372036854775807');
    });

    it('rounds a value with more decimals than the column keeps, half away from zero', async () => {
        const id = await createRaw('"new_exchangefactor":1.12345678905,"revenue":1.005,"creditlimit":-2.675');
        const row = sim.dump('account').find((a) => a.accountid === id)!;
        expect(row.new_exchangefactor).toBe(1.1234567891);
        expect(row.revenue).toBe(1.01);
        expect(row.creditlimit).toBe(-2.68);
        const r = await client.get(`accounts(${id})?$select=new_exchangefactor,revenue`);
        expect(r.text).toContain('"new_exchangefactor":1.1234567891');
        expect(r.text).toContain('"revenue":1.01');
    });

    it('refuses an Int64 literal out of range or with a fraction, as ODataLib does', async () => {
        for (const literal of ['9223372036854775808', '1.5']) {
            const r = await client.post('accounts', `{"name":"Bad","new_externalsequence":${literal}}`);
            expect(r.status).toBe(400);
            expect(r.json.error.code).toBe('0x80060888');
            expect(r.json.error.message).toBe(
                `Cannot convert the literal '${literal}' to the expected type 'Edm.Int64'.`,
            );
        }
    });

    it('compares them exactly in $filter and $orderby', async () => {
        const odd = await createRaw(
            '"new_externalsequence":9007199254740995,"new_exchangefactor":23456789012.0000000002',
        );
        const even = await createRaw(
            '"new_externalsequence":9007199254740996,"new_exchangefactor":23456789012.0000000001',
        );
        const ids = async (query: string): Promise<string[]> => {
            const r = await client.get(`accounts?$select=accountid&${query}`);
            expect(r.status, r.text).toBe(200);
            return (r.json.value as Array<{ accountid: string }>).map((a) => a.accountid);
        };
        expect(await ids('$filter=new_externalsequence eq 9007199254740995')).toEqual([odd]);
        expect(await ids('$filter=new_externalsequence eq 9007199254740996')).toEqual([even]);
        expect(await ids('$filter=new_externalsequence gt 9007199254740995')).toEqual([even]);
        expect(await ids('$filter=new_exchangefactor eq 23456789012.0000000001')).toEqual([even]);
        expect(await ids('$filter=new_exchangefactor ge 23456789012.0000000002')).toEqual([odd]);
        expect(
            await ids(
                `$filter=Microsoft.Dynamics.CRM.In(PropertyName='new_externalsequence',PropertyValues=['9007199254740995'])`,
            ),
        ).toEqual([odd]);
        const ordered = await ids('$filter=new_exchangefactor gt 23456789011&$orderby=new_exchangefactor asc');
        expect(ordered).toEqual([even, odd]);
    });

    it('generates full-scale values for the crm sample and loads them exactly from CMT data', () => {
        const generated = sim.dump('account').filter((a) => a.name !== 'Exact' && a.name !== 'Bulk');
        expect(generated.some((a) => isExactNumber(a.new_externalsequence))).toBe(true);
        expect(generated.some((a) => isExactNumber(a.new_exchangefactor))).toBe(true);
        expect(generated.some((a) => isExactNumber(a.new_portfoliovalue))).toBe(true);

        const dir = mkdtempSync(join(tmpdir(), 'sim-numbers-'));
        const id = '6f3c8a1e-0000-4000-8000-00000000c001';
        writeFileSync(
            join(dir, 'data.xml'),
            `<entities><entity name="account"><records><record id="${id}">` +
                `<field name="accountid" value="${id}" /><field name="name" value="Cmt" />` +
                '<field name="new_externalsequence" value="9007199254740993" />' +
                '<field name="new_exchangefactor" value="12345678901.1234567891" />' +
                '<field name="new_portfoliovalue" value="922337203685477.5807" />' +
                '</record></records></entity></entities>',
        );
        const data = loadCmtData(crmSchema(), join(dir, 'data.xml'), () => undefined);
        const row = data.rows.account!.find((a) => a.accountid === id)!;
        expect(text(row.new_externalsequence)).toBe('9007199254740993');
        expect(text(row.new_exchangefactor)).toBe('12345678901.1234567891');
        expect(text(row.new_portfoliovalue)).toBe('922337203685477.5807');
    });
});
