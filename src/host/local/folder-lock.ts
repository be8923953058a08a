/**
 * One host per journal folder: two hosts appending to the same journals would interleave records of one
 * instance. A `.lock` file names the holding process; a lock left by a process that no longer runs (killed)
 * is taken over, so a resumed run never has to clean up by hand.
 *
 * Every step is atomic, so that of two processes racing for a folder exactly one wins: the lock's content is
 * written to a temporary file first and hard-linked into place (a link never replaces an existing file, and the
 * file is never seen empty); a stale lock is renamed to a unique name before anyone creates a new one, and that
 * name is checked to hold the very lock judged stale (if another racer's fresh lock was renamed instead, it is
 * linked back); the winner re-reads the lock it made before it counts as held. What remains is a third racer
 * creating a lock in the instant between such a mistaken rename and the link back.
 */
import { randomUUID } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errorMessage } from './json.js';

const LOCK_FILE = '.lock';
/** Rounds of create / take over before giving up; each round makes progress unless others keep winning. */
const MAX_ROUNDS = 20;
/** How long a lock that vanished right after its creation may take to be linked back by a mistaken take-over. */
const REREAD_TRIES = 5;
const REREAD_PAUSE_MS = 10;

/** Folders locked by hosts of this process (the pid in the file cannot tell them apart). */
const heldHere = new Set<string>();

function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
}

function code(error: unknown): string | undefined {
    return (error as NodeJS.ErrnoException).code;
}

/** The lock file's text; undefined when there is none. */
async function readLock(path: string): Promise<string | undefined> {
    try {
        return await readFile(path, 'utf8');
    } catch (error) {
        if (code(error) === 'ENOENT') return undefined;
        throw error;
    }
}

function pidOf(text: string): number | undefined {
    try {
        const { pid } = JSON.parse(text) as { pid?: unknown };
        return typeof pid === 'number' ? pid : undefined;
    } catch {
        return undefined;
    }
}

/** Creates the lock file with `content` unless one exists; false when one does. */
async function createExclusive(path: string, content: string): Promise<boolean> {
    const temporary = `${path}.${randomUUID()}.tmp`;
    await writeFile(temporary, content, { flag: 'wx' });
    try {
        await link(temporary, path);
        return true;
    } catch (error) {
        if (code(error) === 'EEXIST') return false;
        throw error;
    } finally {
        await unlink(temporary).catch(() => undefined);
    }
}

/**
 * Removes the lock whose text is `stale`. The rename takes whatever lock is in place at that moment; when that
 * turns out to be another lock (a racer replaced the stale one meanwhile), it is linked back.
 */
async function takeOver(path: string, stale: string): Promise<void> {
    const aside = `${path}.${randomUUID()}.stale`;
    try {
        await rename(path, aside);
    } catch (error) {
        if (code(error) === 'ENOENT') return; // another racer moved it first
        throw error;
    }
    const taken = await readLock(aside);
    if (taken !== stale) await link(aside, path).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
}

/** Whether the lock file holds `content` once a mistaken take-over (if any) has linked it back. */
async function holds(path: string, content: string): Promise<boolean> {
    for (let i = 0; i < REREAD_TRIES; i++) {
        const text = await readLock(path);
        if (text !== undefined) return text === content;
        await new Promise((r) => setTimeout(r, REREAD_PAUSE_MS));
    }
    return false;
}

class FolderBusyError extends Error {
    override readonly name = 'FolderBusyError';
}

/** Creates or takes over the lock file with `content`; throws FolderBusyError while a live process holds it. */
async function acquire(path: string, content: string, busy: (by: string) => FolderBusyError): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
        if ((await createExclusive(path, content)) && (await holds(path, content))) return;
        const text = await readLock(path);
        if (text === undefined) continue;
        if (text === content) return; // ours, linked back after a mistaken take-over
        const pid = pidOf(text);
        if (pid !== undefined && pid !== process.pid && isRunning(pid)) throw busy(`process ${pid}`);
        // The holder has exited (or the file is not a lock this code wrote): take it over.
        await takeOver(path, text);
    }
    throw new Error('other processes kept taking the lock');
}

/** Locks `folder` (which must exist) for this host; resolves with the release function. */
export async function lockFolder(folder: string): Promise<() => Promise<void>> {
    const key = resolve(folder);
    const path = join(folder, LOCK_FILE);
    const busy = (by: string) =>
        new FolderBusyError(
            `the journal folder ${folder} is in use by ${by}; one host at a time may run its instances`,
        );
    // Claimed before the first await: two hosts of this process would otherwise both see their own pid.
    if (heldHere.has(key)) throw busy('another host in this process');
    heldHere.add(key);
    const content = `${JSON.stringify({ pid: process.pid, lock: randomUUID() })}\n`;
    try {
        await acquire(path, content, busy);
    } catch (error) {
        heldHere.delete(key);
        if (error instanceof FolderBusyError) throw error;
        throw new Error(`cannot lock the journal folder ${folder}: ${errorMessage(error)}`);
    }
    return async () => {
        if ((await readLock(path)) === content) await unlink(path).catch(() => undefined);
        heldHere.delete(key);
    };
}
