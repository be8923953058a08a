/**
 * Masked secured columns (column-level security with a masking rule, research D4): the mask a source identity reads
 * (`***`) never reaches the target. An identity that may read the column unmasked in queries (a System Administrator:
 * CanReadUnmasked All Records) has its reads ask `UnMaskedData=true` and copies the real values; one that may unmask
 * only a retrieve by id (One Record) has the column left out with a warning. The CLI sends no token, so each
 * environment's caller is `anonymous`.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SecurityConfigInput, type Simulator } from 'dataverse-sim';
import { runJson, writeSpec, type Pair } from './run-helpers.js';

const SEED = 6;
const ROWS = 40;
const MASKED = { 'account.telephone1': { maskedCharacter: '*' } };

/** anonymous reads everything; its profile lets it read the masked column, unmasked only by id. */
const restricted: SecurityConfigInput = {
    roles: { Reader: { tables: { '*': { read: 'Global' } } } },
    columns: MASKED,
    fieldSecurityProfiles: { Phones: { 'account.telephone1': { read: true, readUnmasked: 'one' } } },
    identities: [{ caller: 'anonymous', roles: ['Reader'], fieldSecurityProfiles: ['Phones'] }],
};

let adminSource: Simulator;
let restrictedSource: Simulator;
let targets: Simulator[];

beforeAll(async () => {
    [adminSource, restrictedSource, ...targets] = await Promise.all([
        startSimulator({ schema: 'crm', rows: ROWS, seed: SEED, security: { columns: MASKED } }),
        startSimulator({ schema: 'crm', rows: ROWS, seed: SEED, security: restricted }),
        startSimulator({ schema: 'crm', seed: SEED, empty: true }),
        startSimulator({ schema: 'crm', seed: SEED, empty: true }),
    ]);
});
afterAll(async () => {
    await Promise.all([adminSource, restrictedSource, ...(targets ?? [])].map((s) => s?.close()));
});

async function run(source: Simulator, target: Simulator) {
    const p: Pair = {
        source,
        target,
        dir: await mkdtemp(join(tmpdir(), 'dvm-masked-')),
        close: () => Promise.resolve(),
    };
    const spec = await writeSpec(p, {
        name: 'masked',
        tables: [{ name: 'account', columns: ['name', 'telephone1'] }],
    });
    return runJson(p, spec);
}

const phones = (sim: Simulator) =>
    new Map(sim.dump('account').map((r) => [r.accountid as string, r.telephone1 ?? null]));

describe('a masked secured column', () => {
    it('is read unmasked and copied with its real values by an identity that may unmask it in queries', async () => {
        const stored = phones(adminSource);
        expect([...stored.values()].filter((v) => typeof v === 'string').length).toBeGreaterThan(0);
        const { code, summary } = await run(adminSource, targets[0]!);
        expect(code).toBe(0);
        expect(summary.phases.copy.failed).toBe(0);
        expect(phones(targets[0]!)).toEqual(stored);
    });

    it('is left out with a warning when the identity may unmask it only by id: the mask never reaches the target', async () => {
        const { code, summary } = await run(restrictedSource, targets[1]!);
        expect(code).toBe(0);
        const text = await readFile(join(summary.log.location, summary.log.events), 'utf8');
        const warnings = text
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as { type: string; message?: string })
            .filter((e) => e.type === 'warning')
            .map((e) => e.message);
        expect(warnings).toContainEqual(
            expect.stringMatching(
                /^secured column 'account\.telephone1' is left out: it has a masking rule and the source identity may not read it unmasked in queries/,
            ),
        );
        const copied = targets[1]!.dump('account');
        expect(copied.length).toBe(restrictedSource.dump('account').length);
        expect(copied.every((r) => r.telephone1 === undefined || r.telephone1 === null)).toBe(true);
    });
});
