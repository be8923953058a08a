/**
 * The Blob Storage run store (Azure Functions app, container `migration-runs`). JSON documents are block
 * blobs written by one Put Blob (readers see the old or the new document); events.jsonl and the failed-row
 * CSVs are append blobs that roll over to a next part when full (append-blob-log.ts).
 */
import type { ContainerClient, ContainerListBlobFlatSegmentResponse } from '@azure/storage-blob';
import { AppendBlobLog, SERVICE_MAX_APPEND_BYTES, SERVICE_MAX_APPENDS, type AppendLimits } from './append-blob-log.js';
import { containerCreator } from './blob-container.js';
import { describeBlobFailure, publicUrl } from './blob-errors.js';
import { download, downloadVersion } from './blob-io.js';
import { partBase } from './blob-parts.js';
import { csvPreamble, csvRecords } from './csv.js';
import { jsonText, parseJson } from './documents.js';
import { RunStoreError } from './errors.js';
import { KeyedQueue } from './keyed-queue.js';
import { BlobLeaseDocuments } from './blob-lease-documents.js';
import type { LeaseDocuments } from './lease-documents.js';
import { lineUnits, splitLines } from './lines.js';
import { checkPath, checkPrefix } from './paths.js';
import { indexRun, listRuns, type IndexBackend } from './run-index.js';
import type { ListRunsOptions, ListRunsResult, RunIndexEntry, RunStore } from './types.js';

/** Metadata key of a run index marker: its entry, base64url JSON (metadata values are ASCII header values). */
const ENTRY_METADATA = 'runindexentry';

/** The container the Functions app keeps its runs in (README "The run store"). */
export const RUN_STORE_CONTAINER = 'migration-runs';

export interface BlobRunStoreOptions {
    /** The container (created on first use when missing); its client carries the credential. */
    container: ContainerClient;
    /** Appends per append blob before the log rolls over to a next part; at most (and by default) 50,000. */
    maxAppendsPerBlob?: number;
    /** Bytes per append; an `appendLines` call over this is split at line ends. At most (and by default) 4 MiB. */
    maxAppendBytes?: number;
}

export function createBlobRunStore(options: BlobRunStoreOptions): RunStore {
    const limits: AppendLimits = {
        maxAppendsPerBlob: limit(options.maxAppendsPerBlob, SERVICE_MAX_APPENDS, 'maxAppendsPerBlob'),
        maxAppendBytes: limit(options.maxAppendBytes, SERVICE_MAX_APPEND_BYTES, 'maxAppendBytes'),
    };
    return new BlobRunStore(options.container, limits);
}

function limit(value: number | undefined, most: number, name: string): number {
    if (value === undefined) return most;
    if (!Number.isInteger(value) || value < 1 || value > most)
        throw new RangeError(`createBlobRunStore: ${name} must be a whole number from 1 to ${most} (got ${value})`);
    return value;
}

class BlobRunStore implements RunStore {
    readonly location: string;
    readonly leases: LeaseDocuments;
    private readonly log: AppendBlobLog;
    private readonly index: IndexBackend;
    private readonly containerReady: () => Promise<void>;
    /** Updates of one run's index entry, one at a time in this process (its markers move with them). */
    private readonly indexQueue = new KeyedQueue();

    constructor(
        private readonly container: ContainerClient,
        limits: AppendLimits,
    ) {
        this.location = publicUrl(container.url);
        this.containerReady = containerCreator(container);
        this.leases = new BlobLeaseDocuments(container, this.containerReady, this.location);
        this.log = new AppendBlobLog(container, limits, (path) => `${this.location}/${path}`);
        this.index = {
            writeJson: (path, value) => this.writeJson(path, value),
            readJson: (path) => this.readJson(path),
            delete: (path) => this.delete(path),
            writeMarker: (path, entry) => this.writeMarker(path, entry),
            listMarkers: (folder, count, token) =>
                this.io('list', folder, () => this.listMarkers(folder, count, token)),
        };
    }

    async writeJson(path: string, value: unknown): Promise<void> {
        await this.uploadJson(checkPath(path), value);
    }

    async readJson<T>(path: string): Promise<T | undefined> {
        checkPath(path);
        const bytes = await this.io('read', path, () => download(this.container.getBlobClient(path)));
        return bytes === undefined ? undefined : parseJson<T>(bytes.toString('utf8'), `${this.location}/${path}`);
    }

    async readText(path: string): Promise<string | undefined> {
        checkPath(path);
        return this.io('read', path, async () => {
            const first = await downloadVersion(this.container.getBlobClient(path));
            if (first === undefined) return undefined;
            // Only append logs have later parts: a JSON document costs one request.
            const rest = first.blobType === 'AppendBlob' ? await this.log.read(path, 1) : undefined;
            return (rest ? Buffer.concat([first.bytes, rest]) : first.bytes).toString('utf8');
        });
    }

    async appendLines(path: string, lines: readonly string[]): Promise<void> {
        const units = lineUnits(checkPath(path), lines);
        if (units.length === 0) return;
        await this.io('append to', path, () => this.log.append(path, units));
    }

    async readLines(path: string): Promise<string[]> {
        checkPath(path);
        const bytes = await this.io('read', path, () => this.log.read(path));
        return splitLines(bytes?.toString('utf8') ?? '');
    }

    async appendCsv(path: string, header: readonly string[], records: ReadonlyArray<readonly string[]>): Promise<void> {
        const units = csvRecords(checkPath(path), header, records);
        await this.io('append to', path, () => this.log.append(path, units, csvPreamble(header)));
    }

    async list(prefix: string): Promise<string[]> {
        checkPrefix(prefix);
        const items = await this.io('list', prefix, async () => {
            const found: Array<{ name: string; append: boolean }> = [];
            for await (const item of this.container.listBlobsFlat({ prefix }))
                found.push({ name: item.name, append: item.properties.blobType === 'AppendBlob' });
            return found;
        });
        // Later parts of an append log are one document with their first part.
        const logs = new Set(items.filter((item) => item.append).map((item) => item.name));
        return items
            .filter((item) => {
                const base = item.append ? partBase(item.name) : undefined;
                return base === undefined || !logs.has(base);
            })
            .map((item) => item.name)
            .sort();
    }

    async delete(path: string): Promise<void> {
        checkPath(path);
        await this.io('delete', path, () => this.log.deleteAll(path));
    }

    indexRun(entry: RunIndexEntry): Promise<void> {
        return this.indexQueue.run(entry.runId, () => indexRun(this.index, entry));
    }

    listRuns(options?: ListRunsOptions): Promise<ListRunsResult> {
        return listRuns(this.index, options);
    }

    /** A marker carries its entry in metadata too, so a listing page needs no read per run. */
    private async writeMarker(path: string, entry: RunIndexEntry): Promise<void> {
        await this.uploadJson(path, entry, {
            [ENTRY_METADATA]: Buffer.from(JSON.stringify(entry)).toString('base64url'),
        });
    }

    /** One Put Blob of a JSON document: readers see the old or the new one. */
    private async uploadJson(path: string, value: unknown, metadata?: Record<string, string>): Promise<void> {
        const text = jsonText(path, value);
        await this.io('write', path, () =>
            this.container.getBlockBlobClient(path).upload(text, Buffer.byteLength(text), {
                blobHTTPHeaders: { blobContentType: 'application/json' },
                ...(metadata === undefined ? {} : { metadata }),
            }),
        );
    }

    private async listMarkers(folder: string, count: number, after?: string) {
        const pages = this.container
            .listBlobsFlat({ prefix: folder, includeMetadata: true })
            .byPage({ maxPageSize: count, continuationToken: after });
        const next: IteratorResult<ContainerListBlobFlatSegmentResponse> = await pages.next();
        const items = next.done ? [] : next.value.segment.blobItems;
        const markers = await Promise.all(
            items.map(async (item) => {
                const encoded = item.metadata?.[ENTRY_METADATA];
                const entry: unknown =
                    encoded === undefined
                        ? await this.readJson(item.name)
                        : parseJson(
                              Buffer.from(encoded, 'base64url').toString('utf8'),
                              `${this.location}/${item.name}`,
                          );
                return { name: item.name.slice(folder.length), entry };
            }),
        );
        const token = next.done ? undefined : next.value.continuationToken;
        return token ? { markers, token } : { markers };
    }

    /** Runs one operation after making sure the container exists; a failure names the document. */
    private async io<T>(what: string, path: string, task: () => Promise<T>): Promise<T> {
        try {
            await this.containerReady();
            return await task();
        } catch (error) {
            if (error instanceof RunStoreError || error instanceof TypeError) throw error;
            throw new RunStoreError(`cannot ${what} ${this.location}/${path}: ${describeBlobFailure(error)}`, {
                cause: error,
            });
        }
    }
}
