import { describe, expect, it } from 'vitest';
import { isLookupValue, type SimDataset, type SimRow } from '../src/model.js';
import { businessTables, checkIntegrity, crmSchema, emptyCounterpart, generateDataset } from '../src/data/index.js';

const ROWS = 2000;
const data = generateDataset(crmSchema(), { rows: ROWS, seed: 42 });
const rowsOf = (d: SimDataset, t: string): SimRow[] => d.rows[t] ?? [];
const refTable = (row: SimRow, col: string): string | undefined => {
    const v = row[col];
    return isLookupValue(v) ? v.table : undefined;
};

describe('generateDataset', () => {
    it('is deterministic by seed', () => {
        const again = generateDataset(crmSchema(), { rows: ROWS, seed: 42 });
        expect(JSON.stringify(again.rows)).toBe(JSON.stringify(data.rows));
        expect(again.associations).toEqual(data.associations);
        const other = generateDataset(crmSchema(), { rows: ROWS, seed: 43 });
        expect(JSON.stringify(other.rows)).not.toBe(JSON.stringify(data.rows));
        const ids = new Set(rowsOf(data, 'account').map((r) => r.accountid));
        expect(rowsOf(other, 'account').some((r) => ids.has(r.accountid))).toBe(false);
    });

    it('splits the requested number of business rows over the business tables', () => {
        const counts = businessTables(data.schema).map((t) => rowsOf(data, t.logicalName).length);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(ROWS);
        // Close activities come from the closing messages in a target, never from the generator; the state-machine
        // tables (quote, salesorder, incident) start empty so that the default dataset stays as it was.
        const empty = [
            'opportunityclose',
            'quote',
            'salesorder',
            'incident',
            'quoteclose',
            'orderclose',
            'incidentresolution',
            'email',
            // Activities with parties start empty as well (tests write them).
            'appointment',
            'phonecall',
            'task',
            'activityparty',
            'annotation',
            'activitymimeattachment',
        ];
        const filled = businessTables(data.schema).filter((t) => !empty.includes(t.logicalName));
        expect(filled.every((t) => rowsOf(data, t.logicalName).length > 0)).toBe(true);
        for (const table of empty) expect(rowsOf(data, table)).toEqual([]);
        expect(rowsOf(data, 'contact').length).toBeGreaterThan(rowsOf(data, 'account').length);
        const small = generateDataset(crmSchema(), { rows: 7, seed: 1 });
        const total = businessTables(small.schema).reduce((n, t) => n + rowsOf(small, t.logicalName).length, 0);
        expect(total).toBe(7);
    });

    it('creates the system rows a real org has', () => {
        const bus = rowsOf(data, 'businessunit');
        expect(bus.filter((b) => b.parentbusinessunitid === null)).toHaveLength(1);
        expect(bus.length).toBeGreaterThanOrEqual(3);
        const users = rowsOf(data, 'systemuser');
        expect(users.length).toBeGreaterThanOrEqual(10);
        for (const u of users) {
            expect(u.domainname).toMatch(/^[a-z.]+@[a-z]+\.onmicrosoft\.com$/);
            expect(u.internalemailaddress).toBe(u.domainname);
        }
        const teams = rowsOf(data, 'team');
        for (const b of bus)
            expect(
                teams.filter(
                    (t) =>
                        t.isdefault === true &&
                        isLookupValue(t.businessunitid) &&
                        t.businessunitid.id === b.businessunitid,
                ),
            ).toHaveLength(1);
        const currencies = rowsOf(data, 'transactioncurrency').map((c) => c.isocurrencycode);
        expect(currencies).toEqual(expect.arrayContaining(['USD', 'EUR', 'GBP']));
        const [org] = rowsOf(data, 'organization');
        const base = rowsOf(data, 'transactioncurrency').find(
            (c) => isLookupValue(org?.basecurrencyid) && c.transactioncurrencyid === org.basecurrencyid.id,
        );
        expect(base?.exchangerate).toBe(1);
    });

    it('makes every lookup and association point to an existing row of a target table', () => {
        expect(checkIntegrity(data)).toEqual([]);
    });

    it('populates cycles and self-references', () => {
        const accounts = rowsOf(data, 'account');
        const contacts = rowsOf(data, 'contact');
        const share = (rows: SimRow[], pred: (r: SimRow) => boolean): number => rows.filter(pred).length / rows.length;
        expect(share(accounts, (r) => refTable(r, 'primarycontactid') === 'contact')).toBeGreaterThan(0.5);
        expect(share(contacts, (r) => refTable(r, 'parentcustomerid') === 'account')).toBeGreaterThan(0.4);
        expect(share(contacts, (r) => refTable(r, 'parentcustomerid') === 'contact')).toBeGreaterThan(0.05);
        expect(share(accounts, (r) => refTable(r, 'parentaccountid') === 'account')).toBeGreaterThan(0.2);
        // Hierarchies end: following parentaccountid never loops.
        const parent = new Map(
            accounts.map((a) => [a.accountid, isLookupValue(a.parentaccountid) ? a.parentaccountid.id : null]),
        );
        let deepest = 0;
        for (const start of parent.keys()) {
            let depth = 0;
            for (let at: unknown = start; at !== null && at !== undefined; at = parent.get(at as string)) {
                depth++;
                expect(depth).toBeLessThan(accounts.length + 1);
            }
            deepest = Math.max(deepest, depth);
        }
        expect(deepest).toBeGreaterThan(2);
        // Opportunities point to both kinds of customer.
        const kinds = new Set(rowsOf(data, 'opportunity').map((r) => refTable(r, 'customerid')));
        expect(kinds).toEqual(new Set(['account', 'contact', undefined]));
    });

    it('puts rows in every state with valid state/status pairs: ~10% inactive, won/lost and qualified/disqualified', () => {
        for (const t of businessTables(data.schema)) {
            const rows = rowsOf(data, t.logicalName);
            if (rows.length === 0) continue;
            const statuses = t.attributes.find((a) => a.logicalName === 'statuscode')?.options ?? [];
            const states = t.attributes.find((a) => a.logicalName === 'statecode')?.options ?? [];
            for (const r of rows) {
                const status = statuses.find((o) => o.value === r.statuscode);
                expect(status?.state, `${t.logicalName} statuscode ${JSON.stringify(r.statuscode)}`).toBe(r.statecode);
            }
            const share = (state: number) => rows.filter((r) => r.statecode === state).length / rows.length;
            if (states.length === 2) {
                expect(share(1), `${t.logicalName} inactive`).toBeGreaterThan(0.04);
                expect(share(1), `${t.logicalName} inactive`).toBeLessThan(0.18);
            } else {
                // lead: open / qualified / disqualified; opportunity: open / won / lost.
                expect(share(0), `${t.logicalName} open`).toBeGreaterThan(0.6);
                expect(share(0), `${t.logicalName} open`).toBeLessThan(0.8);
                for (const s of states.slice(1))
                    expect(share(s.value), `${t.logicalName} ${s.label}`).toBeGreaterThan(0.05);
            }
        }
    });

    it('fills owner columns consistently and values by type', () => {
        const users = new Map(rowsOf(data, 'systemuser').map((u) => [u.systemuserid, u]));
        for (const r of rowsOf(data, 'account')) {
            const owner = r.ownerid;
            expect(isLookupValue(owner)).toBe(true);
            if (!isLookupValue(owner)) continue;
            if (owner.table === 'systemuser') {
                expect(r.owninguser).toEqual(owner);
                expect(r.owningbusinessunit).toEqual(users.get(owner.id)?.businessunitid);
                expect(users.get(owner.id)?.isdisabled).toBe(false);
            } else expect(r.owningteam).toEqual(owner);
            expect(typeof r.name).toBe('string');
            expect((r.name as string).length).toBeLessThanOrEqual(160);
            expect(r.createdon).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
            expect((r.modifiedon as string) >= (r.createdon as string)).toBe(true);
            if (typeof r.revenue === 'number') {
                expect(Number(r.revenue.toFixed(2))).toBe(r.revenue);
                expect(r.revenue_base).toBeCloseTo(r.revenue / (r.exchangerate as number), 3);
            }
        }
        const numbers = rowsOf(data, 'account').map((r) => r.accountnumber);
        expect(new Set(numbers).size).toBe(numbers.length);
        const multi = rowsOf(data, 'account')
            .map((r) => r.new_servicesofinterest)
            .filter((v) => typeof v === 'string');
        expect(multi.length).toBeGreaterThan(0);
        for (const v of multi) expect(v).toMatch(/^\d+(,\d+)*$/);
        expect(
            rowsOf(data, 'contact').every((c) => c.fullname === `${c.firstname as string} ${c.lastname as string}`),
        ).toBe(true);
    });

    it('creates many-to-many rows without duplicates', () => {
        for (const m of data.schema.manyToMany) {
            const pairs = data.associations[m.schemaName] ?? [];
            expect(pairs.length).toBeGreaterThan(10);
            expect(new Set(pairs.map((p) => p.join('|'))).size).toBe(pairs.length);
        }
    });
});

describe('emptyCounterpart', () => {
    const target = emptyCounterpart(data, { seed: 42 });
    const keys: Array<[string, string, string]> = [
        ['systemuser', 'systemuserid', 'domainname'],
        ['systemuser', 'systemuserid', 'internalemailaddress'],
        ['businessunit', 'businessunitid', 'name'],
        ['team', 'teamid', 'name'],
        ['transactioncurrency', 'transactioncurrencyid', 'isocurrencycode'],
        ['organization', 'organizationid', 'name'],
    ];

    it('has the same natural keys with new ids', () => {
        for (const [table, id, key] of keys) {
            const src = rowsOf(data, table);
            const dst = rowsOf(target, table);
            expect(dst.map((r) => r[key]).sort()).toEqual(src.map((r) => r[key]).sort());
            const srcIds = new Set(src.map((r) => r[id]));
            expect(dst.some((r) => srcIds.has(r[id]))).toBe(false);
        }
    });

    it('keeps references between system rows, has no business rows and no associations', () => {
        expect(checkIntegrity(target)).toEqual([]);
        const buName = new Map(rowsOf(target, 'businessunit').map((b) => [b.businessunitid, b.name]));
        const srcBuName = new Map(rowsOf(data, 'businessunit').map((b) => [b.businessunitid, b.name]));
        for (const u of rowsOf(target, 'systemuser')) {
            const src = rowsOf(data, 'systemuser').find((s) => s.domainname === u.domainname);
            const bu = (r: SimRow | undefined, names: Map<unknown, unknown>) =>
                isLookupValue(r?.businessunitid) ? names.get(r.businessunitid.id) : undefined;
            expect(bu(u, buName)).toBe(bu(src, srcBuName));
        }
        for (const t of businessTables(target.schema)) expect(rowsOf(target, t.logicalName)).toEqual([]);
        for (const pairs of Object.values(target.associations)) expect(pairs).toEqual([]);
        expect(target.schema).toEqual(data.schema);
    });
});
