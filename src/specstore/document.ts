/**
 * The stored form of a spec (one JSON document per spec, so the spec, its schedule and its status share
 * one ETag), the zod schemas for what callers pass and for what is read back, and the merge rules.
 */
import { z } from 'zod';
import { parseWith, segmentSchema } from '../runlog/input.js';
import { segment } from '../runlog/layout.js';
import {
    MAX_LEASE_MS,
    MIN_LEASE_MS,
    SPEC_STATUSES,
    SpecStoreError,
    type SpecPutMeta,
    type SpecStatusPatch,
    type StoredSpec,
} from './types.js';

const runId = segmentSchema('run id');
const instant = z.iso.datetime();
const schedule = z.string().trim().min(1).max(200);
const detail = z.string().max(2000);
const failedRows = z.number().int().nonnegative();

const metaSchema = z
    .object({
        status: z.enum(SPEC_STATUSES),
        schedule: schedule.optional(),
        lastRunId: runId.optional(),
        lastRunAt: instant.optional(),
        failedRows: failedRows.optional(),
        statusDetail: detail.optional(),
    })
    .strict();

const documentSchema = z
    .object({
        name: z.string(),
        spec: z.record(z.string(), z.unknown()),
        meta: metaSchema,
        updatedAt: instant,
    })
    .strict();

const putMetaSchema = z.object({ schedule: schedule.optional() }).strict();

const patchSchema = z
    .object({
        status: z.enum(SPEC_STATUSES).optional(),
        lastRunId: runId.nullable().optional(),
        lastRunAt: instant.nullable().optional(),
        failedRows: failedRows.nullable().optional(),
        statusDetail: detail.nullable().optional(),
    })
    .strict();

export type SpecDocument = z.infer<typeof documentSchema>;

export function checkSpecName(name: string): string {
    return segment(name, 'spec name');
}

export function checkLeaseTtl(ttlMs: number): number {
    if (!Number.isInteger(ttlMs) || ttlMs < MIN_LEASE_MS || ttlMs > MAX_LEASE_MS)
        throw new RangeError(
            `lease: ttlMs must be a whole number from ${MIN_LEASE_MS} to ${MAX_LEASE_MS} (got ${ttlMs})`,
        );
    return ttlMs;
}

/** The document a put writes: the new spec and schedule, the status fields of the document it replaces. */
export function putDocument(
    name: string,
    spec: Record<string, unknown>,
    meta: SpecPutMeta,
    previous: SpecDocument | undefined,
): SpecDocument {
    const { schedule: newSchedule } = parseWith(putMetaSchema, meta, `put ${name}: bad meta`);
    const specObject = parseWith(documentSchema.shape.spec, spec, `put ${name}: the spec must be a JSON object`);
    if ('name' in specObject && specObject.name !== name)
        throw new TypeError(`put ${name}: the spec's name is ${JSON.stringify(specObject.name)}, not '${name}'`);
    const { schedule: _oldSchedule, ...status } = previous?.meta ?? { status: 'never-run' as const };
    return {
        name,
        // A copy through JSON: what is stored is exactly what will be read back.
        spec: JSON.parse(JSON.stringify(specObject)) as Record<string, unknown>,
        meta: newSchedule === undefined ? status : { ...status, schedule: newSchedule },
        updatedAt: new Date().toISOString(),
    };
}

export function patchDocument(document: SpecDocument, patch: SpecStatusPatch): SpecDocument {
    const changes = parseWith(patchSchema, patch, `updateStatus ${document.name}: bad status patch`);
    const meta: Record<string, unknown> = { ...document.meta };
    for (const [key, value] of Object.entries(changes)) {
        if (value === null) delete meta[key];
        else if (value !== undefined) meta[key] = value;
    }
    const merged = parseWith(metaSchema, meta, `updateStatus ${document.name}: bad status patch`);
    return { ...document, meta: merged, updatedAt: new Date().toISOString() };
}

/** A document read back from storage: checked, since a file on disk can be edited or cut short. */
export function parseDocument(value: unknown, name: string, where: string): SpecDocument {
    const document = parseWith(
        documentSchema,
        value,
        `${where} is not a stored spec`,
        (message) => new SpecStoreError('invalid-document', message),
    );
    if (document.name !== name)
        throw new SpecStoreError('invalid-document', `${where} holds spec '${document.name}', not '${name}'`);
    return document;
}

export function storedSpec(document: SpecDocument, etag: string): StoredSpec {
    return { name: document.name, spec: document.spec, meta: document.meta, updatedAt: document.updatedAt, etag };
}

/** The text both stores keep a document as (2-space indented JSON and a line end, readable in an editor). */
export function storedText(document: SpecDocument): string {
    return `${JSON.stringify(document, null, 2)}\n`;
}

/** The JSON of a stored document; a broken file is an `invalid-document` error naming it. */
export function parseStoredText(text: string, where: string): unknown {
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new SpecStoreError('invalid-document', `${where} is not valid JSON: ${(error as Error).message}`);
    }
}
