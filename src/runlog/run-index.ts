/**
 * The run history index, shared by both stores. Each run has a small marker document whose name starts
 * with its inverted start time (`index/runs/{9999999999999 - ms}~{runId}`), so a plain ascending name
 * listing is newest first and a page costs one listing (plus, on files, `limit` small reads), never a
 * summary read.
 * A second marker under `index/specs/{spec}/` serves the spec filter the same way, and
 * `index/ids/{runId}.json` remembers a run's marker name so an update that changes it removes the old one.
 */
import { z } from 'zod';
import { parseWith, segmentSchema } from './input.js';
import { RUN_STATUSES, type ListRunsOptions, type ListRunsResult, type RunIndexEntry } from './types.js';

export const DEFAULT_RUNS_LIMIT = 50;
export const MAX_RUNS_LIMIT = 1000;
/** The latest start time a marker name can hold (13 digits of ms: the year 2286). */
const LATEST_MS = 9_999_999_999_999;

/** One marker of a listing page: its name in the folder and the entry it holds (undefined when gone meanwhile). */
export interface IndexMarker {
    name: string;
    entry: unknown;
}

/** What a store provides for the index: its own documents, and markers listed a page at a time. */
export interface IndexBackend {
    writeJson(path: string, value: unknown): Promise<void>;
    readJson<T>(path: string): Promise<T | undefined>;
    delete(path: string): Promise<void>;
    /** Writes a marker; a store may keep the entry where its listing returns it (Blob metadata). */
    writeMarker(path: string, entry: RunIndexEntry): Promise<void>;
    /** Markers directly in `folder` (ending in `/`), by name ascending, at most `limit`; `token` continues. */
    listMarkers(folder: string, limit: number, token?: string): Promise<{ markers: IndexMarker[]; token?: string }>;
}

const instant = z.iso.datetime().refine((value) => Date.parse(value) <= LATEST_MS, 'is after the year 2286');

const entrySchema = z
    .object({
        runId: segmentSchema('run id'),
        spec: segmentSchema('spec name'),
        startedAt: instant,
        status: z.enum(RUN_STATUSES),
        finishedAt: instant.optional(),
        trigger: z.string().max(64).optional(),
        failedRows: z.number().int().nonnegative().optional(),
        readRows: z.number().int().nonnegative().optional(),
        writtenRows: z.number().int().nonnegative().optional(),
        requests: z.number().int().nonnegative().optional(),
        durationMs: z.number().int().nonnegative().optional(),
    })
    .strict();

const optionsSchema = z
    .object({
        limit: z.number().int().min(1).max(MAX_RUNS_LIMIT).optional(),
        cursor: z.string().max(2048).optional(),
        spec: segmentSchema('spec name').optional(),
    })
    .strict();

/** A cursor is ours, opaque to callers: the listing it continues (all runs or one spec's) and the token. */
const cursorSchema = z.object({ spec: z.string().optional(), token: z.string() }).strict();

const idsPath = (runId: string) => `index/ids/${runId}.json`;
const allFolder = 'index/runs/';
const specFolder = (spec: string) => `index/specs/${spec}/`;

/** `{inverted start ms}~{runId}`: `~` sorts after every character a run id may hold, so ties order by run id. */
export function markerName(entry: Pick<RunIndexEntry, 'startedAt' | 'runId'>): string {
    return `${String(LATEST_MS - Date.parse(entry.startedAt)).padStart(13, '0')}~${entry.runId}`;
}

interface IdsDocument {
    marker: string;
    spec: string;
}

/** Records or updates a run (last write wins); callers serialise calls per run id. */
export async function indexRun(backend: IndexBackend, input: RunIndexEntry): Promise<void> {
    const entry = parseWith(entrySchema, input, 'indexRun: bad run index entry');
    const marker = markerName(entry);
    const previous = await backend.readJson<IdsDocument>(idsPath(entry.runId));
    // New markers first, then the pointer, then the old markers: a crash leaves a duplicate, never a gap.
    await Promise.all([
        backend.writeMarker(allFolder + marker, entry),
        backend.writeMarker(specFolder(entry.spec) + marker, entry),
    ]);
    await backend.writeJson(idsPath(entry.runId), { marker, spec: entry.spec } satisfies IdsDocument);
    if (previous && (previous.marker !== marker || previous.spec !== entry.spec)) {
        await Promise.all([
            previous.marker !== marker ? backend.delete(allFolder + previous.marker) : undefined,
            backend.delete(specFolder(previous.spec) + previous.marker),
        ]);
    }
}

export async function listRuns(backend: IndexBackend, input: ListRunsOptions = {}): Promise<ListRunsResult> {
    const options = parseWith(optionsSchema, input, 'listRuns: bad options');
    const cursor = options.cursor === undefined ? undefined : decodeCursor(options.cursor, options.spec);
    const folder = options.spec === undefined ? allFolder : specFolder(options.spec);
    const page = await backend.listMarkers(folder, options.limit ?? DEFAULT_RUNS_LIMIT, cursor?.token);
    const seen = new Set<string>();
    const runs: RunIndexEntry[] = [];
    for (const marker of page.markers) {
        // Removed since the listing, or a duplicate left by an interrupted update: skip, never fail the page.
        if (marker.entry === undefined) continue;
        const entry = parseWith(entrySchema, marker.entry, `run index ${folder}${marker.name}`);
        if (seen.has(entry.runId)) continue;
        seen.add(entry.runId);
        runs.push(entry);
    }
    return page.token === undefined ? { runs } : { runs, cursor: encodeCursor(options.spec, page.token) };
}

function encodeCursor(spec: string | undefined, token: string): string {
    return Buffer.from(JSON.stringify(spec === undefined ? { token } : { spec, token })).toString('base64url');
}

function decodeCursor(cursor: string, spec: string | undefined): z.infer<typeof cursorSchema> {
    let document: unknown;
    try {
        document = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
        document = undefined;
    }
    const parsed = cursorSchema.safeParse(document);
    if (!parsed.success) throw new TypeError('listRuns: the cursor is not one this store returned');
    if (parsed.data.spec !== spec)
        throw new TypeError('listRuns: the cursor belongs to a listing with another spec filter');
    return parsed.data;
}
