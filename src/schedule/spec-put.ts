/**
 * Putting a validated spec into the spec store: the schedule the store keeps beside it is the spec's own
 * `options.schedule`, so the document and its schedule never disagree, whoever puts it (HTTP or the CLI).
 */
import type { MigrationSpec } from '../spec/index.js';
import type { ConditionalOptions, SpecStore, StoredSpec } from '../specstore/index.js';

export interface SpecPutResult {
    stored: StoredSpec;
    /** False when the put replaced a spec of that name. */
    created: boolean;
}

/** `document` as given, `spec` the same document validated; a stale `ifMatch` is a `conflict` SpecStoreError. */
export async function putStoredSpec(
    specs: SpecStore,
    name: string,
    document: Record<string, unknown>,
    spec: MigrationSpec,
    options: ConditionalOptions = {},
): Promise<SpecPutResult> {
    const existed = (await specs.get(name)) !== undefined;
    const schedule = spec.options.schedule;
    const stored = await specs.put(name, document, schedule !== undefined ? { schedule } : {}, options);
    return { stored, created: !existed };
}
