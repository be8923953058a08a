/**
 * The naive baseline does the migration it claims, against real simulators (limits off): every row of the four
 * tables and every association arrives under its own id, lookups (including the account/contact cycle and
 * contact-to-contact parents) point where they pointed, and owners are the target's user or team of the same
 * natural key. State is the one thing it leaves out (documented: the comparison favours it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import { naiveMigration, type NaiveResult } from '../naive-migration.js';

let source: Simulator;
let target: Simulator;
let result: NaiveResult;

beforeAll(async () => {
    [source, target] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 300, seed: 5 }),
        startSimulator({ schema: 'crm', rows: 300, seed: 5, empty: true }),
    ]);
    result = await naiveMigration(source.url, target.url);
});

afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
});

type Dumped = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
const ref = (row: Dumped | undefined, column: string) => (row?.[column] as { id: string } | null | undefined)?.id;
const byId = (rows: Dumped[], id: string) => new Map(rows.map((r) => [r[id] as string, r]));

describe('the naive DynamicsWebApi migration', () => {
    it('creates every row of the four tables and every association', () => {
        for (const table of ['account', 'contact', 'lead', 'opportunity', 'accountleads', 'contactleads']) {
            expect(target.dump(table).length, table).toBe(source.dump(table).length);
        }
        expect(result.rows).toBe(300);
        expect(result.associations).toBe(source.dump('accountleads').length + source.dump('contactleads').length);
        expect(result.requests).toBeGreaterThan(result.rows + result.associations);
        expect(result.steps.map((s) => s.step)).toEqual([
            'create account',
            'create contact',
            'patch account',
            'patch contact',
            'create lead',
            'create opportunity',
            'patch lead',
            'associate accountleads_association',
            'associate contactleads_association',
        ]);
        expect(result.steps.reduce((n, s) => n + s.requests, 0)).toBe(result.requests);
        expect(result.steps.find((s) => s.step === 'create contact')?.requests).toBe(source.dump('contact').length);
    });

    it('keeps ids and lookups, including the cycle patched in a second pass', () => {
        const lookups: Record<string, string[]> = {
            account: ['primarycontactid', 'parentaccountid'],
            contact: ['parentcustomerid'],
            lead: ['parentaccountid', 'parentcontactid', 'customerid', 'qualifyingopportunityid'],
            opportunity: ['customerid', 'parentaccountid', 'parentcontactid', 'originatingleadid'],
        };
        for (const [table, columns] of Object.entries(lookups)) {
            const copied = byId(target.dump(table), `${table}id`);
            let set = 0;
            for (const row of source.dump(table)) {
                const twin = copied.get(row[`${table}id`] as string);
                expect(twin, `${table} ${str(row[`${table}id`])}`).toBeDefined();
                for (const column of columns) {
                    expect(ref(twin, column), `${table}.${column}`).toBe(ref(row, column));
                    if (ref(row, column)) set++;
                }
            }
            expect(set, `${table}: some lookups are set in the sample`).toBeGreaterThan(0);
        }
        const pairs = (sim: Simulator) =>
            sim
                .dump('contactleads')
                .map((r) => `${str(r.contactid)}|${str(r.leadid)}`)
                .sort();
        expect(pairs(target)).toEqual(pairs(source));
    });

    it('maps owners to the target user or team of the same natural key', () => {
        const names = (sim: Simulator) =>
            new Map([
                ...sim.dump('systemuser').map((u) => [u.systemuserid as string, `user ${str(u.domainname)}`] as const),
                ...sim.dump('team').map((t) => [t.teamid as string, `team ${str(t.name)}`] as const),
            ]);
        const [sourceNames, targetNames] = [names(source), names(target)];
        const copied = byId(target.dump('account'), 'accountid');
        for (const row of source.dump('account')) {
            const owner = sourceNames.get(ref(row, 'ownerid') ?? '');
            const copiedOwner = targetNames.get(ref(copied.get(row.accountid as string), 'ownerid') ?? '');
            expect(copiedOwner).toBe(owner);
        }
    });
});
