/**
 * `dataverse-migrate run`: the migration in-process, through the same orchestrators and activities as
 * in Azure (the local durable host), with the run log in the filesystem run store. Plan problems exit 2
 * before anything is written; a finished run exits 0 when every row made it and 1 otherwise. Ctrl-C asks
 * the run to stop at the next page boundary; a second Ctrl-C stops at once; `--resume RUNID` continues
 * an interrupted run from its journal without copying completed pages again.
 */
import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import { requestCancel } from '../../run/cancel.js';
import { RunDocumentError } from '../../run/activity-failure.js';
import { newRunId } from '../../run/run-id.js';
import { loadRunSpec } from '../../run/run-context.js';
import type { RunSummary } from '../../run/summary.js';
import { journalDirFor, LocalRun } from '../../host/local-run.js';
import { clientsForSpec } from '../clients.js';
import { defineCommand } from '../command.js';
import { BadInputError, ExitCode, type CliIo } from '../io.js';
import { runDryRun } from '../dry-run.js';
import { renderSummary } from '../render.js';
import { createRunDisplay } from '../run-progress.js';
import { requireSpec } from '../spec-input.js';
import { cliStore } from '../store.js';

const options = z.object({
    spec: z.string().optional(),
    resume: z.string().optional(),
    json: z.boolean().optional(),
    logDir: z.string().optional(),
    dryRun: z.boolean().optional(),
});

/** The user and machine the command runs as, for the record of who cancelled. */
function whoAmI(): string {
    try {
        return `${userInfo().username}@${hostname()}`;
    } catch {
        return hostname();
    }
}

function exitCodeOf(summary: RunSummary): ExitCode {
    if (summary.status === 'succeeded') return ExitCode.Success;
    if (summary.status === 'invalid') return ExitCode.BadInput;
    return ExitCode.Failures;
}

/** Ctrl-C once: cancel at the next page boundary; twice: stop now (the journal keeps what completed). */
function onInterrupt(io: CliIo, cancel: () => Promise<void>, stop: () => Promise<void>): () => void {
    let count = 0;
    const handler = () => {
        count++;
        if (count === 1) {
            io.stderr('\nCancelling at the next page boundary (Ctrl-C again to stop now and resume later)...\n');
            void cancel();
        } else void stop();
    };
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
}

export const runCommand = defineCommand({
    name: 'run',
    define: (command) =>
        command
            .description('run the migration in-process (resumable) and write the run log')
            .option('-s, --spec <file>', 'migration spec file (JSON); not needed with --resume')
            .option('--resume <runId>', 'resume an interrupted run from its journal')
            .option('--json', 'print the summary as JSON')
            .option(
                '--dry-run',
                'read both sides and report what a run would create, update, delete or fail; write nothing',
            )
            .option('--log-dir <dir>', 'run store folder (default ./.dataverse-migrate, or DATAVERSE_MIGRATE_LOG_DIR)'),
    options,
    async run(opts, { io }) {
        if (opts.dryRun) {
            if (opts.resume !== undefined) throw new BadInputError(['--dry-run takes --spec FILE, not --resume']);
            return runDryRun(opts, io);
        }
        const { store, root } = cliStore(io, opts.logDir);
        let runId: string;
        let specName: string;
        let specDocument: unknown;
        if (opts.resume !== undefined) {
            runId = opts.resume;
            const stored = await loadRunSpec(store, runId).catch((error: unknown) => {
                if (error instanceof RunDocumentError)
                    throw new BadInputError([`--resume: the stored spec of run '${runId}' is not valid`]);
                return undefined;
            });
            if (stored === undefined) throw new BadInputError([`--resume: no run '${runId}' in ${root}`]);
            clientsForSpec(stored, io);
            specName = stored.name;
        } else {
            if (opts.spec === undefined) throw new BadInputError(['missing --spec FILE (or --resume RUNID)']);
            const { spec } = await requireSpec(opts.spec, io);
            clientsForSpec(spec, io); // credential problems are bad input, before anything is written
            runId = newRunId(spec.name);
            specName = spec.name;
            // The plan activity validates the spec again: activities trust no input.
            specDocument = spec;
        }

        const holder: { display?: ReturnType<typeof createRunDisplay> } = {};
        const run = new LocalRun({
            store,
            journalDir: journalDirFor(root, runId),
            env: io.env,
            userAgent: 'dataverse-migrate-cli',
            onActivity: (event) => holder.display?.onActivity(event),
        });
        const display = createRunDisplay(io, { json: opts.json === true, throttled: () => run.throttled() });
        holder.display = display;
        if (!opts.json) io.stderr(`Run ${runId} (${specName}); log in ${root}/runs/${runId}/\n`);
        const detach = onInterrupt(
            io,
            () => requestCancel(store, runId, { by: `Ctrl-C (${whoAmI()})` }),
            () => run.stop(),
        );
        try {
            if (opts.resume !== undefined) await run.resume(runId);
            else await run.start(runId, { runId, spec: specDocument, trigger: 'cli' });
            const result = await run.wait(runId);
            display.stop();
            if (!result.summary) {
                io.stderr(
                    `run ${runId} ended ${result.status.runtimeStatus}: ${JSON.stringify(result.status.output ?? null)}\nresume it with: dataverse-migrate run --resume ${runId}\n`,
                );
                return ExitCode.Failures;
            }
            if (opts.json) io.stdout(`${JSON.stringify(result.summary, null, 2)}\n`);
            else (result.summary.status === 'invalid' ? io.stderr : io.stdout)(`${renderSummary(result.summary)}\n`);
            return exitCodeOf(result.summary);
        } finally {
            detach();
            display.stop();
            await run.stop();
        }
    },
});
