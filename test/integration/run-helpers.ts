/** Shared pieces of the end-to-end run tests: two simulators, a spec file, the CLI in-process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimulatorOptions } from 'dataverse-sim';
import { cli } from '../helpers/cli.js';

export type Sim = Awaited<ReturnType<typeof startSimulator>>;

export interface Pair {
    source: Sim;
    target: Sim;
    dir: string;
    close(): Promise<void>;
}

export async function simulatorPair(source: SimulatorOptions, target: SimulatorOptions): Promise<Pair> {
    const [s, t] = await Promise.all([startSimulator(source), startSimulator(target)]);
    const dir = await mkdtemp(join(tmpdir(), 'dvm-run-'));
    return { source: s, target: t, dir, close: () => Promise.all([s.close(), t.close()]).then(() => undefined) };
}

export async function writeSpec(pair: Pair, spec: Record<string, unknown>, file = 'spec.json'): Promise<string> {
    const path = join(pair.dir, file);
    await writeFile(
        path,
        JSON.stringify({ source: { url: pair.source.url }, target: { url: pair.target.url }, ...spec }, null, 2),
    );
    return path;
}

const BIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

export interface SpawnedRun {
    child: ChildProcess;
    /** What the process has printed so far. */
    output: { stdout: string; stderr: string };
    exited: Promise<number | null>;
}

/** `run --json` of the built CLI as a child process in the pair's folder (for signals and kills). */
export function spawnRun(pair: Pair, specPath: string, logDir: string): SpawnedRun {
    if (!existsSync(BIN)) throw new Error('run `npm run build` first (npm test does)');
    const child = spawn(process.execPath, [BIN, 'run', '--spec', specPath, '--log-dir', logDir, '--json'], {
        cwd: pair.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { stdout: '', stderr: '' };
    child.stdout?.on('data', (d: Buffer) => (output.stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output.stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output, exited };
}

/** The CLI in the pair's folder, with its run store there. */
export function dvm(pair: Pair, argv: string[]) {
    return cli(
        [
            ...argv,
            ...(argv[0] === 'run' || argv[0] === 'runs' || argv[0] === 'log'
                ? ['--log-dir', join(pair.dir, 'log')]
                : []),
        ],
        { cwd: pair.dir },
    );
}

/** One Web API request to a simulator (for changing data between runs). */
export async function api(
    sim: Sim,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
) {
    const response = await fetch(`${sim.url}/api/data/v9.2/${path}`, {
        method,
        headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
}

/** Runs `run --json` and returns the exit code and the parsed summary. */
export async function runJson(pair: Pair, specPath: string, extra: string[] = []) {
    const result = await dvm(pair, ['run', '--spec', specPath, '--json', ...extra]);
    let summary: any;
    try {
        summary = JSON.parse(result.stdout);
    } catch {
        throw new Error(`run printed no JSON (exit ${result.code}):\n${result.stderr}\n${result.stdout}`);
    }
    return { code: result.code, summary, stderr: result.stderr };
}

export async function verifyJson(pair: Pair, specPath: string) {
    const result = await dvm(pair, ['verify', '--spec', specPath, '--json']);
    return { code: result.code, report: JSON.parse(result.stdout) };
}
