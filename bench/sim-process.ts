/**
 * A simulated Dataverse environment in its own process (the `dataverse-sim` CLI from the build), so the
 * migrating process's memory and CPU are its own. Waits for the `listening` line, reads `/_sim/stats`
 * (validated: it is another process's output) and stops the process it started, by its handle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

// The package's built bin: Node resolves the export's default condition, the compiled dist/cli.js.
const SIM_CLI = fileURLToPath(import.meta.resolve('dataverse-sim/cli'));
const STARTUP_TIMEOUT_MS = 180_000;

export interface SimProcessOptions {
    rows: number;
    seed: number;
    empty?: boolean;
    /** A limits file path, `dataverse` or `none`. */
    limits: string;
    timeScale: number;
    /** A fault-injection file (the simulator's `--faults`), or none. */
    faults?: string;
}

const tableStats = z.object({ rows: z.number(), rowsRead: z.number(), rowsWritten: z.number() });
const simStatsSchema = z.object({
    requests: z.number(),
    methods: z.record(z.string(), z.number()),
    statuses: z.record(z.string(), z.number()),
    tables: z.record(z.string(), tableStats),
    gate: z.object({
        requests: z.number(),
        admitted: z.number(),
        throttled: z.object({ requests: z.number(), executionTime: z.number(), concurrency: z.number() }),
        faults: z.record(z.string(), z.number()),
        outage: z.number(),
        requestsPerUser: z.record(z.string(), z.number()),
        totalExecutionMs: z.number(),
        rowsRead: z.number(),
        rowsWritten: z.number(),
    }),
});
export type SimProcessStats = z.infer<typeof simStatsSchema>;

/** Every simulator this process started and has not stopped yet, so a failing bench leaves none behind. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
});

export class SimProcess {
    private constructor(
        readonly url: string,
        private readonly child: ChildProcess,
        private readonly exited: Promise<void>,
    ) {}

    static async start(options: SimProcessOptions): Promise<SimProcess> {
        const args = [
            SIM_CLI,
            '--schema',
            'crm',
            '--rows',
            String(options.rows),
            '--seed',
            String(options.seed),
            '--limits',
            options.limits,
            '--time-scale',
            String(options.timeScale),
            '--port',
            '0',
            ...(options.empty ? ['--empty'] : []),
            ...(options.faults !== undefined ? ['--faults', options.faults] : []),
        ];
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        running.add(child);
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        void exited.then(() => running.delete(child));
        let stderr = '';
        child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
        const what = `simulator (${options.empty ? 'empty target' : `${options.rows} rows`})`;
        const url = await new Promise<string>((resolve, reject) => {
            let stdout = '';
            const timer = setTimeout(() => {
                child.kill('SIGKILL');
                reject(new Error(`${what} did not print 'listening' within ${STARTUP_TIMEOUT_MS / 1000} s`));
            }, STARTUP_TIMEOUT_MS);
            child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
                stdout += chunk;
                const match = /^listening (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
                if (match?.[1]) {
                    clearTimeout(timer);
                    resolve(match[1]);
                }
            });
            child.once('exit', (code, signal) => {
                clearTimeout(timer);
                reject(new Error(`${what} exited (${signal ?? code}) before listening: ${stderr.trim()}`));
            });
        });
        return new SimProcess(url, child, exited);
    }

    async stats(): Promise<SimProcessStats> {
        const response = await fetch(`${this.url}/_sim/stats`);
        if (!response.ok) throw new Error(`GET ${this.url}/_sim/stats answered ${response.status}`);
        const parsed = simStatsSchema.safeParse(await response.json());
        if (!parsed.success) {
            throw new Error(`${this.url}/_sim/stats has an unexpected shape: ${z.prettifyError(parsed.error)}`);
        }
        return parsed.data;
    }

    async resetStats(): Promise<void> {
        const response = await fetch(`${this.url}/_sim/reset-stats`, { method: 'POST' });
        if (!response.ok) throw new Error(`POST ${this.url}/_sim/reset-stats answered ${response.status}`);
    }

    /** SIGTERM (the simulator stops cleanly), then waits for the process to end. */
    async stop(): Promise<void> {
        if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
        await this.exited;
    }
}

/**
 * Starts a source with `rows` generated rows and its empty counterpart, side by side; `targetFaults` is the
 * target's fault file when it differs from the source's (`faults`).
 */
export async function startPair(
    options: Omit<SimProcessOptions, 'empty'> & { targetFaults?: string },
): Promise<{ source: SimProcess; target: SimProcess; stop: () => Promise<void> }> {
    const { targetFaults, ...common } = options;
    const targetOptions = { ...common, empty: true, ...(targetFaults !== undefined ? { faults: targetFaults } : {}) };
    const started = await Promise.allSettled([SimProcess.start(common), SimProcess.start(targetOptions)]);
    const sims = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) {
        await Promise.all(sims.map((s) => s.stop()));
        throw failed.reason;
    }
    const [source, target] = sims as [SimProcess, SimProcess];
    return { source, target, stop: () => Promise.all([source.stop(), target.stop()]).then(() => undefined) };
}
