/**
 * `dataverse-migrate plan` and `import-cmt` end to end against two simulated environments: a source
 * with data and its empty counterpart as the target. Planning must never write.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import { cli } from '../helpers/cli.js';

const CMT = new URL('../fixtures/cmt-small/', import.meta.url).pathname;
let dir: string;

async function writeSpec(name: string, spec: unknown): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify(spec, null, 2));
    return path;
}

function written(...sims: Simulator[]): number {
    return sims.reduce((sum, sim) => sum + sim.stats().rowsWritten, 0);
}

beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dvm-plan-'));
});

describe('plan against the crm schema', () => {
    let source: Simulator;
    let target: Simulator;
    beforeAll(async () => {
        source = await startSimulator({ schema: 'crm', rows: 3000, seed: 7 });
        target = await startSimulator({ schema: 'crm', rows: 3000, seed: 7, empty: true });
        source.resetStats();
        target.resetStats();
    });
    afterAll(async () => {
        await source.close();
        await target.close();
    });

    const crmSpec = () => ({
        name: 'crm-seed',
        source: { url: source.url },
        target: { url: target.url },
        tables: [{ name: 'account' }, { name: 'contact' }, { name: 'opportunity' }, { name: 'lead' }],
        manyToMany: ['accountleads_association', 'contactleads_association'],
        options: { pageSize: 400 },
    });

    it('prints the tiers, deferred cycle columns and row and page estimates', async () => {
        const file = await writeSpec('crm.json', crmSpec());
        const { code, stdout, stderr } = await cli(['plan', '--spec', file, '--json']);
        expect(stderr).toBe('');
        expect(code).toBe(0);
        const plan = JSON.parse(stdout);
        const tiers = plan.tiers.map((t: any) => t.tables.map((x: any) => x.name));
        const tierOf = (name: string) => tiers.findIndex((t: string[]) => t.includes(name));
        expect(tiers.flat().sort()).toEqual(['account', 'contact', 'lead', 'opportunity']);
        const entries = plan.tiers.flatMap((t: any) => t.tables);
        const deferred = Object.fromEntries(entries.map((t: any) => [t.name, t.deferred]));
        // The account <-> contact cycle is broken by one deferred column, and the self-reference by another.
        expect(deferred.account).toContain('parentaccountid');
        expect(
            [...deferred.account, ...deferred.contact].filter(
                (c) => c === 'primarycontactid' || c === 'parentcustomerid',
            ),
        ).toHaveLength(1);
        // Every lookup that is not deferred points to an earlier tier.
        if (deferred.contact.includes('parentcustomerid')) expect(tierOf('contact')).toBeLessThan(tierOf('account'));
        else expect(tierOf('account')).toBeLessThan(tierOf('contact'));
        expect(tierOf('lead')).toBeGreaterThan(tierOf('account'));
        // Nothing was written since the source loaded, so its row count snapshot is every row.
        for (const entry of entries) {
            const rows = source.dump(entry.name).length;
            expect(entry.rows, entry.name).toBe(rows);
            expect(entry.pages, entry.name).toBe(Math.max(1, Math.ceil(rows / 400)));
            expect(entry, entry.name).toMatchObject({ estimate: true, exact: false, basis: 'snapshot' });
        }
        expect(plan.manyToMany.map((m: any) => m.name).sort()).toEqual([
            'accountleads_association',
            'contactleads_association',
        ]);
        expect(plan.problems).toEqual([]);
        expect(written(source, target)).toBe(0);
    });

    it('renders a readable plan on stdout', async () => {
        const file = await writeSpec('crm-human.json', crmSpec());
        const { code, stdout } = await cli(['plan', '--spec', file]);
        expect(code).toBe(0);
        expect(stdout).toMatch(/^Tier 1$/m);
        expect(stdout).toMatch(/^\s+account\s+~[\d,]+ rows, ~\d+ pages/m);
        expect(stdout).toContain(
            "Row counts are estimates; the run lists the exact pages.\n  without a filter: the service's row count snapshot, up to 24 h old",
        );
        expect(stdout).toMatch(/deferred: .*parentaccountid/);
        expect(stdout).toContain('No problems.');
    });

    it('a fallbackOwner that names no target user is a problem at its path; one that does is shown as the fallback', async () => {
        const spec = { ...crmSpec(), manyToMany: [], references: { fallbackOwner: 'nobody@contoso.com' } };
        const missing = await cli(['plan', '--spec', await writeSpec('owner-missing.json', spec)]);
        expect(missing.code).toBe(2);
        expect(missing.stderr).toContain(
            "references.fallbackOwner: 'nobody@contoso.com' matches no target user by domainname or internalemailaddress",
        );
        expect(missing.stderr).not.toContain('No problems.');
        spec.references.fallbackOwner = 'avery.admin@contoso.onmicrosoft.com';
        const found = await cli(['plan', '--spec', await writeSpec('owner-found.json', spec)]);
        expect(found.code).toBe(0);
        expect(found.stdout).toContain('owners without a match fall back to: avery.admin@contoso.onmicrosoft.com');
        expect(found.stdout).not.toContain('unmatched owners');
        expect(written(source, target)).toBe(0);
    });

    it('reports every bad name with close matches and a column read-only in the target, exit 2, nothing written', async () => {
        const spec = crmSpec();
        spec.tables = [{ name: 'acount' }, { name: 'contact', columns: ['firstname', 'lastnme', 'fullname'] }] as any;
        spec.manyToMany = [];
        const file = await writeSpec('bad-names.json', spec);
        const { code, stdout, stderr } = await cli(['plan', '--spec', file]);
        expect(code).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toMatch(
            /tables\[0\]\.name: table 'acount' does not exist in the source environment \(did you mean 'account'/,
        );
        expect(stderr).toMatch(
            /tables\[1\]\.columns\[1\]: column 'lastnme' does not exist in source table 'contact' \(did you mean 'lastname'/,
        );
        expect(stderr).toMatch(/tables\[1\]\.columns\[2\]: column 'fullname' is read-only in target table 'contact'/);
        expect(written(source, target)).toBe(0);
    });

    it('a filter the source rejects is a problem at its spec path, exit 2', async () => {
        const spec = crmSpec();
        spec.tables = [{ name: 'account', filter: 'statecode eq' }] as any;
        spec.manyToMany = [];
        const file = await writeSpec('bad-filter.json', spec);
        const { code, stderr } = await cli(['plan', '--spec', file]);
        expect(code).toBe(2);
        expect(stderr).toMatch(/tables\[0\]\.filter: the source rejected the filter 'statecode eq': /);
        expect(written(source, target)).toBe(0);
    });

    it('a secret setting that is not set is bad input naming the spec path, before anything is sent', async () => {
        const credential = {
            type: 'clientSecret',
            tenantId: 'contoso.onmicrosoft.com',
            clientId: 'c',
            secretSetting: 'DVM_TEST_UNSET_SECRET',
        };
        const file = await writeSpec('unset-secret.json', {
            ...crmSpec(),
            source: { url: 'https://contoso.crm.dynamics.com', credential },
        });
        const before = source.stats().requests + target.stats().requests;
        const { code, stderr } = await cli(['plan', '--spec', file]);
        expect(code).toBe(2);
        expect(stderr.trim()).toMatch(/^source\.credential: .*DVM_TEST_UNSET_SECRET is not set/);
        expect(source.stats().requests + target.stats().requests).toBe(before);
    });

    it('an unreachable environment is one clear problem and exit 2', async () => {
        const closed = await startSimulator({ schema: 'crm' });
        const url = closed.url;
        await closed.close();
        const file = await writeSpec('unreachable.json', { ...crmSpec(), target: { url } });
        const { code, stderr } = await cli(['plan', '--spec', file]);
        expect(code).toBe(2);
        expect(stderr).toContain(`target.url: cannot read target environment ${url}`);
        expect(stderr).toMatch(/ECONNREFUSED/);
        expect(written(source)).toBe(0);
    });

    it('a rejected token is one clear problem without the token, exit 2', async () => {
        const strict = await startSimulator({ schema: 'crm', empty: true, auth: 'strict' });
        try {
            const file = await writeSpec('rejected.json', { ...crmSpec(), target: { url: strict.url } });
            const { code, stderr } = await cli(['plan', '--spec', file]);
            expect(code).toBe(2);
            expect(stderr).toMatch(/target\.url: cannot read target environment .*401/);
            expect(stderr).not.toMatch(/Bearer\s+\S+/);
            expect(written(source, strict)).toBe(0);
        } finally {
            await strict.close();
        }
    });
});

describe('import-cmt and plan for a Configuration Migration Tool schema', () => {
    let source: Simulator;
    let target: Simulator;
    beforeAll(async () => {
        source = await startSimulator({ schema: join(CMT, 'data_schema.xml'), data: join(CMT, 'data.xml') });
        target = await startSimulator({
            schema: join(CMT, 'data_schema.xml'),
            data: join(CMT, 'data.xml'),
            empty: true,
        });
        source.resetStats();
        target.resetStats();
    });
    afterAll(async () => {
        await source.close();
        await target.close();
    });

    it('imports the schema into a spec whose plan has the expected tiers and deferred self-reference', async () => {
        const out = join(dir, 'cmt-spec.json');
        const importArgs = ['import-cmt', join(CMT, 'data_schema.xml'), '--source', source.url, '--target', target.url];
        const imported = await cli([...importArgs, '--out', out]);
        expect(imported.code).toBe(0);
        expect(imported.stderr).toMatch(/wrote .*cmt-spec\.json: 4 tables, 1 many-to-many relationship/);

        const again = await cli([...importArgs, '--out', out]);
        expect(again.code).toBe(2);
        expect(again.stderr).toContain('already exists; use --force');

        const { code, stdout, stderr } = await cli(['plan', '--spec', out, '--json']);
        expect(stderr).toBe('');
        expect(code).toBe(0);
        const plan = JSON.parse(stdout);
        expect(plan.tiers.map((t: any) => t.tables.map((x: any) => x.name))).toEqual([
            ['fdn_insurancecategory', 'fdn_insuranceproductnature'],
            ['fdn_insurancesubcategory'],
            ['fdn_insuranceproduct'],
        ]);
        const nature = plan.tiers[0].tables.find((t: any) => t.name === 'fdn_insuranceproductnature');
        expect(nature.deferred).toEqual(['fdn_parentinsuranceproductnatureid']);
        expect(plan.manyToMany.map((m: any) => m.name)).toEqual(['fdn_insuranceproductnature_fdn_insuranc']);
        const rows = plan.tiers.flatMap((t: any) => t.tables).reduce((n: number, t: any) => n + t.rows, 0);
        expect(rows).toBe(42);
        expect(written(source, target)).toBe(0);
    });

    it('a broken schema file names its problem and exits 2', async () => {
        const broken = join(dir, 'broken.xml');
        await writeFile(broken, '<entities><entity name="x">');
        const { code, stderr } = await cli(['import-cmt', broken, '--source', source.url, '--target', target.url]);
        expect(code).toBe(2);
        expect(stderr.trim()).toMatch(/^.*broken\.xml: the file ends before <entities>, <entity> are closed/);
    });
});
