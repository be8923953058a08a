/**
 * The content bench: files of a column copied from one simulator process to another by the content phase's own
 * transfer (copy/content-transfer.ts, CONTENT_TRANSFERS at once), at two file sizes, with this process's peak RSS and
 * `arrayBuffers` (Buffers live outside the V8 heap) sampled every 20 ms above the level before the copy. Bounded
 * memory means the peaks stay flat when the files grow: about CONTENT_TRANSFERS blocks of 4 MB and their Base64 text.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { CONTENT_TRANSFERS } from '../src/activities/copy-content-page.js';
import { syncContent } from '../src/copy/content-transfer.js';
import { BLOCK_SIZE, uploadBlocks, type ContentRef } from '../src/dataverse/content/index.js';
import { createDataverseClient, type DataverseWriteClient } from '../src/dataverse/index.js';
import { eachLimited } from '../src/util/each-limited.js';
import { heapMb } from './format.js';
import { SimProcess } from './sim-process.js';

export interface ContentCase {
    files: number;
    fileBytes: number;
    seconds: number;
    mbPerSecond: number;
    /** Peaks above the level before the copy. */
    peakRssGrowthBytes: number;
    peakArrayBuffersBytes: number;
    bytesWritten: number;
}

const ACCOUNT = { logicalName: 'account', entitySetName: 'accounts' };
const ref = (id: string): ContentRef => ({
    kind: 'column',
    table: 'account',
    primaryId: 'accountid',
    id,
    column: 'sample_contract',
});

/** A file of `size` random bytes, made one block at a time (never whole). */
function* fileBlocks(size: number): Iterable<Buffer> {
    for (let at = 0; at < size; at += BLOCK_SIZE) yield randomBytes(Math.min(BLOCK_SIZE, size - at));
}

class Peaks {
    rss = 0;
    arrayBuffers = 0;
    private readonly timer: NodeJS.Timeout;
    constructor(private readonly base: NodeJS.MemoryUsage) {
        this.timer = setInterval(() => this.sample(), 20);
    }
    sample(): void {
        const m = process.memoryUsage();
        this.rss = Math.max(this.rss, m.rss - this.base.rss);
        this.arrayBuffers = Math.max(this.arrayBuffers, m.arrayBuffers - this.base.arrayBuffers);
    }
    stop(): void {
        clearInterval(this.timer);
        this.sample();
    }
}

async function oneCase(files: number, fileBytes: number, log: (line: string) => void): Promise<ContentCase> {
    const [sourceSim, targetSim] = await Promise.all([
        SimProcess.start({ rows: 0, seed: 1, limits: 'none', timeScale: 1 }),
        SimProcess.start({ rows: 0, seed: 1, limits: 'none', timeScale: 1, empty: true }),
    ]);
    try {
        const source: DataverseWriteClient = createDataverseClient({ url: sourceSim.url });
        const target: DataverseWriteClient = createDataverseClient({ url: targetSim.url });
        const ids = Array.from({ length: files }, () => randomUUID());
        log(`seeding ${files} files of ${fileBytes / 2 ** 20} MB...`);
        await eachLimited(ids, 4, async (id) => {
            await source.create(ACCOUNT, id, { name: `bench ${id}` });
            await target.create(ACCOUNT, id, { name: `bench ${id}` });
            // A commit whose answer was lost (a reset on a busy machine) is sent again until the file is there.
            for (let attempt = 1; ; attempt++) {
                try {
                    await uploadBlocks(source, ref(id), { fileName: 'bench.bin' }, fileBlocks(fileBytes));
                    return;
                } catch (error) {
                    if (attempt >= 3) throw error;
                    log(`seeding ${id}: ${error instanceof Error ? error.message : String(error)}; again`);
                }
            }
        });
        heapMb(); // a full collection first, so the level is what the copy starts from
        const peaks = new Peaks(process.memoryUsage());
        const started = performance.now();
        let bytesWritten = 0;
        await eachLimited(ids, CONTENT_TRANSFERS, async (id) => {
            const outcome = await syncContent(
                { client: source, ref: ref(id) },
                { client: target, ref: ref(id), clear: () => Promise.resolve() },
                { fileName: 'bench.bin' },
            );
            bytesWritten += outcome.bytesWritten;
        });
        const seconds = (performance.now() - started) / 1000;
        peaks.stop();
        return {
            files,
            fileBytes,
            seconds,
            mbPerSecond: bytesWritten / 2 ** 20 / seconds,
            peakRssGrowthBytes: peaks.rss,
            peakArrayBuffersBytes: peaks.arrayBuffers,
            bytesWritten,
        };
    } finally {
        await Promise.all([sourceSim.stop(), targetSim.stop()]);
    }
}

/** The same number of files at two sizes (default 8 and 32 MB): memory should not grow with the size. */
export async function contentBench(options: {
    files: number;
    sizesMb: readonly number[];
    log: (line: string) => void;
}): Promise<ContentCase[]> {
    const cases: ContentCase[] = [];
    for (const mb of options.sizesMb) cases.push(await oneCase(options.files, mb * 2 ** 20, options.log));
    return cases;
}
