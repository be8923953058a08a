/**
 * The journal-folder lock between REAL processes: two child processes race for the same folders, round after
 * round, once with no lock file and once with the stale lock of a process that has exited. Each round exactly
 * one wins and the other is told which process holds the folder; no lock or temporary file is left behind.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileWorker } from './host-helpers.js';

const ROUNDS = 15;
/** A won lock is held this long, far longer than two racers starting in the same millisecond need. */
const HOLD_MS = 300;
const ROUND_MS = 450;

let worker: string;
let dir: string;

beforeAll(async () => {
    worker = await compileWorker('host-lock-test', 'test/fixtures/host/lock-worker.ts');
    dir = await mkdtemp(join(tmpdir(), 'host-lock-'));
}, 120_000);
afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
});

interface Round {
    result: string;
    from?: number;
    to?: number;
}

function runWorker(start: number, folders: string[]): Promise<{ pid: number; rounds: Round[] }> {
    const child = spawn(process.execPath, [worker, String(start), String(ROUND_MS), String(HOLD_MS), ...folders], {
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) =>
        child.on('exit', (code) => {
            if (code !== 0) reject(new Error(`lock worker exited ${code}: ${stderr}`));
            else resolve({ pid: child.pid!, rounds: JSON.parse(stdout) as Round[] });
        }),
    );
}

/** Two workers racing over `ROUNDS` folders made by `prepare`; checks every round and what is left behind. */
async function race(name: string, prepare: (folder: string) => Promise<void>): Promise<void> {
    const folders = Array.from({ length: ROUNDS }, (_, i) => join(dir, name, String(i)));
    for (const folder of folders) {
        await mkdir(folder, { recursive: true });
        await prepare(folder);
    }
    // Both processes have started well before the first round.
    const start = Date.now() + 2_000;
    const [a, b] = await Promise.all([runWorker(start, folders), runWorker(start, folders)]);
    for (let i = 0; i < ROUNDS; i++) {
        const rounds = [a.rounds[i]!, b.rounds[i]!];
        const winners = rounds.filter((r) => r.result === 'won');
        expect(winners, `round ${i}: ${JSON.stringify(rounds)}`).toHaveLength(1);
        const winner = a.rounds[i]!.result === 'won' ? a : b;
        const loser = rounds.find((r) => r.result !== 'won')!;
        expect(loser.result).toContain(`is in use by process ${winner.pid}`);
    }
    for (const folder of folders) expect(await readdir(folder)).toEqual([]);
}

// The two scenarios use folders of their own, so they run side by side.
describe.concurrent('the journal-folder lock between two racing processes', () => {
    it('gives a folder without a lock to exactly one of them, every round', async () => {
        await race('free', () => Promise.resolve());
    }, 60_000);

    it('gives a folder whose lock a dead process left to exactly one of them, every round', async () => {
        const dead = spawn(process.execPath, ['-e', '']);
        await new Promise((resolve) => dead.once('exit', resolve));
        await race('stale', (folder) => writeFile(join(folder, '.lock'), `${JSON.stringify({ pid: dead.pid })}\n`));
    }, 60_000);
});
