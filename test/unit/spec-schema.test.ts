import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem, SPEC_DEFAULTS, validateSpec } from '../../src/spec/index.js';

const example = JSON.parse(
    readFileSync(new URL('../fixtures/design-example.spec.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/** A deep copy of the README's spec example with one change applied. */
function variant(change: (doc: Record<string, any>) => void): unknown {
    const doc = structuredClone(example) as Record<string, any>;
    change(doc);
    return doc;
}

function problemsOf(doc: unknown): string[] {
    const result = validateSpec(doc);
    if (result.ok) throw new Error('expected the spec to be rejected');
    return result.problems.map(formatProblem);
}

describe('migration spec', () => {
    it.each(['72f988bf-86f1-41af-91ab-2d7cd011db47', 'contoso.onmicrosoft.com', 'fabrikam.com'])(
        'takes %s as a tenant id',
        (tenantId) => {
            const doc = variant(
                (d) => (d.target.credential = { type: 'clientSecret', tenantId, clientId: 'c', secretSetting: 'S' }),
            );
            expect(validateSpec(doc).ok).toBe(true);
        },
    );

    it('takes a federated managed identity for a target in another tenant', () => {
        const doc = variant(
            (d) =>
                (d.target.credential = {
                    type: 'federatedManagedIdentity',
                    tenantId: 'fabrikam.onmicrosoft.com',
                    clientId: '11111111-2222-3333-4444-555555555555',
                    managedIdentityClientId: '66666666-7777-8888-9999-000000000000',
                }),
        );
        expect(validateSpec(doc).ok).toBe(true);
    });

    it('accepts the README spec example and applies defaults', () => {
        const result = validateSpec(example);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.spec.tables[0]).toMatchObject({ name: 'account', match: 'id', deleteMissing: false });
        expect(result.spec.tables[1]?.deleteMissing).toBe(true);
        expect(result.spec.references.systemuser).toEqual({ matchOn: ['domainname'] });
        expect(result.spec.references.fallbackOwner).toBe('admin@contoso.com');
        expect(result.spec.options.incremental).toBe(SPEC_DEFAULTS.incremental);
    });

    it('fills every option default when options are omitted', () => {
        const result = validateSpec(variant((d) => delete d.options));
        expect(result.ok && result.spec.options).toEqual({
            pageSize: SPEC_DEFAULTS.pageSize,
            writeBatchSize: SPEC_DEFAULTS.writeBatchSize,
            maxConcurrency: SPEC_DEFAULTS.maxConcurrency,
            incremental: SPEC_DEFAULTS.incremental,
            maxDeleteShare: SPEC_DEFAULTS.maxDeleteShare,
            outageBudgetSeconds: SPEC_DEFAULTS.outageBudgetSeconds,
            watermarkLagMinutes: SPEC_DEFAULTS.watermarkLagMinutes,
        });
    });

    it.each([
        ['missing url', (d: any) => delete d.source.url, /^source\.url: required/],
        [
            'plain http to a non-loopback host',
            (d: any) => (d.target.url = 'http://contoso.crm.dynamics.com'),
            /^target\.url: plain http is only allowed for loopback/,
        ],
        [
            'a URL with the API path',
            (d: any) => (d.source.url = 'https://contoso.crm.dynamics.com/api/data/v9.2'),
            /^source\.url: give the environment root only/,
        ],
        [
            'an inline secret instead of a setting name',
            (d: any) =>
                (d.source.credential = {
                    type: 'clientSecret',
                    tenantId: '00000000-0000-0000-0000-00000000000a',
                    clientId: 'c',
                    secretSetting: 'Xy8Q~abc.DEF_ghiJKLmno',
                }),
            /^source\.credential\.secretSetting: must be the NAME of an environment variable/,
        ],
        [
            'a secret under an unknown key',
            (d: any) =>
                (d.source.credential = {
                    type: 'clientSecret',
                    tenantId: '00000000-0000-0000-0000-00000000000a',
                    clientId: 'c',
                    secretSetting: 'S',
                    clientSecret: 'x',
                }),
            /^source\.credential\.clientSecret: unknown key 'clientSecret': a spec never holds secrets/,
        ],
        [
            'pageSize 6000',
            (d: any) => (d.options.pageSize = 6000),
            /^options\.pageSize: Dataverse returns at most 5000 rows a page/,
        ],
        ['writeBatchSize 0', (d: any) => (d.options.writeBatchSize = 0), /^options\.writeBatchSize: /],
        [
            'an outage budget of two days',
            (d: any) => (d.options.outageBudgetSeconds = 172_800),
            /^options\.outageBudgetSeconds: at most a day \(86400 seconds\)/,
        ],
        [
            'a negative outage budget',
            (d: any) => (d.options.outageBudgetSeconds = -1),
            /^options\.outageBudgetSeconds: /,
        ],
        [
            'a watermark lag of two weeks',
            (d: any) => (d.options.watermarkLagMinutes = 20_160),
            /^options\.watermarkLagMinutes: at most a week \(10080 minutes\)/,
        ],
        [
            'a watermark lag in fractions of a minute',
            (d: any) => (d.options.watermarkLagMinutes = 0.5),
            /^options\.watermarkLagMinutes: /,
        ],
        [
            'duplicate table names',
            (d: any) => d.tables.push({ name: 'account' }),
            /^tables\[2\]\.name: table 'account' is listed twice \(first at tables\[0\]\)/,
        ],
        [
            'a rename to a column listed twice',
            (d: any) => (d.tables[1].rename = { firstname: 'lastname' }),
            /^tables\[1\]\.rename\.firstname: renames to 'lastname', which is also listed in columns/,
        ],
        [
            'two renames to one column',
            (d: any) => (d.tables[1].rename = { firstname: 'fullname', lastname: 'fullname' }),
            /^tables\[1\]\.rename\.lastname: renames to 'fullname', which 'firstname' is already renamed to/,
        ],
        [
            'a column listed twice',
            (d: any) => d.tables[1].columns.push('firstname'),
            /^tables\[1\]\.columns\[3\]: column 'firstname' is listed twice/,
        ],
        [
            'unknown key at the root',
            (d: any) => (d.tabels = []),
            /^tabels: unknown key 'tabels' \(did you mean 'tables'\?\)/,
        ],
        ['unknown key in an environment', (d: any) => (d.source.uri = 'x'), /^source\.uri: unknown key 'uri'/],
        [
            'unknown key in a credential',
            (d: any) => (d.source.credential.tenant = 'x'),
            /^source\.credential\.tenant: unknown key/,
        ],
        [
            "the README's placeholder tenant id",
            (d: any) =>
                (d.target.credential = {
                    type: 'clientSecret',
                    tenantId: '<tenant id>',
                    clientId: '<app id>',
                    secretSetting: 'DATAVERSE_TARGET_SECRET',
                }),
            /^target\.credential\.tenantId: expected the tenant id: a GUID .* or a domain name/,
        ],
        [
            'a tenant id that is neither a GUID nor a domain name',
            (d: any) =>
                (d.source.credential = {
                    type: 'clientCertificate',
                    tenantId: 'contoso',
                    clientId: 'c',
                    certificatePathSetting: 'CERT',
                }),
            /^source\.credential\.tenantId: expected the tenant id/,
        ],
        [
            'a federated managed identity without a GUID for the managed identity',
            (d: any) =>
                (d.target.credential = {
                    type: 'federatedManagedIdentity',
                    tenantId: 'fabrikam.onmicrosoft.com',
                    clientId: '11111111-2222-3333-4444-555555555555',
                    managedIdentityClientId: '<managed identity client id>',
                }),
            /^target\.credential\.managedIdentityClientId: expected the client id of the user-assigned managed identity the app trusts \(a GUID\)/,
        ],
        [
            'unknown key in a table',
            (d: any) => (d.tables[1].colums = []),
            /^tables\[1\]\.colums: unknown key 'colums' \(did you mean 'columns'\?\)/,
        ],
        [
            'unknown key in a reference rule',
            (d: any) => (d.references.systemuser.match = ['x']),
            /^references\.systemuser\.match: unknown key/,
        ],
        [
            'unknown key in options',
            (d: any) => (d.options.pagesize = 10),
            /^options\.pagesize: unknown key 'pagesize' \(did you mean 'pageSize'\?\)/,
        ],
        [
            'unknown key in bypass',
            (d: any) => (d.tables[0].bypass = { plugins: true }),
            /^tables\[0\]\.bypass\.plugins: unknown key/,
        ],
        [
            'an invalid NCRONTAB schedule',
            (d: any) => (d.options.schedule = '0 */5 * * *'),
            /^options\.schedule: invalid NCRONTAB schedule: expected 6 fields/,
        ],
        [
            'an out-of-range NCRONTAB field',
            (d: any) => (d.options.schedule = '0 0 25 * * *'),
            /^options\.schedule: invalid NCRONTAB schedule: hour field: hour 25 is out of range 0-23/,
        ],
        [
            'a non-string column',
            (d: any) => (d.tables[1].columns[0] = 7),
            /^tables\[1\]\.columns\[0\]: expected a string/,
        ],
        [
            'credential none for a remote URL',
            (d: any) => (d.source.credential = { type: 'none' }),
            /^source\.credential: type 'none' \(no token\) is only allowed for loopback/,
        ],
        [
            'an unknown credential type',
            (d: any) => (d.source.credential = { type: 'password' }),
            /^source\.credential\.type: expected credential type default, managedIdentity/,
        ],
        [
            'an upper-case table name',
            (d: any) => (d.tables[0].name = 'Account'),
            /^tables\[0\]\.name: expected a Dataverse logical name/,
        ],
        [
            'nothing to migrate',
            (d: any) => {
                d.tables = [];
                d.manyToMany = [];
            },
            /^tables: list at least one table, or a many-to-many relationship in manyToMany/,
        ],
        [
            'nothing to migrate, with other problems',
            (d: any) => {
                d.tables = [];
                delete d.manyToMany;
                d.options.pageSize = 0;
            },
            /^tables: list at least one table, or a many-to-many relationship in manyToMany/,
        ],
    ])('rejects %s with its path', (_label, change, expected) => {
        const problems = problemsOf(variant(change));
        expect(
            problems.some((p) => expected.test(p)),
            `problems were:\n${problems.join('\n')}`,
        ).toBe(true);
    });

    it('accepts no tables when manyToMany lists relationships (between matched users and roles)', () => {
        const result = validateSpec(
            variant((d) => {
                d.tables = [];
                d.manyToMany = ['systemuserroles_association'];
            }),
        );
        expect(result.ok && result.spec.tables).toEqual([]);
    });

    it('takes a relationship by name or with deleteMissing, refusing unknown options and a name listed twice', () => {
        const result = validateSpec(
            variant((d) => {
                d.manyToMany = ['accountleads_association', { name: 'contactleads_association', deleteMissing: true }];
            }),
        );
        expect(result.ok && result.spec.manyToMany).toEqual([
            'accountleads_association',
            { name: 'contactleads_association', deleteMissing: true },
        ]);
        const problems = problemsOf(
            variant((d) => {
                d.manyToMany = ['teamroles_association', { name: 'teamroles_association', deleteMising: true }];
            }),
        );
        expect(problems.join('\n')).toMatch(/manyToMany\[1\].*deleteMising/);
        expect(problemsOf(variant((d) => (d.manyToMany = ['a', { name: 'a' }]))).join('\n')).toMatch(
            /manyToMany\[1\]: relationship 'a' is listed twice \(first at manyToMany\[0\]\)/,
        );
    });

    it('accepts valid NCRONTAB schedules and loopback http with no credential', () => {
        const result = validateSpec(
            variant((d) => {
                d.options.schedule = '0 30 2 * * Mon-Fri';
                d.source = { url: 'http://127.0.0.1:5555', credential: { type: 'none' } };
            }),
        );
        expect(result.ok).toBe(true);
    });

    it('refuses a schedule that never fires (31 February), naming the months and days', () => {
        expect(problemsOf(variant((d) => (d.options.schedule = '0 0 2 31 2 *')))).toEqual([
            "options.schedule: '0 0 2 31 2 *' never fires: February has no day 31",
        ]);
        expect(problemsOf(variant((d) => (d.options.schedule = '0 0 2 31 feb,apr *')))).toEqual([
            "options.schedule: '0 0 2 31 feb,apr *' never fires: February and April have no day 31",
        ]);
        expect(problemsOf(variant((d) => (d.options.schedule = '0 0 2 30,31 2 *')))).toEqual([
            "options.schedule: '0 0 2 30,31 2 *' never fires: February has no day 30 or 31",
        ]);
        // Rare is not never: 29 February comes every four years, and the 31st of any 31-day month.
        for (const schedule of ['0 0 0 29 2 *', '0 0 0 29 2 Mon', '0 0 0 31 2,3 *', '0 0 0 30-31 * *'])
            expect(validateSpec(variant((d) => (d.options.schedule = schedule))).ok).toBe(true);
    });

    it('refuses a target that is the source environment, unless options.allowSameEnvironment says so', () => {
        const same = (d: Record<string, any>) => (d.target = { url: 'https://CONTOSO.crm.dynamics.com/' });
        expect(problemsOf(variant(same))).toEqual([
            'target.url: is the source environment too (https://contoso.crm.dynamics.com): a run would write onto the rows it reads; set options.allowSameEnvironment to true if that is what you mean',
        ]);
        const allowed = validateSpec(
            variant((d) => {
                same(d);
                d.options.allowSameEnvironment = true;
            }),
        );
        expect(allowed.ok && allowed.spec.options.allowSameEnvironment).toBe(true);
        expect(problemsOf(variant((d) => (d.options.allowSameEnvironment = 'yes')))).toEqual([
            expect.stringMatching(/^options\.allowSameEnvironment: /),
        ]);
    });

    it('defaults the credential by URL: none for loopback, DefaultAzureCredential otherwise', () => {
        const result = validateSpec(
            variant((d) => {
                d.source = { url: 'http://127.0.0.1:5555' };
                d.target = { url: 'https://contoso-dev.crm4.dynamics.com' };
            }),
        );
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.spec.source.credential).toEqual({ type: 'none' });
        expect(result.spec.target.credential).toEqual({ type: 'default' });
    });

    it('takes several identities of an environment, and the spec it gives back validates again', () => {
        const secret = (clientId: string) => ({
            type: 'clientSecret',
            tenantId: 'contoso.onmicrosoft.com',
            clientId,
            secretSetting: `SECRET_${clientId}`,
        });
        const result = validateSpec(
            variant((d) => {
                d.source = {
                    url: 'http://127.0.0.1:5555',
                    credential: { type: 'loopbackUser', oid: 'aaaaaaaa-0000-0000-0000-000000000001' },
                    additionalCredentials: [{ type: 'loopbackUser', oid: 'bbbbbbbb-0000-0000-0000-000000000002' }],
                };
                d.target = {
                    url: 'https://contoso-dev.crm4.dynamics.com',
                    credential: secret('app1'),
                    additionalCredentials: [secret('app2'), secret('app3')],
                };
            }),
        );
        if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
        expect(result.spec.target.additionalCredentials?.map((c) => 'clientId' in c && c.clientId)).toEqual([
            'app2',
            'app3',
        ]);
        expect(validateSpec(JSON.parse(JSON.stringify(result.spec))).ok).toBe(true);
    });

    it.each([
        [
            'the same identity twice',
            (d: any) => (d.target.additionalCredentials = [structuredClone(d.target.credential)]),
            /^target\.additionalCredentials\[0\]: the same identity as target\.credential: list each user once/,
        ],
        [
            'a problem inside one of several identities',
            (d: any) => (d.target.additionalCredentials = [{ type: 'clientSecret', tenantId: 'x', clientId: 'c' }]),
            /^target\.additionalCredentials\[0\]\.tenantId: expected the tenant id/,
        ],
        [
            'loopbackUser for a remote URL',
            (d: any) =>
                (d.target.additionalCredentials = [
                    { type: 'loopbackUser', oid: '00000000-0000-0000-0000-000000000001' },
                ]),
            /^target\.additionalCredentials\[0\]: type 'loopbackUser' \(an unsigned token\) is only allowed for loopback/,
        ],
        [
            'an empty list',
            (d: any) => (d.target.additionalCredentials = []),
            /^target\.additionalCredentials: list at least one credential/,
        ],
        [
            'none among several identities',
            (d: any) => {
                d.source = {
                    url: 'http://127.0.0.1:5555',
                    credential: { type: 'none' },
                    additionalCredentials: [{ type: 'loopbackUser', oid: 'bbbbbbbb-0000-0000-0000-000000000002' }],
                };
            },
            /^source\.additionalCredentials: several identities need a token each/,
        ],
    ])('rejects %s', (_name, change, expected) => {
        expect(problemsOf(variant(change))).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
    });

    it('reports every problem at once, shape and cross-field together', () => {
        const problems = problemsOf(
            variant((d) => {
                delete d.source.url;
                d.options.pageSize = 6000;
                d.tables.push({ name: 'account', colums: [] });
                d.tables[1].columns.push('lastname');
                d.options.schedule = 'daily';
            }),
        );
        expect(problems).toEqual(
            expect.arrayContaining([
                expect.stringMatching(/^source\.url: required/),
                expect.stringMatching(/^options\.pageSize: /),
                expect.stringMatching(/^tables\[2\]\.colums: unknown key/),
                expect.stringMatching(/^tables\[2\]\.name: table 'account' is listed twice/),
                expect.stringMatching(/^tables\[1\]\.columns\[3\]: column 'lastname' is listed twice/),
                expect.stringMatching(/^options\.schedule: invalid NCRONTAB/),
            ]),
        );
        expect(problems.length).toBeGreaterThanOrEqual(6);
    });

    it("takes load 'new' with a solution, defaults to 'existing', and names the path of a bad one", () => {
        const ok = validateSpec(
            variant((d) => {
                d.tables[0].load = 'new';
                d.options.solutionUniqueName = 'ContosoMigration';
            }),
        );
        expect(ok.ok).toBe(true);
        if (!ok.ok) return;
        expect(ok.spec.tables[0]!.load).toBe('new');
        expect(ok.spec.tables[1]!.load).toBe(SPEC_DEFAULTS.load);
        expect(ok.spec.options.solutionUniqueName).toBe('ContosoMigration');

        expect(problemsOf(variant((d) => (d.tables[0].load = 'create')))).toEqual([
            "tables[0].load: expected 'existing' or 'new'",
        ]);
        expect(
            problemsOf(
                variant((d) => {
                    d.tables[0].load = 'new';
                    d.options.solutionUniqueName = 'Contoso Migration';
                }),
            ),
        ).toEqual([
            'options.solutionUniqueName: expected a solution unique name (letters, digits, _; not starting with a digit), not its display name',
        ]);
    });

    it("refuses load 'new' into another table name, and a solution with no table to create", () => {
        const problems = problemsOf(
            variant((d) => {
                d.tables[0].load = 'new';
                d.tables[0].targetName = 'new_account';
            }),
        );
        expect(problems).toEqual([
            expect.stringMatching(/^tables\[0\]\.targetName: load 'new' creates the table under its source name/),
        ]);
        expect(problemsOf(variant((d) => (d.options.solutionUniqueName = 'Contoso')))).toEqual([
            expect.stringMatching(/^options\.solutionUniqueName: .*no table has load 'new'/),
        ]);
    });
});
