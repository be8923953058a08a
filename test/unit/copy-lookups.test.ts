/**
 * The lookup resolver (src/copy/lookups.ts) against two real simulators, a source with a few rows and its empty
 * counterpart as the target, on the plan and reference matches preparePlan builds from their metadata: parents
 * copied with their ids, parents matched on an alternate key (key values read from the source, target ids from
 * the target), polymorphic lookups (customer, regarding) on the navigation property of the table they point to,
 * users, teams, business units and currencies through the reference matches, the fallback owner, and parents
 * outside their table's filter. One pair of simulators serves every test of the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataverseClient, type DataverseWriteClient } from '../../src/dataverse/index.js';
import type { Row } from '../../src/dataverse/client-types.js';
import type { LookupResolver, LookupValue } from '../../src/copy/lookups.js';
import { readSourceByIds } from '../../src/copy/page-read.js';
import { decideRow, expectedRow } from '../../src/copy/row-plan.js';
import { preparePlan } from '../../src/plan/prepare.js';
import type { ColumnMapping, Plan, TablePlan } from '../../src/plan/types.js';
import { storedReferences, type StoredReferences } from '../../src/run/run-context.js';
import { validateSpec } from '../../src/spec/index.js';
import { crmSchema, startSimulator, type SimTable, type Simulator } from 'dataverse-sim';
import { lookupOf, newResolver } from '../helpers/row-logic.js';

const A1 = 'a1000000-0000-4000-8000-000000000001';
const A2_NO_KEY = 'a2000000-0000-4000-8000-000000000002';
const A1_IN_TARGET = 'a9000000-0000-4000-8000-000000000009';
const C1 = 'c1000000-0000-4000-8000-000000000001';
const O_IN = 'b1000000-0000-4000-8000-000000000001';
const O_OUT = 'b2000000-0000-4000-8000-000000000002';
const NOWHERE = 'f0000000-0000-4000-8000-00000000000f';
const V = (n: number) => `d${n}000000-0000-4000-8000-00000000000${n}`;

/** A custom table with a regarding-style polymorphic lookup and a business unit lookup. */
const visit: SimTable = {
    logicalName: 'new_visit',
    schemaName: 'new_Visit',
    entitySetName: 'new_visits',
    primaryIdAttribute: 'new_visitid',
    primaryNameAttribute: 'new_name',
    ownershipType: 'OrganizationOwned',
    changeTracking: false,
    isCustom: true,
    attributes: [
        { logicalName: 'new_visitid', type: 'Uniqueidentifier', isPrimaryId: true, validForUpdate: false },
        { logicalName: 'new_name', type: 'String', isPrimaryName: true, maxLength: 100 },
        {
            logicalName: 'regardingobjectid',
            type: 'Lookup',
            targets: ['account', 'contact', 'opportunity'],
            relationshipNames: {
                account: 'new_visit_regarding_account',
                contact: 'new_visit_regarding_contact',
                opportunity: 'new_visit_regarding_opportunity',
            },
        },
        {
            logicalName: 'new_businessunitid',
            type: 'Lookup',
            targets: ['businessunit'],
            relationshipNames: { businessunit: 'new_visit_businessunit' },
        },
        { logicalName: 'versionnumber', type: 'BigInt', validForCreate: false, validForUpdate: false },
    ],
};

let source: Simulator;
let target: Simulator;
let clients: { source: DataverseWriteClient; target: DataverseWriteClient };
let plan: Plan;
let references: StoredReferences;
/** Source id -> target id of the system rows the tests use. */
const ids = {
    user: { source: '', target: '' },
    team: { source: '', target: '' },
    businessUnit: { source: '', target: '' },
    currency: { source: '', target: '' },
    fallbackOwner: '',
};

async function send(sim: Simulator, method: string, path: string, body?: unknown): Promise<void> {
    const response = await fetch(`${sim.url}/api/data/v9.2/${path}`, {
        method,
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

/** A source row of a system table (chosen by `pick`) and the target row with the same value in `column`. */
function systemPair(table: string, column: string, pick: (rows: Row[]) => Row): { source: string; target: string } {
    const pk = `${table}id`;
    const chosen = pick(source.dump(table));
    const match = (target.dump(table) as Row[]).find((r) => r[column] === chosen[column]);
    if (!match) throw new Error(`no target ${table} with ${column} ${String(chosen[column])}`);
    return { source: String(chosen[pk]), target: String(match[pk]) };
}

beforeAll(async () => {
    const schema = crmSchema();
    schema.tables.push(visit);
    [source, target] = await Promise.all([
        startSimulator({ schema, rows: 0, seed: 5 }),
        startSimulator({ schema, rows: 0, seed: 5, empty: true }),
    ]);
    clients = {
        source: createDataverseClient({ url: source.url, credential: { type: 'none' } }),
        target: createDataverseClient({ url: target.url, credential: { type: 'none' } }),
    };
    ids.user = systemPair('systemuser', 'domainname', (rows) => rows[1]!);
    ids.team = systemPair('team', 'name', (rows) => rows.find((r) => r.name === 'Key Accounts')!);
    ids.businessUnit = systemPair('businessunit', 'name', (rows) => rows.find((r) => r.name === 'Sales')!);
    ids.currency = systemPair('transactioncurrency', 'isocurrencycode', (rows) => rows[1]!);
    const fallback = (target.dump('systemuser') as Row[])[2]!;
    ids.fallbackOwner = String(fallback.systemuserid);

    // Source rows: two accounts (one without its key value), a contact, an opportunity inside the filter and one
    // outside it, and visits regarding each of them. The target holds the keyed account under its own id.
    await send(source, 'POST', 'accounts', { accountid: A1, name: 'Alpha', accountnumber: 'A-1' });
    await send(source, 'POST', 'accounts', { accountid: A2_NO_KEY, name: 'No number' });
    await send(source, 'POST', 'contacts', {
        contactid: C1,
        lastname: 'One',
        'ownerid@odata.bind': `/teams(${ids.team.source})`,
    });
    for (const [id, name, closeprobability] of [
        [O_IN, 'Likely deal', 80],
        [O_OUT, 'Unlikely deal', 10],
    ] as const)
        await send(source, 'POST', 'opportunities', {
            opportunityid: id,
            name,
            closeprobability,
            'customerid_account@odata.bind': `/accounts(${A1})`,
        });
    const regarding: Array<[number, string, string]> = [
        [1, 'account', `/accounts(${A1})`],
        [2, 'contact', `/contacts(${C1})`],
        [3, 'opportunity', `/opportunities(${O_IN})`],
        [4, 'opportunity', `/opportunities(${O_OUT})`],
        [5, 'account', `/accounts(${A2_NO_KEY})`],
    ];
    for (const [n, table, bind] of regarding)
        await send(source, 'POST', 'new_visits', {
            new_visitid: V(n),
            new_name: `visit ${n}`,
            [`regardingobjectid_${table}@odata.bind`]: bind,
            'new_businessunitid@odata.bind': `/businessunits(${ids.businessUnit.source})`,
        });
    await send(target, 'POST', 'accounts', { accountid: A1_IN_TARGET, name: 'Alpha', accountnumber: 'A-1' });

    const spec = validateSpec({
        name: 'resolver',
        source: { url: source.url },
        target: { url: target.url },
        tables: [
            { name: 'account', match: 'new_accountnumberkey' },
            { name: 'contact' },
            { name: 'opportunity', filter: 'closeprobability ge 50' },
            { name: 'new_visit' },
        ],
        references: { fallbackOwner: String(fallback.domainname) },
    });
    if (!spec.ok) throw new Error(JSON.stringify(spec.problems));
    const prepared = await preparePlan(spec.spec, clients);
    plan = prepared.plan;
    references = storedReferences(prepared.references);
});

afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
});

const tableOf = (name: string): TablePlan => plan.tables[name]!;
const columnOf = (table: string, column: string): ColumnMapping =>
    tableOf(table).columns.find((c) => c.source === column)!;
const resolver = (): LookupResolver =>
    newResolver({ plan, references, source: clients.source, target: clients.target });

/** The source rows of a table with these ids, read as a copy page reads them. */
function read(table: string, rowIds: string[]): Promise<Row[]> {
    return readSourceByIds(clients.source, tableOf(table), rowIds);
}

/** Each row's value of `column` after prepare (rows in id order). */
async function resolveAll(table: string, column: string, rows: Row[], r = resolver()): Promise<LookupValue[]> {
    await r.prepare(rows, tableOf(table).columns);
    return rows.map((row) => r.resolve(columnOf(table, column), row));
}

describe('the plan and matches the resolver works from', () => {
    it('has no problems, and matches the system rows the tests use', () => {
        expect(plan.problems).toEqual([]);
        expect(references.tables.systemuser?.map[ids.user.source]).toBe(ids.user.target);
        expect(references.fallbackOwnerId).toBe(ids.fallbackOwner);
    });
});

describe('parents copied in the run', () => {
    it('binds a parent copied with its id to the same id, on the lookup’s navigation property', async () => {
        const rows = [{ contactid: V(9), ...lookupOf('parentcustomerid', C1.toUpperCase(), 'contact') }];
        expect(await resolveAll('contact', 'parentcustomerid', rows)).toEqual([
            {
                kind: 'bind',
                navigationProperty: 'parentcustomerid_contact',
                bind: `/contacts(${C1})`,
                targetTable: 'contact',
                targetId: C1,
            },
        ]);
    });

    it('binds a key-matched parent by the key values read from the source, and finds its target id in the target', async () => {
        const r = resolver();
        const rows = [{ contactid: V(9), ...lookupOf('parentcustomerid', A1, 'account') }];
        const [value] = await resolveAll('contact', 'parentcustomerid', rows, r);
        expect(value).toEqual({
            kind: 'bind',
            navigationProperty: 'parentcustomerid_account',
            bind: "/accounts(accountnumber='A-1')",
            targetTable: 'account',
            keyReference: {
                entitySet: 'accounts',
                table: 'account',
                columns: [{ name: 'accountnumber', type: 'String' }],
                values: ['A-1'],
            },
        });
        expect(r.targetIdOf(value!)).toBeUndefined();
        await r.prepareTargetIds([value!]);
        expect(r.targetIdOf(value!)).toBe(A1_IN_TARGET);
    });

    it('reads the key values of a parent once, however many rows point to it', async () => {
        const r = resolver();
        const rows = [1, 2, 3].map((n) => ({ contactid: V(n), ...lookupOf('parentcustomerid', A1, 'account') }));
        source.resetStats();
        await r.prepare(rows, tableOf('contact').columns);
        expect(source.stats().requests).toBe(1);
        await r.prepare(rows, tableOf('contact').columns);
        expect(source.stats().requests).toBe(1);
    });

    it('compares a key-matched parent with the target row by its target id', async () => {
        const r = resolver();
        const contact = tableOf('contact');
        const [row] = [{ contactid: C1, lastname: 'One', ...lookupOf('parentcustomerid', A1, 'account') }];
        await r.prepare([row], contact.columns);
        const expected = expectedRow(contact, row, r);
        await r.prepareTargetIds(expected.lookups.map((l) => l.value));
        const same = { contactid: C1, lastname: 'One', ...lookupOf('parentcustomerid', A1_IN_TARGET, 'account') };
        const other = { ...same, ...lookupOf('parentcustomerid', NOWHERE, 'account') };
        const options = { onUnresolvedLookup: 'clear' } as const;
        const unchanged = decideRow(contact, expected, same, r, options);
        expect(unchanged.changed).not.toContain('parentcustomerid');
        expect(unchanged.deferred).toBeUndefined();
        // parentcustomerid is deferred (contact -> contact cycle): the rebind waits for the deferred phase.
        expect(decideRow(contact, expected, other, r, options).deferred).toEqual({
            contactid: C1,
            'parentcustomerid_account@odata.bind': "/accounts(accountnumber='A-1')",
        });
    });

    it.each([
        { name: 'whose key value is empty', id: A2_NO_KEY, reason: `whose key new_accountnumberkey is empty` },
        { name: 'that is not in the source', id: NOWHERE, reason: 'which is not in the source' },
    ])('leaves a key-matched parent $name unresolved', async ({ id, reason }) => {
        const rows = [{ contactid: V(9), ...lookupOf('parentcustomerid', id, 'account') }];
        expect(await resolveAll('contact', 'parentcustomerid', rows)).toEqual([
            { kind: 'unresolved', reason: `points to account ${id}, ${reason}` },
        ]);
    });
});

describe('polymorphic lookups', () => {
    it('binds a regarding lookup on the navigation property of the table each row points to', async () => {
        const rows = await read('new_visit', [V(1), V(2), V(3)]);
        const byId = new Map(
            (await resolveAll('new_visit', 'regardingobjectid', rows)).map((v, i) => [rows[i]!.new_visitid, v]),
        );
        expect(byId.get(V(1))).toMatchObject({
            kind: 'bind',
            navigationProperty: 'regardingobjectid_account',
            bind: "/accounts(accountnumber='A-1')",
            targetTable: 'account',
        });
        expect(byId.get(V(2))).toEqual({
            kind: 'bind',
            navigationProperty: 'regardingobjectid_contact',
            bind: `/contacts(${C1})`,
            targetTable: 'contact',
            targetId: C1,
        });
        expect(byId.get(V(3))).toEqual({
            kind: 'bind',
            navigationProperty: 'regardingobjectid_opportunity',
            bind: `/opportunities(${O_IN})`,
            targetTable: 'opportunity',
            targetId: O_IN,
        });
    });

    it('leaves a parent outside its table’s filter unresolved (it is not copied)', async () => {
        const rows = await read('new_visit', [V(3), V(4)]);
        const values = await resolveAll('new_visit', 'regardingobjectid', rows);
        const out = values[rows.findIndex((r) => r.new_visitid === V(4))];
        expect(out).toEqual({
            kind: 'unresolved',
            reason: `points to opportunity ${O_OUT}, which is outside the run's filter for opportunity (not copied)`,
        });
        expect(values[rows.findIndex((r) => r.new_visitid === V(3))]).toMatchObject({ kind: 'bind' });
    });

    it('binds a customer lookup of a child outside the filter by the parent, not by the child', async () => {
        // The opportunity outside the filter points to A1 like the one inside: only lookups *to* it are unresolved.
        const { filter: _filter, ...unfiltered } = tableOf('opportunity');
        const rows = await readSourceByIds(clients.source, unfiltered, [O_OUT]);
        expect(rows).toHaveLength(1);
        expect(await resolveAll('opportunity', 'customerid', rows)).toEqual([
            expect.objectContaining({ kind: 'bind', navigationProperty: 'customerid_account' }),
        ]);
    });
});

describe('reference tables through the stored matches', () => {
    it.each([
        {
            name: 'an owner user',
            table: 'contact',
            column: 'ownerid',
            row: () => lookupOf('ownerid', ids.user.source, 'systemuser'),
            bind: () => ({ nav: 'ownerid', set: 'systemusers', id: ids.user.target, table: 'systemuser' }),
        },
        {
            name: 'an owner team',
            table: 'contact',
            column: 'ownerid',
            row: () => lookupOf('ownerid', ids.team.source, 'team'),
            bind: () => ({ nav: 'ownerid', set: 'teams', id: ids.team.target, table: 'team' }),
        },
        {
            name: 'a currency',
            table: 'contact',
            column: 'transactioncurrencyid',
            row: () => lookupOf('transactioncurrencyid', ids.currency.source, 'transactioncurrency'),
            bind: () => ({
                nav: 'transactioncurrencyid',
                set: 'transactioncurrencies',
                id: ids.currency.target,
                table: 'transactioncurrency',
            }),
        },
        {
            name: 'a user that is not an owner',
            table: 'account',
            column: 'preferredsystemuserid',
            row: () => lookupOf('preferredsystemuserid', ids.user.source, 'systemuser'),
            bind: () => ({
                nav: 'preferredsystemuserid',
                set: 'systemusers',
                id: ids.user.target,
                table: 'systemuser',
            }),
        },
        {
            name: 'an owner without a match: the fallback owner',
            table: 'contact',
            column: 'ownerid',
            row: () => lookupOf('ownerid', NOWHERE, 'systemuser'),
            bind: () => ({ nav: 'ownerid', set: 'systemusers', id: ids.fallbackOwner, table: 'systemuser' }),
        },
        {
            name: 'a team owner without a match: the fallback owner, a user',
            table: 'contact',
            column: 'ownerid',
            row: () => lookupOf('ownerid', NOWHERE, 'team'),
            bind: () => ({ nav: 'ownerid', set: 'systemusers', id: ids.fallbackOwner, table: 'systemuser' }),
        },
    ])('binds $name to its matched target row', async ({ table, column, row, bind }) => {
        const expected = bind();
        expect(await resolveAll(table, column, [row()])).toEqual([
            {
                kind: 'bind',
                navigationProperty: expected.nav,
                bind: `/${expected.set}(${expected.id})`,
                targetTable: expected.table,
                targetId: expected.id,
            },
        ]);
    });

    it('tells a team owner from a user owner by the annotation of the row read from the source', async () => {
        const rows = await read('contact', [C1]);
        expect(await resolveAll('contact', 'ownerid', rows)).toEqual([
            {
                kind: 'bind',
                navigationProperty: 'ownerid',
                bind: `/teams(${ids.team.target})`,
                targetTable: 'team',
                targetId: ids.team.target,
            },
        ]);
    });

    it('binds a business unit read from the source to the target unit of the same name', async () => {
        const rows = await read('new_visit', [V(1)]);
        expect(await resolveAll('new_visit', 'new_businessunitid', rows)).toEqual([
            {
                kind: 'bind',
                navigationProperty: 'new_businessunitid',
                bind: `/businessunits(${ids.businessUnit.target})`,
                targetTable: 'businessunit',
                targetId: ids.businessUnit.target,
            },
        ]);
    });

    it('leaves a user without a match unresolved when the column is not an owner (no fallback)', async () => {
        expect(
            await resolveAll('account', 'preferredsystemuserid', [
                lookupOf('preferredsystemuserid', NOWHERE, 'systemuser'),
            ]),
        ).toEqual([
            { kind: 'unresolved', reason: `points to systemuser ${NOWHERE}, which has no match in the target` },
        ]);
    });

    it('leaves an owner unresolved when no fallback owner was matched', async () => {
        const r = newResolver({
            plan,
            references: { tables: references.tables },
            source: clients.source,
            target: clients.target,
        });
        expect(await resolveAll('contact', 'ownerid', [lookupOf('ownerid', NOWHERE, 'systemuser')], r)).toEqual([
            {
                kind: 'unresolved',
                reason: `points to systemuser ${NOWHERE}, which has no match in the target and no fallbackOwner could be used`,
            },
        ]);
    });
});

describe('owners the target refuses', () => {
    it('an owner matched to a disabled target user falls back, named in the plan; another lookup to it binds it', async () => {
        const disabled = systemPair('systemuser', 'domainname', (rows) => rows.find((r) => r.isdisabled === true)!);
        expect(references.refusedOwners?.[disabled.target]).toMatch(/is disabled in the target/);
        expect(plan.warnings.map((w) => w.message)).toContainEqual(
            expect.stringMatching(
                new RegExp(
                    `^systemuser '.+' \\(${disabled.source}\\) matches target systemuser ${disabled.target}, which is disabled in the target, .*: rows it owns go to the fallbackOwner`,
                ),
            ),
        );
        expect(await resolveAll('contact', 'ownerid', [lookupOf('ownerid', disabled.source, 'systemuser')])).toEqual([
            expect.objectContaining({ kind: 'bind', targetId: ids.fallbackOwner }),
        ]);
        expect(
            await resolveAll('account', 'preferredsystemuserid', [
                lookupOf('preferredsystemuserid', disabled.source, 'systemuser'),
            ]),
        ).toEqual([expect.objectContaining({ kind: 'bind', targetId: disabled.target })]);
    });

    it('without a fallback owner, such an owner is unresolved with its reason', async () => {
        const disabled = systemPair('systemuser', 'domainname', (rows) => rows.find((r) => r.isdisabled === true)!);
        const r = newResolver({
            plan,
            references: { tables: references.tables, refusedOwners: references.refusedOwners! },
            source: clients.source,
            target: clients.target,
        });
        const [value] = await resolveAll('contact', 'ownerid', [lookupOf('ownerid', disabled.source, 'systemuser')], r);
        expect(value).toEqual({
            kind: 'unresolved',
            reason: expect.stringMatching(
                new RegExp(
                    `which matches target systemuser ${disabled.target}, which is disabled in the target.*, and no fallbackOwner could be used$`,
                ),
            ),
        });
    });
});

describe('values that bind nothing', () => {
    it('an empty lookup is null, and a lookup to a table neither copied nor matched is unresolved', async () => {
        const rows = [
            lookupOf('originatingleadid', null),
            lookupOf('originatingleadid', ''),
            lookupOf('originatingleadid', NOWHERE, 'lead'),
        ];
        expect(await resolveAll('opportunity', 'originatingleadid', rows)).toEqual([
            { kind: 'null' },
            { kind: 'null' },
            {
                kind: 'unresolved',
                reason: "points to 'lead', which is neither copied in this run nor a reference table",
            },
        ]);
    });
});
