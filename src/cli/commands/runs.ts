/** `dataverse-migrate runs`: the run history from the run store, newest first, with rows, failures and time. */
import { z } from 'zod';
import { requestsSent } from '../../run/outcomes.js';
import type { RunSummary } from '../../run/summary.js';
import { runPaths } from '../../runlog/layout.js';
import type { RunIndexEntry, RunStore } from '../../runlog/types.js';
import { defineCommand } from '../command.js';
import { ExitCode } from '../io.js';
import { renderRuns } from '../render.js';
import { requireSpecName } from '../spec-input.js';
import { cliStore } from '../store.js';

/**
 * Runs indexed before the index carried rows and duration get them from their summaries: one small read each, only
 * for finished runs of this page that lack them.
 */
async function withCounts(store: RunStore, runs: RunIndexEntry[]): Promise<RunIndexEntry[]> {
    return Promise.all(
        runs.map(async (run) => {
            if (run.status === 'running' || run.readRows !== undefined) return run;
            const summary = await store.readJson<RunSummary>(runPaths(run.runId).summary);
            if (summary?.totals === undefined) return run;
            return {
                ...run,
                readRows: summary.totals.read,
                writtenRows: summary.totals.written,
                ...(summary.requests ? { requests: requestsSent(summary.requests) } : {}),
                ...(summary.durationMs !== undefined ? { durationMs: summary.durationMs } : {}),
            };
        }),
    );
}

export const runsCommand = defineCommand({
    name: 'runs',
    define: (command) =>
        command
            .description('list past runs from the run log, newest first')
            .option('-s, --spec <name>', 'only runs of the spec of this name (as the API filters)')
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
        const spec = opts.spec === undefined ? undefined : requireSpecName(opts.spec, '--spec');
        const { store } = cliStore(io, opts.logDir);
        const page = await store.listRuns({ limit: opts.limit, ...(spec ? { spec } : {}) });
        const runs = await withCounts(store, page.runs);
        if (opts.json) io.stdout(`${JSON.stringify({ runs }, null, 2)}\n`);
        else io.stdout(`${renderRuns(runs)}\n`);
        // `--spec spec.json` was how this option worked once: say what it takes now.
        if (runs.length === 0 && spec?.endsWith('.json'))
            io.stderr(`no runs of a spec named '${spec}': --spec takes the spec's name, not its file\n`);
        return ExitCode.Success;
    },
});
