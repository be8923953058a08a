/**
 * Lease documents in the file store, with the technique of the journal-folder lock (src/host/local/folder-lock.ts):
 * a document is created by hard-linking a complete temporary file into place (a link never replaces a file); it is
 * replaced or removed by first renaming it aside under a unique name (whatever is in place at that instant), then
 * checking that the renamed file is the version the caller read; when it is not (a racer changed it meanwhile) it
 * is linked back. A version is the document's whole text: lease texts carry a random nonce, so no two are equal.
 * What remains is a third writer creating the document in the instant between a mistaken rename and the link
 * back: its lease then stands and the one moved aside is lost, so its holder's next renewal reports the loss.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isMissingFile } from '../util/fs-errors.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import type { LeaseDocuments, VersionedDocument } from './lease-documents.js';
import { checkPath } from './paths.js';

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

async function readText(file: string): Promise<string | undefined> {
    try {
        return await readFile(file, 'utf8');
    } catch (error) {
        if (isMissingFile(error)) return undefined;
        throw error;
    }
}

export class FileLeaseDocuments implements LeaseDocuments {
    constructor(private readonly root: string) {}

    private file(path: string): string {
        return join(this.root, checkPath(path));
    }

    async read(path: string): Promise<VersionedDocument | undefined> {
        const text = await readText(this.file(path));
        return text === undefined ? undefined : { text, version: text };
    }

    async create(path: string, text: string): Promise<boolean> {
        const file = this.file(path);
        await mkdir(dirname(file), { recursive: true });
        return writeFileAtomic(file, text, { overwrite: false });
    }

    async replace(path: string, text: string, version: string): Promise<boolean> {
        if (!(await this.takeAside(path, version))) return false;
        return writeFileAtomic(this.file(path), text, { overwrite: false });
    }

    async remove(path: string, version: string): Promise<boolean> {
        return this.takeAside(path, version);
    }

    /** Moves the document out of the way if it is at `version`; puts back whatever else it found. */
    private async takeAside(path: string, version: string): Promise<boolean> {
        const file = this.file(path);
        const aside = `${file}.${randomUUID()}.aside`;
        try {
            await rename(file, aside);
        } catch (error) {
            if (code(error) === 'ENOENT') return false;
            throw error;
        }
        try {
            if ((await readText(aside)) === version) return true;
            await link(aside, file).catch((error: unknown) => {
                if (code(error) !== 'EEXIST') throw error;
            });
            return false;
        } finally {
            await unlink(aside).catch(() => undefined);
        }
    }
}
