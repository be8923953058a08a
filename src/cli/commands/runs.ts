/** `dataverse-migrate runs`: the run history from the run store, newest first. */
import { z } from 'zod';
import { defineCommand } from '../command.js';
import { ExitCode } from '../io.js';
import { renderRuns } from '../render.js';
import { requireSpec } from '../spec-input.js';
import { cliStore } from '../store.js';

export const runsCommand = defineCommand({
    name: 'runs',
    define: (command) =>
        command
            .description('list past runs from the run log, newest first')
            .option('-s, --spec <file>', 'only runs of this spec')
            .option('--limit <n>', 'at most this many runs', '50')
            .option('--json', 'print JSON instead of human output')
            .option('--log-dir <dir>', 'run store folder (default ./.dataverse-migrate)'),
    options: z.object({
        spec: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(1000),
        json: z.boolean().optional(),
        logDir: z.string().optional(),
    }),
    async run(opts, { io }) {
        const { store } = cliStore(io, opts.logDir);
        const spec = opts.spec === undefined ? undefined : (await requireSpec(opts.spec, io)).spec.name;
        const { runs } = await store.listRuns({ limit: opts.limit, ...(spec ? { spec } : {}) });
        if (opts.json) io.stdout(`${JSON.stringify({ runs }, null, 2)}\n`);
        else io.stdout(`${renderRuns(runs)}\n`);
        return ExitCode.Success;
    },
});
