/**
 * Append logs on Blob Storage (events.jsonl, failed-row CSVs) as append blobs that roll over to a next
 * part when one is full. Every append names the offset it expects (`appendPosition`), so it lands exactly
 * where this writer believes the end is, or fails with 412 and the writer looks again. That makes the
 * block count a writer sees exact, which is what lets a part stop at the configured limit even when
 * writers in several processes race at it, and it lets a writer whose answer was lost (the SDK then
 * retries and gets 412) see that its block is already there instead of writing it twice.
 */
import type { AppendBlobClient, BlobClient, ContainerClient } from '@azure/storage-blob';
import { blobFailure, describeBlobFailure, isBlobMissing } from './blob-errors.js';
import { download } from './blob-io.js';
import { partName, partNumber, partsPrefix } from './blob-parts.js';
import { headerMismatch } from './documents.js';
import { RunStoreError } from './errors.js';
import { KeyedQueue } from './keyed-queue.js';

/** What the Blob service allows: 50,000 committed blocks per append blob, 4 MiB per block. */
export const SERVICE_MAX_APPENDS = 50_000;
export const SERVICE_MAX_APPEND_BYTES = 4 * 1024 * 1024;
/** Each failed attempt means another writer's append succeeded, so this only stops a livelock. */
const MAX_ATTEMPTS = 1000;

export interface AppendLimits {
    maxAppendsPerBlob: number;
    maxAppendBytes: number;
}

/** Where this writer believes a log ends: its last part, that part's length and block count. */
interface Tail {
    part: number;
    offset: number;
    blocks: number;
}

export class AppendBlobLog {
    private readonly queue = new KeyedQueue();
    private readonly tails = new Map<string, Tail>();
    /** CSV logs whose first bytes this writer has seen to be the expected BOM and header. */
    private readonly preambles = new Map<string, string>();

    constructor(
        private readonly container: ContainerClient,
        private readonly limits: AppendLimits,
        private readonly where: (path: string) => string,
    ) {}

    /**
     * Appends `units` (whole lines or records, each with its line end) as one block, or as few blocks
     * as the size limit needs; `preamble` (a CSV's BOM and header) starts the log when it is new.
     */
    append(path: string, units: readonly string[], preamble?: string): Promise<void> {
        const blocks = this.blocks(path, units, preamble);
        return this.queue.run(path, async () => {
            for (const block of blocks) await this.appendBlock(path, block, preamble);
        });
    }

    /**
     * Part numbers of the log at `path` that exist, ascending. Later parts are append blobs by
     * construction, so a document that merely looks like one (`x.2024.json`) is never taken for a part.
     */
    async parts(path: string): Promise<number[]> {
        const found: number[] = [];
        for await (const item of this.container.listBlobsFlat({ prefix: partsPrefix(path) })) {
            const part = partNumber(path, item.name);
            if (part === 0 || (part !== undefined && item.properties.blobType === 'AppendBlob')) found.push(part);
        }
        return found.sort((a, b) => a - b);
    }

    /** The bytes of the parts from `fromPart` on, concatenated in order; undefined when there are none. */
    async read(path: string, fromPart = 0): Promise<Buffer | undefined> {
        const parts = (await this.parts(path)).filter((part) => part >= fromPart);
        const contents = await Promise.all(parts.map((part) => download(this.blob(path, part))));
        const found = contents.filter((content): content is Buffer => content !== undefined);
        return found.length === 0 ? undefined : Buffer.concat(found);
    }

    /** Deletes every part and forgets what this writer knew of the log. */
    deleteAll(path: string): Promise<void> {
        return this.queue.run(path, async () => {
            const parts = new Set([0, ...(await this.parts(path))]);
            await Promise.all([...parts].map((part) => this.blob(path, part).deleteIfExists()));
            this.tails.delete(path);
            this.preambles.delete(path);
        });
    }

    private blocks(path: string, units: readonly string[], preamble: string | undefined): string[] {
        // Every block keeps room for the preamble (a few bytes), which the first block of a new log carries.
        const capacity = this.limits.maxAppendBytes - (preamble === undefined ? 0 : Buffer.byteLength(preamble));
        const blocks: string[] = [];
        let block = '';
        let size = 0;
        for (const unit of units) {
            const bytes = Buffer.byteLength(unit);
            if (bytes > capacity)
                throw new TypeError(
                    `append to ${this.where(path)}: one line is ${bytes} bytes, more than one append takes (${capacity})`,
                );
            if (size + bytes > capacity) {
                blocks.push(block);
                block = '';
                size = 0;
            }
            block += unit;
            size += bytes;
        }
        // A CSV append without records still creates the log with its header.
        if (block !== '' || blocks.length === 0) blocks.push(block);
        return blocks;
    }

    private async appendBlock(path: string, data: string, preamble: string | undefined): Promise<void> {
        let tail = this.tails.get(path) ?? (await this.locate(path));
        for (let attempt = 1; ; attempt++) {
            if (attempt > MAX_ATTEMPTS)
                throw new RunStoreError(`gave up appending to ${this.where(path)} after ${MAX_ATTEMPTS} conflicts`);
            if (tail.blocks >= this.limits.maxAppendsPerBlob) tail = { part: tail.part + 1, offset: 0, blocks: 0 };
            const starts = preamble !== undefined && tail.part === 0 && tail.offset === 0;
            if (preamble !== undefined && !starts) await this.checkPreamble(path, preamble);
            const body = Buffer.from(starts ? preamble + data : data);
            if (body.length === 0) return;
            const blob = this.blob(path, tail.part);
            try {
                const answer = await blob.appendBlock(body, body.length, {
                    conditions: { appendPosition: tail.offset },
                });
                this.tails.set(path, {
                    part: tail.part,
                    offset: Number(answer.blobAppendOffset ?? tail.offset) + body.length,
                    blocks: answer.blobCommittedBlockCount ?? tail.blocks + 1,
                });
                if (starts) this.preambles.set(path, preamble);
                return;
            } catch (error) {
                const { status, code } = blobFailure(error);
                if (status === 404) {
                    await this.create(blob, path, tail.part);
                } else if (code === 'AppendPositionConditionNotMet') {
                    const { landed, now } = await this.afterConflict(blob, tail, body);
                    tail = now;
                    this.tails.set(path, now);
                    if (landed) return;
                } else if (code === 'BlockCountExceedsLimit') {
                    // The service's own limit, when it is lower than the configured one.
                    tail = { ...tail, blocks: Number.POSITIVE_INFINITY };
                } else {
                    const what = code === 'InvalidBlobType' ? 'it is a whole document, not an append log' : '';
                    throw new RunStoreError(
                        `cannot append to ${this.where(partName(path, tail.part))}: ${what || describeBlobFailure(error)}`,
                        { cause: error },
                    );
                }
            }
        }
    }

    /** The last existing part and its end, for the first append of this writer to a log. */
    private async locate(path: string): Promise<Tail> {
        const part = (await this.parts(path)).pop() ?? 0;
        return { part, ...(await this.end(this.blob(path, part))) };
    }

    private async end(blob: BlobClient): Promise<{ offset: number; blocks: number }> {
        try {
            const properties = await blob.getProperties();
            return { offset: properties.contentLength ?? 0, blocks: properties.blobCommittedBlockCount ?? 0 };
        } catch (error) {
            if (isBlobMissing(error)) return { offset: 0, blocks: 0 };
            throw error;
        }
    }

    /**
     * After a 412: the log's real end, and whether the bytes at the offset this writer expected are its
     * own block (an earlier attempt that succeeded, whose answer was lost). A byte-identical block from
     * another writer at that very offset counts as this one: the lines are the same.
     */
    private async afterConflict(
        blob: AppendBlobClient,
        tail: Tail,
        body: Buffer,
    ): Promise<{ landed: boolean; now: Tail }> {
        const now = { part: tail.part, ...(await this.end(blob)) };
        if (now.offset < tail.offset + body.length) return { landed: false, now };
        const there = await download(blob, tail.offset, body.length);
        return { landed: there?.equals(body) === true, now };
    }

    private async create(blob: AppendBlobClient, path: string, part: number): Promise<void> {
        try {
            await blob.createIfNotExists({
                blobHTTPHeaders: { blobContentType: contentType(path) },
            });
        } catch (error) {
            throw new RunStoreError(
                `cannot create ${this.where(partName(path, part))}: ${describeBlobFailure(error)}`,
                {
                    cause: error,
                },
            );
        }
    }

    /** A CSV log another writer started must carry the same header as this append. */
    private async checkPreamble(path: string, preamble: string): Promise<void> {
        const known = this.preambles.get(path);
        if (known === preamble) return;
        const expected = Buffer.from(preamble);
        const head =
            known === undefined
                ? ((await download(this.blob(path, 0), 0, expected.length)) ?? Buffer.alloc(0))
                : Buffer.from(known);
        if (!head.equals(expected)) throw new RunStoreError(headerMismatch(this.where(''), path, head));
        this.preambles.set(path, preamble);
    }

    private blob(path: string, part: number): AppendBlobClient {
        return this.container.getAppendBlobClient(partName(path, part));
    }
}

function contentType(path: string): string {
    if (path.endsWith('.csv')) return 'text/csv; charset=utf-8';
    return path.endsWith('.jsonl') ? 'application/x-ndjson' : 'text/plain; charset=utf-8';
}
