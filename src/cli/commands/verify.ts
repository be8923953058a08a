/** `dataverse-migrate verify`: compares source and target; exit 0 identical, 1 different, 2 bad input. */
import { z } from 'zod';
import { verifyMigration } from '../../verify/verify.js';
import { clientsForSpec } from '../clients.js';
import { defineCommand } from '../command.js';
import { BadInputError, ExitCode } from '../io.js';
import { createProgress, rangeProgress } from '../progress.js';
import { renderVerify } from '../render.js';
import { requireSpec } from '../spec-input.js';
import { cliStore } from '../store.js';
import { readPlatformOwned } from '../../run/platform-owned.js';

export const verifyCommand = defineCommand({
    name: 'verify',
    define: (command) =>
        command
            .description(
                'compare source and target row by row over the mapped columns, lookups, state and many-to-many rows',
            )
            .option('-s, --spec <file>', 'migration spec file (JSON)')
            .option('--json', 'print JSON instead of human output')
            .option('--samples <n>', 'sample ids listed per kind of difference', '10')
            .option('--values', 'show the source and target values of each sample row that differs')
            .option(
                '--log-dir <dir>',
                'run store folder whose noticed platform-owned columns are not compared (default ./.dataverse-migrate, or DATAVERSE_MIGRATE_LOG_DIR)',
            ),
    options: z.object({
        spec: z.string({ error: 'missing --spec FILE' }),
        json: z.boolean().optional(),
        samples: z.coerce.number().int().min(0).max(1000),
        values: z.boolean().optional(),
        logDir: z.string().optional(),
    }),
    async run(opts, { io }) {
        const { spec } = await requireSpec(opts.spec, io);
        const clients = clientsForSpec(spec, io);
        // Columns runs found the target rewriting are not written any more, so not compared either.
        const noticed = await readPlatformOwned(cliStore(io, opts.logDir).store, spec.target.url);
        const progress = createProgress(io, { json: opts.json === true });
        let report;
        try {
            report = await verifyMigration(spec, clients, {
                samples: opts.samples,
                values: opts.values === true,
                noticed,
                progress: rangeProgress(progress),
            });
        } finally {
            progress.stop();
        }
        if (report.problems && report.problems.length > 0) throw BadInputError.of(report.problems);
        if (opts.json) {
            const { identical, tables, manyToMany } = report;
            io.stdout(`${JSON.stringify({ identical, tables, manyToMany }, null, 2)}\n`);
        } else io.stdout(`${renderVerify(report)}\n`);
        return report.identical ? ExitCode.Success : ExitCode.Failures;
    },
});
