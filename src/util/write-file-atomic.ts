/** Writes a whole file or nothing: a temporary file in the same folder, then a rename. */
import { randomBytes } from 'node:crypto';
import { link, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Returns false (and writes nothing) when `overwrite` is false and the file exists. Without
 * overwrite, a hard link publishes the file so that a file created meanwhile is never replaced.
 */
export async function writeFileAtomic(path: string, text: string, options: { overwrite: boolean }): Promise<boolean> {
    // Unique per call: two writers of one file in the same process and millisecond must not share a temp file.
    const temp = join(
        dirname(path),
        `.${basename(path)}.${process.pid}.${Date.now()}.${randomBytes(4).toString('hex')}.tmp`,
    );
    await writeFile(temp, text, { flag: 'wx' });
    try {
        if (options.overwrite) {
            await rename(temp, path);
            return true;
        }
        try {
            await link(temp, path);
            return true;
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
            throw error;
        }
    } finally {
        await rm(temp, { force: true });
    }
}
