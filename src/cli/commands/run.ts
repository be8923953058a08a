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
import type { RunSummary } from '../../run/summary.js';
import { LocalRuns } from '../../host/local-runs.js';
import { startUnderLease, type TargetBusy } from '../../host/start-run.js';
import { leaseScope, releaseRunLease, thisProcess } from '../../run/run-lease.js';
import { runPaths } from '../../runlog/layout.js';
import { defineCommand } from '../command.js';
import { BadInputError, ExitCode } from '../io.js';
import { runDryRun } from '../dry-run.js';
import { runStart } from '../run-start.js';
import { renderSummary } from '../render.js';
import { createRunDisplay } from '../run-progress.js';
import { writableCliStore } from '../store.js';

const options = z.object({
    spec: z.string().optional(),
    resume: z.string().optional(),
    json: z.boolean().optional(),
    logDir: z.string().optional(),
    dryRun: z.boolean().optional(),
    retryFailed: z.string().optional(),
});

/** The user and machine the command runs as, for the record of who cancelled. */
function whoAmI(): string {
    try {
        return `${userInfo().username}@${hostname()}`;
    } catch {
        return hostname();
    }
}

/** The refusal as `--json` prints it: the same problem the HTTP API answers with 409. */
function targetBusyJson(busy: TargetBusy) {
    const { table, heldBy } = busy.conflict;
    return {
        error: 'target-busy',
        message: busy.message,
        table,
        heldBy: { ...heldBy.holder, acquiredAt: heldBy.acquiredAt, expiresAt: heldBy.expiresAt },
    };
}

/** The exit code of a finished run (exported for the benchmarks' runner, which runs as this command does). */
export function exitCodeOf(summary: RunSummary): ExitCode {
    if (summary.status === 'succeeded') return ExitCode.Success;
    if (summary.status === 'invalid') return ExitCode.BadInput;
    return ExitCode.Failures;
}

interface Interrupts {
    detach(): void;
    /** Resolves once the cancel request or its withdrawal is in the run store. */
    settled(): Promise<void>;
    /** Ctrl-C was pressed. */
    interrupted(): boolean;
}

/**
 * Ctrl-C once: cancel at the next page boundary; twice: stop now and resume later, so the cancel request is
 * withdrawn (the resumed run would otherwise stop at its first page) and the journal keeps what completed. The
 * display says so above its bars, so their next redraw does not overwrite it.
 */
function onInterrupt(
    display: { cancelling(text: string): void; stopping(): void },
    run: { cancel(): Promise<void>; withdraw(): Promise<void>; stop(): Promise<void> },
): Interrupts {
    let count = 0;
    let pending = Promise.resolve();
    const handler = () => {
        count++;
        if (count === 1) {
            display.cancelling('Cancelling at the next page boundary; Ctrl-C again stops now (resume it later).');
            pending = run.cancel().catch(() => undefined);
        } else {
            display.stopping();
            void run.stop();
            if (count === 2) pending = pending.then(() => run.withdraw()).catch(() => undefined);
        }
    };
    process.on('SIGINT', handler);
    return { detach: () => process.off('SIGINT', handler), settled: () => pending, interrupted: () => count > 0 };
}

export const runCommand = defineCommand({
    name: 'run',
    define: (command) =>
        command
            .description('run the migration in-process (resumable) and write the run log')
            .option('-s, --spec <file>', 'migration spec file (JSON); not needed with --resume')
            .option('--resume <runId>', 'resume an interrupted run from its journal')
            .option('--retry-failed <runId>', "a new run that copies again only the rows that run's error log holds")
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
        const { store, root } = await writableCliStore(io, opts.logDir);
        const start = await runStart(opts, store, root, io);
        const { runId, specName } = start;

        const holder: { display?: ReturnType<typeof createRunDisplay> } = {};
        const runs = new LocalRuns({
            store,
            root,
            env: io.env,
            userAgent: 'dataverse-migrate-cli',
            onActivity: (event) => holder.display?.onActivity(event),
        });
        const display = createRunDisplay(io, { json: opts.json === true, throttled: () => runs.throttled() });
        holder.display = display;
        if (!opts.json) io.stderr(`Run ${runId} (${specName}); log in ${root}/runs/${runId}/\n`);
        const interrupts = onInterrupt(display, {
            cancel: () => requestCancel(store, runId, { by: `Ctrl-C (${whoAmI()})` }),
            withdraw: () => store.delete(runPaths(runId).cancel),
            stop: () => runs.stop(),
        });
        try {
            // One run per target table: the lease names this process, so it lapses at once if the CLI dies.
            let continued: Awaited<ReturnType<LocalRuns['continueRun']>> | undefined;
            const busy = await startUnderLease(
                store,
                start.spec,
                { runId, who: `the CLI (${whoAmI()})`, process: thisProcess() },
                new Date(),
                async () => {
                    if (start.kind === 'resume') continued = await runs.continueRun(runId);
                    else await runs.start(runId, start.input);
                },
            );
            if (busy) {
                display.stop();
                io.stderr(`run ${runId} not started: ${busy.message}\n`);
                if (opts.json) io.stdout(`${JSON.stringify(targetBusyJson(busy), null, 2)}\n`);
                return ExitCode.TargetBusy;
            }
            if (continued !== undefined) {
                if (continued.kind === 'finished') {
                    await releaseRunLease(store, leaseScope(start.spec), runId);
                    display.stop();
                    io.stderr(`run ${runId} has finished (succeeded): nothing to resume\n`);
                    if (continued.summary)
                        io.stdout(
                            opts.json
                                ? `${JSON.stringify(continued.summary, null, 2)}\n`
                                : `${renderSummary(continued.summary)}\n`,
                        );
                    return ExitCode.Success;
                }
                if (continued.kind === 'continued' && !opts.json)
                    io.stderr(
                        `Continuing run ${runId}, which ended ${continued.from}: ${continued.reused} completed activities are reused\n`,
                    );
            }
            const result = await runs.wait(runId);
            display.stop();
            if (!result.summary) {
                const { runtimeStatus, output } = result.status;
                io.stderr(
                    result.stopped
                        ? `run ${runId} stopped before it finished (${runtimeStatus})\n`
                        : `run ${runId} ended ${runtimeStatus}: ${JSON.stringify(output ?? null)}\n`,
                );
                io.stderr(`resume it with: dataverse-migrate run --resume ${runId}\n`);
                return interrupts.interrupted() ? ExitCode.Interrupted : ExitCode.Failures;
            }
            if (opts.json) io.stdout(`${JSON.stringify(result.summary, null, 2)}\n`);
            else (result.summary.status === 'invalid' ? io.stderr : io.stdout)(`${renderSummary(result.summary)}\n`);
            // A run the user stopped exits as an interrupted command does (130), whatever npx or a shell is between.
            if (interrupts.interrupted() && result.summary.status === 'cancelled') return ExitCode.Interrupted;
            return exitCodeOf(result.summary);
        } finally {
            interrupts.detach();
            display.stop();
            await runs.stop();
            await interrupts.settled();
        }
    },
});
