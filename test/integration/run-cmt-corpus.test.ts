/**
 * Every export of the CMT corpus migrates into its empty counterpart: a simulator loads the export (its data.xml,
 * or generated rows for a schema alone), a second one is its `--empty` target, `import-cmt` turns the schema into
 * the spec a user would start from, and the product's `run` then `verify` (in-process CLI) report success and
 * `identical`. This is the end-to-end check that the simulator's environments are ones the product can migrate.
 * None is left out: an export of only tables every environment has (users and their security roles) copies no
 * table, its users and roles are matched in the target and the assignments associated between them.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from 'dataverse-sim';
import { afterAll, describe, expect, it } from 'vitest';
import { cmtSchemaToSpec } from '../../src/cmt/index.js';
import { cli } from '../helpers/cli.js';
import { cmtCorpus, type CorpusExport } from '../helpers/cmt-corpus.js';

const running: Simulator[] = [];
afterAll(async () => {
    await Promise.all(running.map((s) => s.close()));
});

async function environments(e: CorpusExport): Promise<{ source: Simulator; target: Simulator }> {
    const common = { schema: e.schemaPath, seed: 5, onWarning: () => undefined };
    const data = e.dataPath ? { data: e.dataPath } : { rows: 250 };
    const [source, target] = await Promise.all([
        startSimulator({ ...common, ...data }),
        startSimulator({ ...common, ...data, empty: true }),
    ]);
    running.push(source, target);
    return { source, target };
}

describe.each(cmtCorpus().map((e) => [e.name, e] as const))('corpus export %s', (name, e) => {
    it('migrates into its empty counterpart, and verify says identical', { timeout: 120_000 }, async () => {
        const { source, target } = await environments(e);
        const dir = await mkdtemp(join(tmpdir(), `dvm-corpus-${name}-`));
        const { spec } = cmtSchemaToSpec(await readFile(e.schemaPath, 'utf8'), {
            source: source.url,
            target: target.url,
            name: name.replace(/[^a-z0-9-]/gi, '-'),
        });
        const specPath = join(dir, 'spec.json');
        await writeFile(specPath, JSON.stringify(spec, null, 2));
        const run = await cli(['run', '--spec', specPath, '--json', '--log-dir', join(dir, 'log')], { cwd: dir });
        expect(run.code, `run: ${run.stderr}\n${run.stdout.slice(0, 2000)}`).toBe(0);
        // The empty counterpart has every user, team and role of the source (under other ids) and no pair yet:
        // every source pair is associated, none skipped.
        const summary = JSON.parse(run.stdout) as { manyToMany: Record<string, { read: number; written: number }> };
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
        // Every relationship has pairs (users hold roles; the generator gives the others some), all of them in the target.
        for (const [relationship, m] of Object.entries(report.manyToMany))
            expect([m.target, m.skipped, m.source > 0], relationship).toEqual([m.source, 0, true]);
    });
});
