/**
 * Alternate keys created at run time (POST EntityDefinitions(LogicalName='x')/Keys with an EntityKeyMetadata). The
 * key's index is built by a background job: "The `EntityKeyMetadata.EntityKeyIndexStatus` property specifies the status
 * of the key as its index creation job progresses": Pending, In Progress, Active, Failed (define-alternate-keys-entity.md,
 * "Monitor index creation for alternate keys"). Only Active keys address rows (references.ts), so until then a
 * request by the key gets the invalid-key 400, as for a key the table does not have [inferred]. A key over rows that
 * already hold one value twice ends Failed (its unique index cannot be built) [inferred].
 *
 * The job advances on metadata reads, deterministically: a new key is Pending; after the first metadata read it is
 * InProgress; after `keyIndexReads` reads its index is built (Active, or Failed). With `keyIndexDelayMs` it is built
 * that long after it started instead (environment time: `advanceClock` moves it on). Key columns: "Only include columns of
 * the following types": Decimal, Integer, String, DateTime, Lookup, Picklist; at most 16 columns a key and ten keys a
 * table (same page).
 */
import { z } from 'zod';
import type { SimKey } from '../../model.js';
import type { TableInfo } from '../schema-index.js';
import type { SimClock } from '../sim-clock.js';
import type { Store } from '../store.js';
import { labelSchema } from './labels.js';
import { checkedLogicalName } from './names.js';
import { parsed } from './parsed.js';
import { invalidDefinition, nameInUse } from './refusals.js';

const keySchema = z
    .object({
        SchemaName: z.string().min(1),
        DisplayName: labelSchema.optional(),
        KeyAttributes: z.array(z.string().min(1)).min(1, 'needs at least one column').max(16, 'at most 16 columns'),
    })
    .passthrough();

const KEY_COLUMN_TYPES = new Set(['Decimal', 'Integer', 'String', 'DateTime', 'Lookup', 'Picklist']);
const MAX_KEYS = 10;

export function buildKey(body: unknown, info: TableInfo, prefixes: string[]): SimKey {
    const input = parsed('EntityKeyMetadata', keySchema, body);
    const logicalName = checkedLogicalName(input.SchemaName, prefixes);
    const keys = info.table.keys ?? [];
    if (keys.some((k) => k.logicalName === logicalName)) throw nameInUse('key', logicalName);
    if (keys.length >= MAX_KEYS)
        throw invalidDefinition(
            'EntityKeyMetadata',
            `the table ${info.table.logicalName} has ${MAX_KEYS} keys already`,
        );
    for (const name of input.KeyAttributes) {
        const attr = info.attributes.get(name);
        if (!attr)
            throw invalidDefinition(
                'EntityKeyMetadata',
                `KeyAttributes: the table ${info.table.logicalName} has no column '${name}'`,
            );
        if (!KEY_COLUMN_TYPES.has(attr.type))
            throw invalidDefinition(
                'EntityKeyMetadata',
                `KeyAttributes: '${name}' is a ${attr.type} column; a key takes Decimal, Integer, String, DateTime, Lookup and Picklist columns`,
            );
    }
    const key: SimKey = {
        logicalName,
        schemaName: input.SchemaName,
        keyAttributes: [...input.KeyAttributes],
        status: 'Pending',
    };
    return key;
}

interface Job {
    table: string;
    key: SimKey;
    reads: number;
    startedAt: number;
}

export class KeyIndexJobs {
    private readonly jobs: Job[] = [];

    /** `delayMs`: the jobs end that long after they start (environment time) instead of after `readsToBuild` reads. */
    constructor(
        private readonly store: Store,
        private readonly clock: SimClock,
        private readonly readsToBuild: number,
        private readonly delayMs?: number,
    ) {}

    /** A new key's index job starts (with `keyIndexReads` 0 and no delay it ends at once). */
    start(table: string, key: SimKey): void {
        this.jobs.push({ table, key, reads: 0, startedAt: this.clock.now().getTime() });
        if (this.readsToBuild === 0 && this.delayMs === undefined) this.completeAll();
    }

    /** A metadata read happened: every job moves on one step. */
    afterMetadataRead(): void {
        for (const job of [...this.jobs]) {
            job.reads++;
            if (this.delayMs === undefined && job.reads >= this.readsToBuild) this.finish(job);
            else job.key.status = 'InProgress';
        }
    }

    /** Before every request: with a delay, the jobs whose time has come end. */
    tick(): void {
        if (this.delayMs === undefined || this.jobs.length === 0) return;
        const now = this.clock.now().getTime();
        for (const job of [...this.jobs]) if (now - job.startedAt >= this.delayMs) this.finish(job);
    }

    /** Ends every job now (`Simulator.completeKeyIndexes`). */
    completeAll(): void {
        for (const job of [...this.jobs]) this.finish(job);
    }

    private finish(job: Job): void {
        this.jobs.splice(this.jobs.indexOf(job), 1);
        job.key.status = this.store.activateKey(job.table, job.key) ? 'Active' : 'Failed';
    }
}
