/**
 * Configuration Migration Tool packages, the way users bring them: `import-cmt` turns each
 * data_schema.xml into a spec; the simulators load the package (with its data.xml, or generated rows
 * when the export has none) as the source and its empty counterpart as the target; then `run` and
 * `verify`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dvm, runJson, simulatorPair, verifyJson } from './run-helpers.js';

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

const packages = [join(FIXTURES, 'cmt-small')];

describe.each(packages.map((dir) => [dir.split('/').pop()!, dir]))('CMT package %s', (name, dir) => {
    it(
        'imports as a spec, migrates into its empty counterpart and verifies identical',
        { timeout: 120_000 },
        async () => {
            const schema = join(dir, 'data_schema.xml');
            const data = existsSync(join(dir, 'data.xml')) ? { data: join(dir, 'data.xml') } : { rows: 150, seed: 4 };
            const pair = await simulatorPair({ schema, ...data }, { schema, ...data, empty: true });
            try {
                const specPath = join(pair.dir, 'cmt.json');
                const imported = await dvm(pair, [
                    'import-cmt',
                    schema,
                    '--source',
                    pair.source.url,
                    '--target',
                    pair.target.url,
                    '--name',
                    name.slice(0, 60),
                    '--out',
                    specPath,
                ]);
                expect(imported.code, imported.stderr).toBe(0);
                const spec = JSON.parse(await readFile(specPath, 'utf8'));
                expect(spec.tables.length).toBeGreaterThan(0);

                const { code, summary, stderr } = await runJson(pair, specPath);
                const failures = summary.problems ? JSON.stringify(summary.problems) : (summary.reason ?? '');
                expect(code, `${failures}\n${stderr}`).toBe(0);
                expect(summary.totals.failed).toBe(0);

                const { code: verified, report } = await verifyJson(pair, specPath);
                const differences = Object.fromEntries(
                    Object.entries<any>(report.tables).filter(([, t]) => t.missing + t.extra + t.different > 0),
                );
                expect(report.identical, JSON.stringify({ differences, manyToMany: report.manyToMany })).toBe(true);
                expect(verified).toBe(0);
            } finally {
                await pair.close();
            }
        },
    );
});
