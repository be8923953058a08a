/**
 * `npm run demo`: two simulated Dataverse environments on loopback (a CRM-like source with data and
 * its empty counterpart as the target), a spec for them, and the migration plan. The copy itself
 * arrives with the local runner; until then the demo stops after the plan and says so.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { processIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { startSimulator } from '../dataverse-sim/src/index.js';

const ROWS = Number(process.env.DEMO_ROWS ?? 20_000);

async function main(): Promise<number> {
    const io = processIo();
    const folder = resolve('.runs', 'demo');
    await mkdir(folder, { recursive: true });
    io.stderr(`Starting two simulated environments (source: crm schema, ${ROWS.toLocaleString('en-US')} rows)...\n`);
    const source = await startSimulator({ schema: 'crm', rows: ROWS, seed: 42, limits: 'dataverse', timeScale: 0.01 });
    const target = await startSimulator({
        schema: 'crm',
        rows: ROWS,
        seed: 42,
        empty: true,
        limits: 'dataverse',
        timeScale: 0.01,
    });
    try {
        io.stderr(`  source ${source.url}\n  target ${target.url}\n`);
        const spec = {
            name: 'demo',
            source: { url: source.url },
            target: { url: target.url },
            tables: [{ name: 'account' }, { name: 'contact' }, { name: 'lead' }, { name: 'opportunity' }],
            manyToMany: ['accountleads_association', 'contactleads_association'],
            references: { fallbackOwner: 'avery.admin@contoso.onmicrosoft.com' },
            options: { pageSize: 2000 },
        };
        const specPath = join(folder, 'spec.json');
        await writeFile(specPath, `${JSON.stringify(spec, null, 2)}\n`);
        io.stderr(`Spec written to ${specPath}\n\n$ dataverse-migrate plan --spec ${specPath}\n`);
        const code = await runCli(['plan', '--spec', specPath], io);
        io.stderr(
            '\nThe plan is computed from both environments; nothing was written.\n' +
                'The copy (`dataverse-migrate run`) arrives with the local runner; this demo will then run it end to end.\n',
        );
        return code;
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
