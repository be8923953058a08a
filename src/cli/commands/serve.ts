/**
 * `dataverse-migrate serve [--port N] [--token T]`: the Functions app's HTTP API on loopback, over the local
 * durable host and the filesystem run store (`--log-dir`), with stored specs in its `specs/` folder and their
 * schedules ticking, so scripts written against the Azure API run on one machine with no cloud. Only its own user
 * gets in: a token (random per start, or --token / DATAVERSE_MIGRATE_SERVE_TOKEN) carried by the URL its
 * `listening` line prints, as Jupyter does. Runs a previous serve left unfinished resume. Ctrl-C stops it; runs in
 * progress stop at once and resume on the next start. Its console (stderr) has one line per request, run started,
 * run resumed and schedule tick, with what became of each due spec.
 */
import { userInfo } from 'node:os';
import { z } from 'zod';
import { newServeToken } from '../../api/access/serve-token.js';
import { createConnector, listenApi, specRunDeps, type ApiDeps } from '../../api/index.js';
import { LocalRuns } from '../../host/local-runs.js';
import { runTick, startTicker, type Ticker } from '../../schedule/index.js';
import { readSetting, serveToken } from '../../settings/index.js';
import { defineCommand } from '../command.js';
import { consoleLog } from '../console-log.js';
import { BadInputError, ExitCode, type CliIo } from '../io.js';
import { cliSpecStore, writableCliStore } from '../store.js';
import { errnoCode } from '../../util/fs-errors.js';
import type { Log } from '../../util/log.js';

const options = z.object({
    port: z.coerce.number().int().min(0).max(65_535),
    logDir: z.string().optional(),
    schedules: z.boolean(),
    token: serveToken.optional(),
});

export type ServeOptions = z.output<typeof options>;

export interface ServeHandle {
    /** `http://127.0.0.1:PORT` */
    url: string;
    /** The token every request must carry. */
    token: string;
    /** `http://127.0.0.1:PORT/?token=...`: opens the dashboard, trading the token for a cookie. */
    openUrl: string;
    /** Run ids resumed from journals a previous process left unfinished. */
    resumed: string[];
    stop(): Promise<void>;
}

/** A port serve cannot listen on is the user's to change: one line naming it and the option (exit 2). */
function listenProblem(error: unknown, port: number): BadInputError | undefined {
    const code = errnoCode(error);
    const hint = 'choose another with --port N (--port 0 picks a free one)';
    const message =
        code === 'EADDRINUSE'
            ? `port ${port} on 127.0.0.1 is already in use by another process: ${hint}`
            : code === 'EACCES'
              ? `port ${port} needs privileges this process does not have: ${hint}`
              : undefined;
    return message === undefined ? undefined : new BadInputError([message], undefined, { cause: error });
}

/** Who holds the token: the account serve runs as (runs record it as who asked). */
function osUser(): string {
    try {
        return userInfo().username || 'local user';
    } catch {
        return 'local user';
    }
}

/** Starts the API and, unless disabled, the refresh tick; resolves once it is listening. */
export async function startServe(io: CliIo, opts: ServeOptions, log: Log = consoleLog(io)): Promise<ServeHandle> {
    const { store, root } = await writableCliStore(io, opts.logDir);
    // One set of clients for the API and every run: one token cache and limiter per environment.
    const connect = createConnector(io.env, 'dataverse-migrate-serve');
    const runs = new LocalRuns({ store, root, env: io.env, connect });
    const deps: ApiDeps = {
        runs,
        store,
        specs: cliSpecStore(root),
        env: io.env,
        connect,
        now: () => new Date(),
        log,
    };
    const resumed = await runs.resumeUnfinished();
    for (const id of resumed) log('info', `run ${id} resumed (a previous serve left it unfinished)`);
    const token = opts.token ?? readSetting(io.env, 'DATAVERSE_MIGRATE_SERVE_TOKEN') ?? newServeToken();
    const server = await listenApi(deps, { port: opts.port, access: { token, user: osUser() } }).catch(
        async (error: unknown) => {
            await runs.stop();
            throw listenProblem(error, opts.port) ?? error;
        },
    );
    let ticker: Ticker | undefined;
    if (opts.schedules) {
        const tickDeps = { ...specRunDeps(deps), log };
        ticker = startTicker(readSetting(io.env, 'REFRESH_TICK_SCHEDULE'), async (window) => {
            await runTick(tickDeps, window).catch((error: unknown) =>
                log('error', `refresh tick failed: ${error instanceof Error ? error.message : String(error)}`),
            );
        });
    }
    return {
        url: server.url,
        token,
        openUrl: `${server.url}/?token=${token}`,
        resumed,
        async stop() {
            await ticker?.stop();
            await server.close();
            await runs.stop();
        },
    };
}

function untilSignal(): Promise<void> {
    return new Promise((resolve) => {
        const done = () => {
            process.off('SIGINT', done);
            process.off('SIGTERM', done);
            resolve();
        };
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
    });
}

export const serveCommand = defineCommand({
    name: 'serve',
    define: (command) =>
        command
            .description('serve the HTTP API (/api/migrations, /api/plans, /api/specs) on loopback over the local host')
            .option('--port <n>', 'port on 127.0.0.1 (0 picks a free one)', '7071')
            .option('--log-dir <dir>', 'run store folder (default ./.dataverse-migrate, or DATAVERSE_MIGRATE_LOG_DIR)')
            .option('--no-schedules', 'do not start stored specs on their schedules')
            .option(
                '--token <token>',
                'the token requests must carry (default DATAVERSE_MIGRATE_SERVE_TOKEN, else a new random one per start)',
            ),
    options,
    async run(opts, { io }) {
        const log = consoleLog(io);
        const handle = await startServe(io, opts, log);
        // One line on stdout, as the simulator prints it: scripts wait for it. The URL carries the token, as
        // Jupyter's does: opening it lets the browser in; scripts send it as Authorization: Bearer.
        io.stdout(`listening ${handle.openUrl}\n`);
        await untilSignal();
        log('info', 'stopping (runs in progress resume on the next start)');
        await handle.stop();
        return ExitCode.Success;
    },
});
