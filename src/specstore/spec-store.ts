/**
 * The SpecStore both implementations share: put, status updates and deletes as optimistic
 * read-change-write loops over a backend that writes only when the ETag it read is still current.
 */
import { checkLeaseTtl, checkSpecName, parseDocument, patchDocument, putDocument, storedSpec } from './document.js';
import type { SpecDocument } from './document.js';
import {
    SpecStoreError,
    type ConditionalOptions,
    type SpecLease,
    type SpecPutMeta,
    type SpecStatusPatch,
    type SpecStore,
    type StoredSpec,
} from './types.js';

/** Each lost race means another writer's change went in; this only bounds a pathological storm. */
const MAX_ATTEMPTS = 50;

/** What a store provides: conditional writes on one document per spec, and leases. */
export interface SpecBackend {
    readonly location: string;
    /** Where a spec's document is, for messages. */
    where(name: string): string;
    /** The live document and its ETag, or undefined when there is none. */
    read(name: string): Promise<{ document: unknown; etag: string } | undefined>;
    /** Writes when the ETag is still `expected` (undefined: when there is no live document); false otherwise. */
    write(name: string, document: SpecDocument, expected: string | undefined): Promise<string | false>;
    /** Removes the document when its ETag is still `expected`; false otherwise. */
    remove(name: string, expected: string): Promise<boolean>;
    /** Names that may have a live document. */
    names(): Promise<string[]>;
    lease(name: string, ttlMs: number): Promise<SpecLease | undefined>;
}

export function createSpecStore(backend: SpecBackend): SpecStore {
    return new OptimisticSpecStore(backend);
}

class OptimisticSpecStore implements SpecStore {
    readonly location: string;

    constructor(private readonly backend: SpecBackend) {
        this.location = backend.location;
    }

    async put(
        name: string,
        spec: Record<string, unknown>,
        meta: SpecPutMeta = {},
        options: ConditionalOptions = {},
    ): Promise<StoredSpec> {
        checkSpecName(name);
        return this.change(name, options, 'put', (current) => putDocument(name, spec, meta, current));
    }

    async get(name: string): Promise<StoredSpec | undefined> {
        const current = await this.read(checkSpecName(name));
        return current && storedSpec(current.document, current.etag);
    }

    async list(): Promise<StoredSpec[]> {
        const names = await this.backend.names();
        const found = await Promise.all(names.map((name) => this.get(name)));
        return found.filter((spec): spec is StoredSpec => spec !== undefined).sort((a, b) => compare(a.name, b.name));
    }

    async delete(name: string, options: ConditionalOptions = {}): Promise<boolean> {
        checkSpecName(name);
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            const current = await this.read(name);
            if (current === undefined) return false;
            this.checkMatch(name, current.etag, options);
            if (await this.backend.remove(name, current.etag)) return true;
            if (options.ifMatch !== undefined) throw this.conflict(name);
        }
        throw this.conflict(name);
    }

    async updateStatus(name: string, patch: SpecStatusPatch, options: ConditionalOptions = {}): Promise<StoredSpec> {
        checkSpecName(name);
        return this.change(name, options, 'updateStatus', (current) => {
            if (current === undefined)
                throw new SpecStoreError('not-found', `updateStatus: there is no spec '${name}' in ${this.location}`);
            return patchDocument(current, patch);
        });
    }

    async lease(name: string, ttlMs: number): Promise<SpecLease | undefined> {
        return this.backend.lease(checkSpecName(name), checkLeaseTtl(ttlMs));
    }

    private async change(
        name: string,
        options: ConditionalOptions,
        what: string,
        next: (current: SpecDocument | undefined) => SpecDocument,
    ): Promise<StoredSpec> {
        for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            const current = await this.read(name);
            if (options.ifMatch !== undefined && current === undefined)
                throw new SpecStoreError('not-found', `${what}: there is no spec '${name}' in ${this.location}`);
            if (current) this.checkMatch(name, current.etag, options);
            const document = next(current?.document);
            const etag = await this.backend.write(name, document, current?.etag);
            if (etag !== false) return storedSpec(document, etag);
            if (options.ifMatch !== undefined) throw this.conflict(name);
        }
        throw this.conflict(name);
    }

    private async read(name: string): Promise<{ document: SpecDocument; etag: string } | undefined> {
        const found = await this.backend.read(name);
        return found && { document: parseDocument(found.document, name, this.backend.where(name)), etag: found.etag };
    }

    private checkMatch(name: string, etag: string, options: ConditionalOptions): void {
        if (options.ifMatch !== undefined && options.ifMatch !== etag) throw this.conflict(name);
    }

    private conflict(name: string): SpecStoreError {
        return new SpecStoreError(
            'conflict',
            `spec '${name}' changed since it was read (ETag mismatch): read it again and retry`,
        );
    }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
