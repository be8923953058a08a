/**
 * The filesystem run store (CLI, default root `./.dataverse-migrate/`). JSON documents are replaced
 * atomically (temporary file + rename in the same folder); appends are one write per call, serialised per
 * path within the process, to a file opened for append, so lines of concurrent calls never interleave.
 */
import { appendFile, mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isMissingFile } from '../util/fs-errors.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { csvPreamble, csvRecords } from './csv.js';
import { headerMismatch, jsonText, parseJson } from './documents.js';
import { messageOf, RunStoreError } from './errors.js';
import { KeyedQueue } from './keyed-queue.js';
import { lineUnits, splitLines } from './lines.js';
import { checkPath, checkPrefix } from './paths.js';
import { indexRun, listRuns, type IndexBackend } from './run-index.js';
import { FileLeaseDocuments } from './file-lease-documents.js';
import type { LeaseDocuments } from './lease-documents.js';
import type { RunStore } from './types.js';

/** The CLI's default root, relative to the working directory. */
export const DEFAULT_RUN_STORE_ROOT = '.dataverse-migrate';

export function createFileRunStore(root: string = DEFAULT_RUN_STORE_ROOT): RunStore {
    return new FileRunStore(resolve(root));
}

class FileRunStore implements RunStore {
    private readonly queue = new KeyedQueue();
    /** Paths whose tail this process has checked (or created), and CSVs whose header it has checked. */
    private readonly tailChecked = new Set<string>();
    private readonly csvHeaders = new Map<string, string>();
    private readonly index: IndexBackend;
    readonly leases: LeaseDocuments;

    constructor(readonly location: string) {
        this.leases = new FileLeaseDocuments(location);
        this.index = {
            writeJson: (path, value) => this.writeJson(path, value),
            readJson: (path) => this.readJson(path),
            delete: (path) => this.delete(path),
            writeMarker: (path, entry) => this.writeJson(path, entry),
            listMarkers: async (folder, limit, token) => {
                const page = await this.listNames(folder, limit, token);
                const entries = await Promise.all(page.names.map((name) => this.readJson(folder + name)));
                const markers = page.names.map((name, index) => ({ name, entry: entries[index] }));
                return page.token === undefined ? { markers } : { markers, token: page.token };
            },
        };
    }

    async writeJson(path: string, value: unknown): Promise<void> {
        const file = this.file(path);
        const text = jsonText(path, value);
        await this.queue.run(path, () =>
            this.io('write', path, async () => {
                await mkdir(dirname(file), { recursive: true });
                await writeFileAtomic(file, text, { overwrite: true });
            }),
        );
    }

    async readJson<T>(path: string): Promise<T | undefined> {
        const text = await this.readText(path);
        return text === undefined ? undefined : parseJson<T>(text, `${this.location}/${path}`);
    }

    async readText(path: string): Promise<string | undefined> {
        const file = this.file(path);
        return await this.io('read', path, async () => {
            try {
                return await readFile(file, 'utf8');
            } catch (error) {
                if (isMissingFile(error)) return undefined;
                throw error;
            }
        });
    }

    async appendLines(path: string, lines: readonly string[]): Promise<void> {
        const file = this.file(path);
        const text = lineUnits(path, lines).join('');
        if (text === '') return;
        await this.queue.run(path, () =>
            this.io('append to', path, async () => {
                await mkdir(dirname(file), { recursive: true });
                await appendFile(file, (await this.tailRepair(path, file, '\n')) + text);
            }),
        );
    }

    async readLines(path: string): Promise<string[]> {
        return splitLines((await this.readText(path)) ?? '');
    }

    async appendCsv(path: string, header: readonly string[], records: ReadonlyArray<readonly string[]>): Promise<void> {
        const file = this.file(path);
        const body = csvRecords(path, header, records).join('');
        const preamble = csvPreamble(header);
        await this.queue.run(path, () =>
            this.io('append to', path, async () => {
                await mkdir(dirname(file), { recursive: true });
                // The file appears with its BOM, header and first records at once, or not at all.
                if (
                    !this.csvHeaders.has(path) &&
                    (await writeFileAtomic(file, preamble + body, { overwrite: false }))
                ) {
                    this.csvHeaders.set(path, preamble);
                    this.tailChecked.add(path);
                    return;
                }
                await this.checkCsvHeader(path, file, preamble);
                const repair = await this.tailRepair(path, file, '\r\n');
                if (repair || body) await appendFile(file, repair + body);
            }),
        );
    }

    async list(prefix: string): Promise<string[]> {
        checkPrefix(prefix);
        const found: string[] = [];
        await this.io('list', prefix, () => walk(join(this.location, prefix), prefix, found));
        return found.sort();
    }

    async delete(path: string): Promise<void> {
        const file = this.file(path);
        await this.queue.run(path, () =>
            this.io('delete', path, async () => {
                await rm(file, { force: true });
                this.tailChecked.delete(path);
                this.csvHeaders.delete(path);
            }),
        );
    }

    indexRun(entry: Parameters<RunStore['indexRun']>[0]): Promise<void> {
        return this.queue.run(`index:${entry.runId}`, () => indexRun(this.index, entry));
    }

    listRuns(options?: Parameters<RunStore['listRuns']>[0]): ReturnType<RunStore['listRuns']> {
        return listRuns(this.index, options);
    }

    /** Names in the folder, ascending; the token is the last name of the previous page. */
    private async listNames(folder: string, limit: number, token?: string) {
        let names: string[];
        try {
            names = (await readdir(join(this.location, folder))).filter((name) => !name.startsWith('.'));
        } catch (error) {
            if (isMissingFile(error)) return { names: [] };
            throw error;
        }
        names.sort();
        const start = token === undefined ? 0 : names.findIndex((name) => name > token);
        const page = start < 0 ? [] : names.slice(start, start + limit);
        const more = start >= 0 && start + limit < names.length;
        return more ? { names: page, token: page[page.length - 1] } : { names: page };
    }

    /**
     * A crash in the middle of an append can leave a last line without its line end; the first append of
     * this process to the file then starts with a line end, so the torn piece never joins a new line.
     */
    private async tailRepair(path: string, file: string, lineEnd: string): Promise<string> {
        if (this.tailChecked.has(path)) return '';
        this.tailChecked.add(path);
        let handle;
        try {
            handle = await open(file, 'r');
        } catch (error) {
            if (isMissingFile(error)) return '';
            throw error;
        }
        try {
            const { size } = await handle.stat();
            if (size === 0) return '';
            const last = Buffer.alloc(1);
            await handle.read(last, 0, 1, size - 1);
            return last[0] === 0x0a ? '' : lineEnd;
        } finally {
            await handle.close();
        }
    }

    private async checkCsvHeader(path: string, file: string, preamble: string): Promise<void> {
        const known = this.csvHeaders.get(path);
        if (known === undefined) {
            const handle = await open(file, 'r');
            try {
                const expected = Buffer.from(preamble);
                const head = Buffer.alloc(expected.length);
                const { bytesRead } = await handle.read(head, 0, head.length, 0);
                if (bytesRead === head.length && head.equals(expected)) this.csvHeaders.set(path, preamble);
                else throw new RunStoreError(headerMismatch(this.location, path, head.subarray(0, bytesRead)));
            } finally {
                await handle.close();
            }
        } else if (known !== preamble) {
            throw new RunStoreError(headerMismatch(this.location, path, Buffer.from(known)));
        }
    }

    private file(path: string): string {
        return join(this.location, ...checkPath(path).split('/'));
    }

    private async io<T>(what: string, path: string, task: () => Promise<T>): Promise<T> {
        try {
            return await task();
        } catch (error) {
            if (error instanceof RunStoreError || error instanceof TypeError) throw error;
            throw new RunStoreError(`cannot ${what} ${join(this.location, path)}: ${messageOf(error)}`, {
                cause: error,
            });
        }
    }
}

async function walk(folder: string, relative: string, found: string[]): Promise<void> {
    let entries;
    try {
        entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
        if (isMissingFile(error)) return;
        throw error;
    }
    for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        if (entry.isDirectory()) await walk(join(folder, entry.name), `${relative}${entry.name}/`, found);
        else if (entry.isFile()) found.push(relative + entry.name);
    }
}
