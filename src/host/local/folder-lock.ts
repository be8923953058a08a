/**
 * One host per journal folder: two hosts appending to the same journals would interleave records of one
 * instance. A `.lock` file names the holding process; a lock left by a process that no longer runs (killed)
 * is taken over, so a resumed run never has to clean up by hand.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errorMessage } from './json.js';

const LOCK_FILE = '.lock';

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

async function holderOf(path: string): Promise<number | undefined> {
    try {
        const { pid } = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown };
        return typeof pid === 'number' ? pid : undefined;
    } catch {
        return undefined;
    }
}

/** Locks `folder` (which must exist) for this host; resolves with the release function. */
export async function lockFolder(folder: string): Promise<() => Promise<void>> {
    const key = resolve(folder);
    const path = join(folder, LOCK_FILE);
    const busy = (by: string): Error =>
        new Error(`the journal folder ${folder} is in use by ${by}; one host at a time may run its instances`);
    if (heldHere.has(key)) throw busy('another host in this process');
    const content = `${JSON.stringify({ pid: process.pid })}\n`;
    try {
        await writeFile(path, content, { flag: 'wx' });
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
            throw new Error(`cannot lock the journal folder ${folder}: ${errorMessage(error)}`);
        }
        const pid = await holderOf(path);
        if (pid !== undefined && pid !== process.pid && isRunning(pid)) throw busy(`process ${pid}`);
        await writeFile(path, content);
    }
    heldHere.add(key);
    return async () => {
        heldHere.delete(key);
        await rm(path, { force: true });
    };
}
