/**
 * Whether a folder can be written, asked before work that writes there (a run, serve), so an unwritable folder is
 * one sentence with its real cause at the start instead of a failure in the middle of the work.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errnoCode, fsReason } from './fs-errors.js';

/** Undefined when `folder` exists (it is created if need be) and a file can be written in it; else why not. */
export async function folderWriteProblem(folder: string): Promise<string | undefined> {
    try {
        await mkdir(folder, { recursive: true });
        const probe = join(folder, `.write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
        await writeFile(probe, '');
        await rm(probe, { force: true });
        return undefined;
    } catch (error) {
        return explain(error, folder);
    }
}

async function explain(error: unknown, folder: string): Promise<string> {
    // A recursive mkdir can answer ENOENT below a read-only mount or a folder it may not write (the cause is the
    // parent it could not create), and ENOTDIR or EEXIST for a file in the way: the nearest existing folder tells
    // which, and is the one to name.
    const ancestor = await nearestExisting(folder);
    if (ancestor !== undefined && ancestor !== folder) {
        if (!(await stat(ancestor)).isDirectory()) return `${ancestor} is a file, not a folder`;
        try {
            await access(ancestor, constants.W_OK);
        } catch (denied) {
            return `${ancestor}: ${fsReason(denied) ?? String(denied)}`;
        }
    }
    if (ancestor === folder && !(await stat(folder)).isDirectory()) return `${folder} is a file, not a folder`;
    return fsReason(error) ?? (error instanceof Error ? error.message : String(error));
}

async function nearestExisting(path: string): Promise<string | undefined> {
    for (let current = path; ; current = dirname(current)) {
        try {
            await stat(current);
            return current;
        } catch (error) {
            if (dirname(current) === current || (errnoCode(error) !== 'ENOENT' && errnoCode(error) !== 'ENOTDIR'))
                return undefined;
        }
    }
}
