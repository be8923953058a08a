/**
 * Compare-and-swap on a local filesystem without a lock server: a document's versions are numbered files
 * (`v1.json`, `v2.json`, …) and the one arbitration point is creating file n+1 exclusively (a hard link,
 * which fails when the name exists). Whoever creates n+1 won; everyone else read a stale n. The highest
 * number is the current version; older ones are removed after a win.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissingFile } from '../util/fs-errors.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

export class Generations {
    constructor(
        private readonly folder: string,
        private readonly prefix: string,
    ) {}

    /** The current generation and its text, or undefined when there is none. */
    async latest(): Promise<{ generation: number; text: string } | undefined> {
        // A winner removes older files; a reader that lost that race lists again.
        for (let attempt = 0; attempt < 10; attempt++) {
            const generation = (await this.numbers()).pop();
            if (generation === undefined) return undefined;
            try {
                return { generation, text: await readFile(this.file(generation), 'utf8') };
            } catch (error) {
                if (!isMissingFile(error)) throw error;
            }
        }
        throw new Error(`${this.folder}: its ${this.prefix}* files keep changing while being read`);
    }

    /**
     * Creates generation `generation` with `text`; false when someone else created it first. A writer whose
     * `generation - 1` was stale may recreate a number already removed, so a higher number is a loss too.
     */
    async claim(generation: number, text: string): Promise<boolean> {
        if (!(await writeFileAtomic(this.file(generation), text, { overwrite: false }))) return false;
        const numbers = await this.numbers();
        if (numbers.some((other) => other > generation)) {
            await rm(this.file(generation), { force: true });
            return false;
        }
        await Promise.all(
            numbers.filter((other) => other < generation).map((other) => rm(this.file(other), { force: true })),
        );
        return true;
    }

    /** Replaces the text of a generation in place (atomically), e.g. to mark a lease released. */
    async rewrite(generation: number, text: string): Promise<void> {
        await writeFileAtomic(this.file(generation), text, { overwrite: true });
    }

    private async numbers(): Promise<number[]> {
        let names: string[];
        try {
            names = await readdir(this.folder);
        } catch (error) {
            if (isMissingFile(error)) return [];
            throw error;
        }
        const pattern = new RegExp(`^${this.prefix}(\\d+)\\.json$`);
        return names
            .map((name) => pattern.exec(name)?.[1])
            .filter((digits): digits is string => digits !== undefined)
            .map(Number)
            .sort((a, b) => a - b);
    }

    private file(generation: number): string {
        return join(this.folder, `${this.prefix}${generation}.json`);
    }
}
