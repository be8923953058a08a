import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build.js';
import { planSummaryJson, renderPlan } from '../../src/plan/summary.js';
import { attr, crmTables, environment, spec, table } from './plan-fixture.js';

const source = () => environment('http://127.0.0.1:1', crmTables(), ['leadaddress']);
const target = () => environment('http://127.0.0.1:2', crmTables());

describe('buildPlan on a CRM-like schema', () => {
    const plan = buildPlan(
        spec({
            tables: [
                { name: 'opportunity' },
                { name: 'account', deleteMissing: true },
                { name: 'contact', deleteMissing: true },
            ],
            manyToMany: ['new_account_contact'],
        }),
        source(),
        target(),
    );

    it('has no problems', () => {
        expect(plan.problems).toEqual([]);
    });

    it('breaks account <-> contact and both self-references with the fewest deferrals', () => {
        // contact.parentcustomerid points to contact itself (a self-reference) and to account; deferring it
        // also breaks the account <-> contact cycle, so account.primarycontactid need not be deferred.
        expect(plan.tiers).toEqual([{ tables: ['contact'] }, { tables: ['account'] }, { tables: ['opportunity'] }]);
        expect(plan.tables.contact!.deferred).toEqual(['parentcustomerid']);
        expect(plan.tables.account!.deferred).toEqual(['parentaccountid']);
        expect(plan.tables.opportunity!.deferred).toEqual([]);
        expect(plan.deferredPhase).toEqual([
            { table: 'contact', columns: ['parentcustomerid'] },
            { table: 'account', columns: ['parentaccountid'] },
        ]);
        const column = plan.tables.contact!.columns.find((c) => c.source === 'parentcustomerid')!;
        expect(column.deferred).toBe(true);
    });

    it('binds polymorphic lookups per target with their navigation properties', () => {
        const customer = plan.tables.opportunity!.columns.find((c) => c.source === 'customerid')!;
        expect(customer.lookup).toEqual({
            required: true,
            targets: [
                {
                    table: 'account',
                    navigationProperty: 'customerid_account',
                    binding: { kind: 'run-id', table: 'account', targetTable: 'account', targetEntitySet: 'accounts' },
                },
                {
                    table: 'contact',
                    navigationProperty: 'customerid_contact',
                    binding: { kind: 'run-id', table: 'contact', targetTable: 'contact', targetEntitySet: 'contacts' },
                },
            ],
        });
    });

    it('matches reference tables and lists them', () => {
        expect(plan.references.map((r) => r.table)).toEqual(['systemuser', 'team', 'transactioncurrency']);
        const currency = plan.tables.account!.columns.find((c) => c.source === 'transactioncurrencyid')!;
        expect(currency.lookup?.targets[0]?.binding).toEqual({
            kind: 'reference',
            table: 'transactioncurrency',
            targetEntitySet: 'transactioncurrencys',
            ownerFallback: false,
        });
        const owner = plan.tables.account!.columns.find((c) => c.source === 'ownerid')!;
        expect(owner.lookup?.targets.map((t) => [t.table, t.navigationProperty, t.binding.kind])).toEqual([
            ['systemuser', 'ownerid', 'reference'],
            ['team', 'ownerid', 'reference'],
        ]);
        expect(owner.lookup?.targets.every((t) => t.binding.kind === 'reference' && t.binding.ownerFallback)).toBe(
            true,
        );
        expect(plan.references.find((r) => r.table === 'systemuser')?.matchOn).toEqual([
            'domainname',
            'internalemailaddress',
            'fullname',
        ]);
    });

    it('warns that a lookup to a table outside the run is cleared', () => {
        const warning = plan.warnings.find((w) => w.column === 'originatingleadid');
        expect(warning?.message).toContain("'account.originatingleadid' points to 'lead'");
        expect(warning?.message).toContain('cleared on every row');
        const lead = plan.tables.account!.columns.find((c) => c.source === 'originatingleadid')!;
        expect(lead.lookup?.targets[0]?.binding).toEqual({ kind: 'unresolved', table: 'lead' });
    });

    it('resolves the many-to-many relationship and orders deletes children first', () => {
        expect(plan.manyToMany).toHaveLength(1);
        expect(plan.manyToMany[0]!.source.intersectEntitySet).toBe('new_account_contacts');
        expect(plan.manyToMany[0]!.target.entity2).toEqual({
            table: 'contact',
            entitySetName: 'contacts',
            primaryId: 'contactid',
            intersectAttribute: 'contactid',
            navigationProperty: 'new_account_contact',
        });
        expect(plan.manyToMany[0]!.match).toEqual([
            { kind: 'run', table: 'account' },
            { kind: 'run', table: 'contact' },
        ]);
        expect(plan.deletePhase).toEqual(['account', 'contact']);
    });

    it('summarises as the --json shape and survives a JSON round trip', () => {
        expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
        const summary = planSummaryJson(plan);
        expect(summary.tiers).toEqual([
            { tables: [{ name: 'contact', deferred: ['parentcustomerid'] }] },
            { tables: [{ name: 'account', deferred: ['parentaccountid'] }] },
            { tables: [{ name: 'opportunity', deferred: [] }] },
        ]);
        expect(summary.manyToMany).toEqual([
            {
                name: 'new_account_contact',
                tables: ['account', 'contact'],
                match: ['run', 'run'],
                deleteMissing: false,
            },
        ]);
        expect(summary.problems).toEqual([]);
        expect(summary.warnings.length).toBe(plan.warnings.length);
    });

    it('renders tiers, deferred columns and estimates as estimates, with where they come from', () => {
        const text = renderPlan(plan, {
            contact: { rows: 12_000, pages: 3, estimate: true, exact: false, basis: 'snapshot' },
            account: { rows: 100, pages: 1, estimate: true, exact: true, basis: 'count' },
            opportunity: { rows: null, pages: null, estimate: true, exact: false, basis: 'unknown' },
        });
        expect(text).toMatch(/Tier 1\n {2}contact +~12,000 rows, ~3 pages, /);
        expect(text).toMatch(/ {2}account +100 rows, 1 page, /);
        expect(text).toMatch(/ {2}opportunity +rows unknown, /);
        expect(text).toContain('deferred: parentcustomerid');
        expect(text).toContain(
            'new_account_contact (account <-> contact)\n    account: copied in this run, same id\n    contact: copied in this run, same id',
        );
        expect(text).toContain('Total: ~12,100 rows, ~4 pages (and 1 table not counted)');
        expect(text).toContain(
            [
                'Row counts are estimates; the run lists the exact pages.',
                "  without a filter: the service's row count snapshot, up to 24 h old",
                '  with a filter: $count, exact up to 5,000 rows',
            ].join('\n'),
        );
        expect(text).toContain('No problems.');
    });

    it('renders a filtered table past the $count limit as a bound, and exact key-walk counts as counts', () => {
        const bounded = renderPlan(plan, {
            contact: { rows: 12_000, pages: 3, estimate: true, exact: false, basis: 'count', moreThan: 5000 },
        });
        expect(bounded).toMatch(/contact +more than 5,000 rows \(at most ~12,000\), up to ~3 pages, /);
        expect(bounded).toContain('Total: at most ~12,000 rows, ~3 pages');
        const unbounded = renderPlan(plan, {
            contact: { rows: null, pages: null, estimate: true, exact: false, basis: 'count', moreThan: 5000 },
        });
        expect(unbounded).toMatch(/contact +more than 5,000 rows, /);
        const exact = renderPlan(plan, {
            contact: { rows: 12_000, pages: 3, estimate: false, exact: true, basis: 'keys' },
            account: { rows: 100, pages: 1, estimate: false, exact: true, basis: 'keys' },
            opportunity: { rows: 0, pages: 1, estimate: false, exact: true, basis: 'keys' },
        });
        expect(exact).toMatch(/contact +12,000 rows in 3 pages, /);
        expect(exact).toContain('Total: 12,100 rows in 5 pages');
        expect(exact).not.toContain('estimates');
    });

    it("carries each table's estimate in the --json shape", () => {
        const estimate = { rows: 12_000, pages: 3, estimate: true, exact: false, basis: 'snapshot' } as const;
        const summary = planSummaryJson(plan, { contact: estimate });
        expect(summary.tiers[0]?.tables).toEqual([{ name: 'contact', deferred: ['parentcustomerid'], ...estimate }]);
        expect(summary.tiers[1]?.tables).toEqual([{ name: 'account', deferred: ['parentaccountid'] }]);
    });
});

describe('buildPlan problems', () => {
    it('reports every problem at once, with close matches', () => {
        const plan = buildPlan(
            spec({
                tables: [
                    { name: 'acount' },
                    { name: 'contact', columns: ['firstnme', 'lastname'] },
                    { name: 'opportunity', targetName: 'oportunity' },
                ],
                manyToMany: ['new_account_contacts'],
                onUnresolvedLookup: 'fail',
            }),
            source(),
            target(),
        );
        const messages = plan.problems.map((p) => `${p.path}: ${p.message}`);
        expect(messages).toContainEqual(
            expect.stringMatching(
                /^tables\[0\]\.name: table 'acount' does not exist in the source environment \(did you mean 'account'\?\)/,
            ),
        );
        expect(messages).toContainEqual(
            expect.stringMatching(
                /^tables\[1\]\.columns\[0\]: column 'firstnme' does not exist in source table 'contact' \(did you mean 'firstname'\?\)/,
            ),
        );
        expect(messages).toContainEqual(
            expect.stringMatching(
                /^tables\[2\]\.targetName: table 'oportunity' does not exist in the target environment \(did you mean 'opportunity'\?\)/,
            ),
        );
        expect(messages).toContainEqual(
            expect.stringMatching(
                /^manyToMany\[0\]: many-to-many relationship 'new_account_contacts' does not exist.*did you mean 'new_account_contact'/,
            ),
        );
    });

    it('requires each side of a many-to-many relationship to be copied or matched, naming the fix', () => {
        const plan = buildPlan(
            spec({ tables: [{ name: 'contact' }], manyToMany: ['new_account_contact'] }),
            source(),
            target(),
        );
        expect(plan.problems.map((p) => `${p.path}: ${p.message}`)).toContainEqual(
            "manyToMany[0]: many-to-many relationship 'new_account_contact' joins 'account' and 'contact', but 'account' is neither copied in this run nor matched as a reference table: add it to tables (to copy its rows) or give it a rule in references (to match its rows in the target by a natural key)",
        );
    });

    it('makes an unresolved lookup a problem under onUnresolvedLookup fail', () => {
        const plan = buildPlan(spec({ tables: [{ name: 'account' }], onUnresolvedLookup: 'fail' }), source(), target());
        const problem = plan.problems.find((p) => p.column === 'originatingleadid');
        expect(problem?.message).toContain(
            "add it to tables, or give it a matching rule in references, or set onUnresolvedLookup to 'clear'",
        );
        // contact is outside this run too: account.primarycontactid is unresolved as well.
        expect(plan.problems.some((p) => p.column === 'primarycontactid')).toBe(true);
    });

    it('names a cycle closed only by required lookups', () => {
        const tables = [
            table('a1', { lookups: [{ column: 'b1id', targets: ['b1'], required: true }] }),
            table('b1', { lookups: [{ column: 'a1id', targets: ['a1'], required: true }] }),
            ...crmTables(),
        ];
        const plan = buildPlan(
            spec({ tables: [{ name: 'a1' }, { name: 'b1' }] }),
            environment('http://127.0.0.1:1', tables),
            environment('http://127.0.0.1:2', tables),
        );
        expect(plan.problems.map((p) => p.message)).toContainEqual(
            expect.stringMatching(
                /the lookups (a1\.b1id -> b1\.a1id -> a1|b1\.a1id -> a1\.b1id -> b1) form a cycle that cannot be broken/,
            ),
        );
        expect(plan.tiers.flatMap((t) => t.tables).sort()).toEqual(['a1', 'b1']);
    });

    it('checks an alternate key match and binds lookups to that table by key', () => {
        const plan = buildPlan(
            spec({ tables: [{ name: 'account', match: 'accountnumber_key' }, { name: 'opportunity' }] }),
            source(),
            target(),
        );
        expect(plan.problems).toEqual([]);
        expect(plan.tables.account!.match).toEqual({
            kind: 'key',
            key: 'accountnumber_key',
            columns: ['accountnumber'],
            sourceColumns: ['accountnumber'],
        });
        const parent = plan.tables.opportunity!.columns.find((c) => c.source === 'parentaccountid')!;
        expect(parent.lookup?.targets[0]?.binding).toMatchObject({
            kind: 'run-key',
            key: 'accountnumber_key',
            columns: ['accountnumber'],
        });

        const bad = buildPlan(
            spec({
                tables: [
                    { name: 'account', match: 'acountnumber_key' },
                    { name: 'contact', match: 'x' },
                ],
            }),
            source(),
            target(),
        );
        const messages = bad.problems.map((p) => `${p.path}: ${p.message}`);
        expect(messages).toContainEqual(
            expect.stringContaining(
                "tables[0].match: alternate key 'acountnumber_key' does not exist on target table 'account' (did you mean 'accountnumber_key'?)",
            ),
        );
        expect(messages).toContainEqual(
            expect.stringContaining("tables[1].match: target table 'contact' has no alternate keys"),
        );
    });

    it('plans a key with a lookup column for its own rows, and refuses what compares its values across sides', () => {
        const withLookupKey = () => {
            const tables = crmTables();
            tables
                .find((t) => t.logicalName === 'account')!
                .keys.push({
                    logicalName: 'name_contact_key',
                    schemaName: 'NameContactKey',
                    keyAttributes: ['name', 'primarycontactid'],
                    entityKeyIndexStatus: 'Active',
                });
            return tables;
        };
        const env = (url: string) => environment(url, withLookupKey());
        const own = buildPlan(
            spec({
                tables: [
                    { name: 'account', match: 'name_contact_key', columns: ['name', 'primarycontactid'] },
                    { name: 'contact', columns: ['lastname'] },
                ],
            }),
            env('http://127.0.0.1:1'),
            env('http://127.0.0.1:2'),
        );
        expect(own.problems).toEqual([]);
        const refused = buildPlan(
            spec({
                tables: [
                    { name: 'account', match: 'name_contact_key', deleteMissing: true },
                    { name: 'contact', columns: ['lastname', 'parentcustomerid'] },
                ],
                manyToMany: ['new_account_contact'],
            }),
            env('http://127.0.0.1:1'),
            env('http://127.0.0.1:2'),
        );
        const messages = refused.problems.map((p) => `${p.path}: ${p.message}`);
        const reason =
            "is matched on alternate key 'name_contact_key', which includes the lookup column 'primarycontactid'";
        expect(messages).toContainEqual(
            expect.stringMatching(
                new RegExp(`^tables\\[0\\]\\.deleteMissing: 'account' ${reason}: deleteMissing compares`),
            ),
        );
        expect(messages).toContainEqual(
            expect.stringContaining(`'account' ${reason}: the lookup contact.parentcustomerid compares`),
        );
        expect(messages).toContainEqual(
            expect.stringMatching(new RegExp(`^manyToMany: 'account' ${reason}: a many-to-many side`)),
        );
    });

    it('reports a key column that is not copied and a key that is not active', () => {
        const tables = crmTables();
        const pending = crmTables();
        pending.find((t) => t.logicalName === 'account')!.keys[0]!.entityKeyIndexStatus = 'Pending';
        const notCopied = buildPlan(
            spec({ tables: [{ name: 'account', columns: ['name'], match: 'accountnumber_key' }] }),
            environment('s', tables),
            environment('t', tables),
        );
        expect(notCopied.problems.map((p) => p.message)).toContainEqual(
            "alternate key 'accountnumber_key' uses column 'accountnumber', which is not copied: add it to columns",
        );
        const inactive = buildPlan(
            spec({ tables: [{ name: 'account', match: 'accountnumber_key' }] }),
            environment('s', tables),
            environment('t', pending),
        );
        expect(inactive.problems.map((p) => p.message)).toContainEqual(
            expect.stringContaining('is Pending, not Active'),
        );
    });

    it('validates explicit reference rules against both environments', () => {
        const plan = buildPlan(
            spec({ tables: [{ name: 'account' }], references: { systemuser: { matchOn: ['domainnam'] } } }),
            source(),
            target(),
        );
        expect(plan.problems.map((p) => `${p.path}: ${p.message}`)).toContainEqual(
            "references.systemuser.matchOn[0]: column 'domainnam' does not exist in source table 'systemuser' (did you mean 'domainname'?)",
        );
    });

    it('reports an intersect table listed as a table', () => {
        const plan = buildPlan(spec({ tables: [{ name: 'new_account_contact' }] }), source(), target());
        expect(plan.problems[0]?.message).toContain('list the relationship in manyToMany instead');
    });

    it('never throws on metadata with missing pieces', () => {
        const broken = table('account', { attributes: [attr('weird', 'Lookup')] });
        broken.manyToOne = [];
        const plan = buildPlan(
            spec({ tables: [{ name: 'account' }] }),
            environment('s', [broken]),
            environment('t', [broken]),
        );
        expect(plan.problems.length).toBeGreaterThan(0);
        expect(plan.problems.map((p) => p.message)).toContainEqual(
            expect.stringMatching(
                /^reference table 'systemuser' is used \(by lookups.*\), but its metadata was not read/,
            ),
        );
    });
});

describe('buildPlan refuses tables that cannot be written as rows', () => {
    it('names activityparty, attachment and activitypointer with what to do instead', () => {
        const extra = ['activityparty', 'attachment', 'activitypointer'].map((name) => table(name));
        const plan = buildPlan(
            spec({ tables: [{ name: 'activityparty' }, { name: 'attachment' }, { name: 'activitypointer' }] }),
            environment('http://127.0.0.1:1', [...crmTables(), ...extra]),
            environment('http://127.0.0.1:2', [...crmTables(), ...extra]),
        );
        expect(plan.problems.map((p) => [p.path, p.message])).toEqual([
            ['tables[0].name', expect.stringMatching(/RetrieveMultiple only.*written with the activity/)],
            ['tables[1].name', expect.stringMatching(/query-only.*activitymimeattachment/)],
            ['tables[2].name', expect.stringMatching(/abstract view over all activities.*list each activity table/)],
        ]);
    });

    it('refuses a table elastic or virtual on either side, and accepts activities', () => {
        const typed = (tableType: string) => ({ ...table('new_reading'), tableType });
        const plan = (sourceType: string, targetType: string) =>
            buildPlan(
                spec({ tables: [{ name: 'new_reading' }] }),
                environment('http://127.0.0.1:1', [...crmTables(), typed(sourceType)]),
                environment('http://127.0.0.1:2', [...crmTables(), typed(targetType)]),
            ).problems.map((p) => p.message);
        expect(plan('Standard', 'Elastic')).toEqual([expect.stringMatching(/elastic table in the target/)]);
        expect(plan('Virtual', 'Standard')).toEqual([expect.stringMatching(/virtual table in the source/)]);
        expect(plan('Activity', 'Activity')).toEqual([]);
    });
});
