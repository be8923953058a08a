/**
 * `npm run demo`: two simulated Dataverse environments on loopback (a CRM-like source with about
 * 20,000 rows and its empty counterpart, both with Dataverse's service protection limits, time
 * compressed), a spec for them, then the real commands: plan, run (with progress), verify. Prints the
 * summary, the word identical and where the logs are, stops the simulators, exits 0 when identical.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { processIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { startSimulator } from 'dataverse-sim';

const ROWS = Number(process.env.DEMO_ROWS ?? 20_000);

async function main(): Promise<number> {
    const io = processIo();
    const folder = resolve('.runs', 'demo');
    const logDir = join(folder, 'log');
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder, { recursive: true });
    io.stderr(`Starting two simulated environments (source: crm schema, ${ROWS.toLocaleString('en-US')} rows)...\n`);
    const common = { schema: 'crm' as const, rows: ROWS, seed: 42, limits: 'dataverse' as const, timeScale: 0.01 };
    const [source, target] = await Promise.all([startSimulator(common), startSimulator({ ...common, empty: true })]);
    try {
        io.stderr(`  source ${source.url}\n  target ${target.url}\n`);
        const spec = {
            name: 'demo',
            source: { url: source.url },
            target: { url: target.url },
            tables: [{ name: 'account' }, { name: 'contact' }, { name: 'lead' }, { name: 'opportunity' }],
            manyToMany: ['accountleads_association', 'contactleads_association'],
            references: { fallbackOwner: 'avery.admin@contoso.onmicrosoft.com' },
            options: { pageSize: 1000 },
        };
        const specPath = join(folder, 'spec.json');
        await writeFile(specPath, `${JSON.stringify(spec, null, 2)}\n`);
        io.stderr(`Spec written to ${specPath}\n`);

        const step = async (argv: string[]): Promise<number> => {
            io.stderr(`\n$ dataverse-migrate ${argv.join(' ')}\n`);
            return runCli(argv, io);
        };
        const planned = await step(['plan', '--spec', specPath]);
        if (planned !== 0) return planned;
        const ran = await step(['run', '--spec', specPath, '--log-dir', logDir]);
        const verified = await step(['verify', '--spec', specPath]);
        io.stderr(`\nRun log: ${logDir} (try: npx --no-install dataverse-migrate runs --log-dir ${logDir})\n`);
        return ran !== 0 ? ran : verified;
    } finally {
        await Promise.all([source.close(), target.close()]);
    }
}

main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
        process.stderr.write(
            `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        process.exitCode = 1;
    },
);
