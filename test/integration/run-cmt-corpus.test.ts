/**
 * Every export of the CMT corpus is an environment the product can plan and migrate: a simulator loads the export
 * (its data.xml, or generated rows for a schema alone), a second one is its `--empty` target, `import-cmt` turns the
 * schema into the spec a user would start from, and `plan` (in-process CLI) finds no problem; the exports the helper
 * marks as migrated are run and verified instead: `run` copies every row and pair, `verify` says identical (the
 * others are planned only, to keep the suite's time; the corpus README says which and why).
 * None is left out: an export of only tables every environment has (users and their security roles) copies no
 * table, its users and roles are matched in the target and the assignments associated between them.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { startSimulator, type SimSchema, type Simulator } from 'dataverse-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmtSchemaToSpec } from '../../src/cmt/index.js';
import { cli } from '../helpers/cli.js';
import { cmtCorpus, type CorpusExport } from '../helpers/cmt-corpus.js';

interface Pair {
    source: Simulator;
    target: Simulator;
    dir: string;
    specPath: string;
}

async function environments(e: CorpusExport): Promise<Pair> {
    const common = { schema: e.schemaPath, seed: 5, onWarning: () => undefined };
    const data = e.dataPath ? { data: e.dataPath } : { rows: 250 };
    const [source, target] = await Promise.all([
        startSimulator({ ...common, ...data }),
        startSimulator({ ...common, ...data, empty: true }),
    ]);
    const dir = await mkdtemp(join(tmpdir(), `dvm-corpus-${e.name}-`));
    const { spec } = cmtSchemaToSpec(await readFile(e.schemaPath, 'utf8'), {
        source: source.url,
        target: target.url,
        name: e.name.replace(/[^a-z0-9-]/gi, '-'),
    });
    const specPath = join(dir, 'spec.json');
    await writeFile(specPath, JSON.stringify(spec, null, 2));
    return { source, target, dir, specPath };
}

/**
 * The pairs a data.xml holds per relationship of the loaded schema (read independently of the simulator): a file
 * names a relationship by its schema name or its intersect table, told apart by the two tables when an intersect
 * table serves several.
 */
async function pairsInData(dataPath: string, schema: SimSchema): Promise<Map<string, number>> {
    const doc = new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '',
        isArray: (n) => ['entity', 'm2mrelationship', 'targetid'].includes(n),
    }).parse((await readFile(dataPath, 'utf8')).replace(/^\uFEFF/, '')) as { entities: { entity: any[] } };
    const counts = new Map<string, number>();
    for (const entity of doc.entities.entity)
        for (const m of entity.m2mrelationships?.m2mrelationship ?? []) {
            const name = String(m.m2mrelationshipname).toLowerCase();
            const ends = [String(entity.name), String(m.targetentityname)].sort().join('|');
            const rel =
                schema.manyToMany.find((r) => r.schemaName.toLowerCase() === name) ??
                schema.manyToMany.find(
                    (r) =>
                        r.intersectEntityName === name &&
                        [r.entity1LogicalName, r.entity2LogicalName].sort().join('|') === ends,
                );
            if (rel)
                counts.set(rel.schemaName, (counts.get(rel.schemaName) ?? 0) + (m.targetids?.targetid ?? []).length);
        }
    return counts;
}

describe.each(cmtCorpus().map((e) => [e.name, e] as const))('corpus export %s', (_name, e) => {
    let pair: Pair;
    beforeAll(async () => {
        pair = await environments(e);
    }, 60_000);
    afterAll(async () => {
        await Promise.all([pair?.source.close(), pair?.target.close()]);
    });

    // A run plans first and stops on a problem: an export that is migrated is not planned on its own as well.
    if (!e.migrated)
        it('plans with the spec import-cmt gives, with no problem', { timeout: 60_000 }, async () => {
            const plan = await cli(['plan', '--spec', pair.specPath, '--json'], { cwd: pair.dir });
            expect(plan.code, `plan: ${plan.stderr.slice(0, 3000)}`).toBe(0);
            const spec = JSON.parse(await readFile(pair.specPath, 'utf8')) as { tables: Array<{ name: string }> };
            const planned = (JSON.parse(plan.stdout) as { tiers: Array<{ tables: Array<{ name: string }> }> }).tiers
                .flatMap((t) => t.tables.map((x) => x.name))
                .sort();
            expect(planned).toEqual(spec.tables.map((t) => t.name).sort());
        });

    if (e.migrated)
        it('migrates into its empty counterpart, and verify says identical', { timeout: 120_000 }, async () => {
            const { dir, specPath } = pair;
            const run = await cli(['run', '--spec', specPath, '--json', '--log-dir', join(dir, 'log')], { cwd: dir });
            expect(run.code, `run: ${run.stderr}\n${run.stdout.slice(0, 2000)}`).toBe(0);
            // The empty counterpart has every user, team and role of the source (under other ids) and no pair yet:
            // every source pair is associated, none skipped.
            const summary = JSON.parse(run.stdout) as {
                manyToMany: Record<string, { read: number; written: number }>;
            };
            for (const [relationship, counts] of Object.entries(summary.manyToMany))
                expect(counts.written, `${relationship}: ${JSON.stringify(counts)}`).toBe(counts.read);
            const verify = await cli(['verify', '--spec', specPath, '--json'], { cwd: dir });
            expect(verify.code, `verify: ${verify.stderr}\n${verify.stdout.slice(0, 3000)}`).toBe(0);
            const report = JSON.parse(verify.stdout) as {
                identical: boolean;
                manyToMany: Record<string, { source: number; target: number; skipped: number }>;
            };
            expect(report.identical).toBe(true);
            expect(Object.keys(report.manyToMany).sort()).toEqual(Object.keys(summary.manyToMany).sort());
            // Every pair of the source is in the target. A schema alone gets pairs for every relationship from the
            // generator (users hold roles); an export's data holds the pairs it holds, each of them verified.
            const inData = e.dataPath ? await pairsInData(e.dataPath, pair.source.schema) : undefined;
            for (const [relationship, m] of Object.entries(report.manyToMany))
                expect([m.target, m.skipped, inData ? m.source : m.source > 0], relationship).toEqual([
                    m.source,
                    0,
                    inData ? (inData.get(relationship) ?? 0) : true,
                ]);
        });
});
