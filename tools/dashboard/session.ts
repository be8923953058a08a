/**
 * What the browser tests and `npm run screenshots` share: `dataverse-migrate serve` as a child process (the built
 * command, dist/src/cli/main.js from the current folder, the repository's root), its URL as its `listening` line
 * prints it (a URL that may carry a token: scripts then send it as a Bearer token), and Debian's Chromium driven by
 * playwright-core (CHROMIUM_PATH, default /usr/bin/chromium).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ServeChild {
    /** The URL on the `listening` line, as printed: what a person opens. */
    url: string;
    origin: string;
    /** A request to the JSON API (`/api/...`), with the token of the listening URL when it has one. */
    api(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
    stop(): Promise<void>;
}

/** Starts serve on a free port over `logDir`; resolves once it prints its `listening` line. */
export async function startServeChild(logDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServeChild> {
    const bin = resolve('dist/src/cli/main.js');
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first`);
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.DATAVERSE_MIGRATE_LOG_DIR;
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--log-dir', logDir, '--no-schedules'], {
        env: childEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await listening(child);
    const parsed = new URL(url);
    const token = parsed.searchParams.get('token');
    return {
        url,
        origin: parsed.origin,
        api: (path, init = {}) =>
            fetch(`${parsed.origin}${path}`, {
                method: init.method ?? 'GET',
                headers: {
                    ...(token ? { Authorization: `Bearer ${token}` } : {}),
                    ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
                },
                ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
            }),
        stop: () => stop(child),
    };
}

function listening(child: ChildProcess): Promise<string> {
    let stdout = '';
    let stderr = '';
    return new Promise((resolvePromise, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
            stdout += d.toString();
            const line = /^listening (\S+)$/m.exec(stdout);
            if (line) resolvePromise(line[1]!);
        });
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => reject(new Error(`serve exited ${code} before listening: ${stderr}`)));
    });
}

async function stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGINT');
    await exited;
}

/** Chromium, headless; --no-sandbox because CI runs as root, where Chromium's sandbox refuses to start. */
export async function launchChromium(): Promise<Browser> {
    if (!existsSync(CHROMIUM))
        throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH`);
    return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}
