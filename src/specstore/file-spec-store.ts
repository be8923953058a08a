/**
 * Stored specs on the local filesystem, under the run store's root: `specs/{name}/v{n}.json` (the ETag
 * is the version number; a delete writes a tombstone version so a stale ETag can never bring a spec
 * back) and `specs/{name}/lease-{n}.json` (an exclusive lock file with an expiry time).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_RUN_STORE_ROOT } from '../runlog/file-store.js';
import { isMissingFile } from '../util/fs-errors.js';
import { parseStoredText, storedText, type SpecDocument } from './document.js';
import { Generations } from './fs-generations.js';
import { createSpecStore, type SpecBackend } from './spec-store.js';
import { SpecStoreError, type SpecLease, type SpecStore } from './types.js';

export interface FileSpecStoreOptions {
    /** The clock leases expire by (ms since the epoch); tests move it forward. */
    now?: () => number;
}

/** `root` is the run store's root; specs live in its `specs/` folder. */
export function createFileSpecStore(
    root: string = DEFAULT_RUN_STORE_ROOT,
    options: FileSpecStoreOptions = {},
): SpecStore {
    return createSpecStore(new FileSpecBackend(join(resolve(root), 'specs'), options.now ?? Date.now));
}

interface Tombstone {
    deleted: true;
}

interface LeaseFile {
    leaseId: string;
    expiresAt: number;
    released?: true;
}

const isTombstone = (value: unknown): value is Tombstone =>
    typeof value === 'object' && value !== null && (value as Partial<Tombstone>).deleted === true;

class FileSpecBackend implements SpecBackend {
    constructor(
        readonly location: string,
        private readonly now: () => number,
    ) {}

    where(name: string): string {
        return join(this.location, name);
    }

    async read(name: string): Promise<{ document: unknown; etag: string } | undefined> {
        const latest = await this.versions(name).latest();
        if (latest === undefined) return undefined;
        const document = parseStoredText(latest.text, join(this.where(name), `v${latest.generation}.json`));
        return isTombstone(document) ? undefined : { document, etag: etagOf(latest.generation) };
    }

    async write(name: string, document: SpecDocument, expected: string | undefined): Promise<string | false> {
        const versions = this.versions(name);
        let base: number;
        if (expected === undefined) {
            // Create: only over nothing or over a tombstone.
            const latest = await versions.latest();
            if (latest && !isTombstone(parseStoredText(latest.text, this.where(name)))) return false;
            base = latest?.generation ?? 0;
        } else {
            const generation = generationOf(expected);
            if (generation === undefined) return false;
            base = generation;
        }
        await mkdir(this.where(name), { recursive: true });
        const claimed = await versions.claim(base + 1, storedText(document));
        return claimed ? etagOf(base + 1) : false;
    }

    async remove(name: string, expected: string): Promise<boolean> {
        const generation = generationOf(expected);
        if (generation === undefined) return false;
        return this.versions(name).claim(generation + 1, `${JSON.stringify({ deleted: true } satisfies Tombstone)}\n`);
    }

    async names(): Promise<string[]> {
        try {
            const entries = await readdir(this.location, { withFileTypes: true });
            return entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((e) => e.name);
        } catch (error) {
            if (isMissingFile(error)) return [];
            throw error;
        }
    }

    async lease(name: string, ttlMs: number): Promise<SpecLease | undefined> {
        await mkdir(this.where(name), { recursive: true });
        const leases = new Generations(this.where(name), 'lease-');
        const current = await leases.latest();
        if (current && isHeld(parseLease(current.text, this.where(name)), this.now())) return undefined;
        const leaseId = randomUUID();
        let generation = (current?.generation ?? 0) + 1;
        const text = (expiresAt: number, released?: true) =>
            JSON.stringify({ leaseId, expiresAt, ...(released ? { released } : {}) } satisfies LeaseFile);
        if (!(await leases.claim(generation, text(this.now() + ttlMs)))) return undefined;

        const isMine = async () => {
            const latest = await leases.latest();
            return latest?.generation === generation && parseLease(latest.text, this.where(name)).leaseId === leaseId;
        };
        return {
            name,
            leaseId,
            renew: async () => {
                // A renewal is a new generation too, so it races a taker of an expired lease fairly.
                const lost = () =>
                    new SpecStoreError('lease-lost', `the lease on spec '${name}' expired and was taken by another`);
                if (!(await isMine())) throw lost();
                if (!(await leases.claim(generation + 1, text(this.now() + ttlMs)))) throw lost();
                generation += 1;
            },
            release: async () => {
                if (await isMine()) await leases.rewrite(generation, text(this.now(), true));
            },
        };
    }

    private versions(name: string): Generations {
        return new Generations(this.where(name), 'v');
    }
}

const etagOf = (generation: number) => `"${generation}"`;

function generationOf(etag: string): number | undefined {
    const match = /^"(\d+)"$/.exec(etag);
    return match ? Number(match[1]) : undefined;
}

function isHeld(lease: LeaseFile, now: number): boolean {
    return lease.released !== true && lease.expiresAt > now;
}

function parseLease(text: string, where: string): LeaseFile {
    const value = parseStoredText(text, where) as Partial<LeaseFile>;
    if (typeof value.leaseId !== 'string' || typeof value.expiresAt !== 'number')
        throw new SpecStoreError('invalid-document', `${where} holds a lease file that is not one of ours`);
    return value as LeaseFile;
}
