/**
 * The run store: where a run keeps its documents (README "The run store"). The filesystem store (CLI,
 * `./.dataverse-migrate/`) and the Blob store (Azure, container `migration-runs`) implement the same
 * interface over the same relative paths, so activities never know which host they run in.
 * Paths are relative, `/`-separated, never starting with `/`; layout.ts names every one of them.
 */

import type { LeaseDocuments } from './lease-documents.js';

/** One run in the history index. */
export interface RunIndexEntry {
    runId: string;
    /** Spec name. */
    spec: string;
    /** ISO 8601 UTC. */
    startedAt: string;
    status: RunStatus;
    finishedAt?: string;
    /** How the run was started: `cli`, `http`, `schedule`. */
    trigger?: string;
    /** Rows failed so far (or in the end); lets `runs` show problems without reading every summary. */
    failedRows?: number;
    /** Once finished: the summary's rows read and written, and how long the run took, for the same reason. */
    readRows?: number;
    writtenRows?: number;
    /** Requests sent to both environments (summary `requests`: reads and writes, retries included). */
    requests?: number;
    durationMs?: number;
}

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'cancelled', 'invalid'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface ListRunsOptions {
    /** At most this many runs (default 50). */
    limit?: number;
    /** From `ListRunsResult.cursor` of the previous call. */
    cursor?: string;
    /** Only runs of this spec. */
    spec?: string;
}

export interface ListRunsResult {
    /** Newest first (by startedAt, then runId). */
    runs: RunIndexEntry[];
    /** Present when more runs remain. */
    cursor?: string;
}

export interface RunStore {
    /** Where the documents are, for messages: a folder path or a container URL (never with a key or SAS). */
    readonly location: string;
    /** The same store's documents with compare-and-swap, for run leases (src/run/run-lease.ts). */
    readonly leases: LeaseDocuments;

    /** Writes a JSON document atomically: readers see the old document or the new one, never a part. */
    writeJson(path: string, value: unknown): Promise<void>;
    /** Undefined when the document does not exist. */
    readJson<T>(path: string): Promise<T | undefined>;
    /** Whole text documents (e.g. a CSV to download); undefined when missing. */
    readText(path: string): Promise<string | undefined>;

    /**
     * Appends lines (each without a newline) as one unit: lines of concurrent calls never interleave
     * within a call, and no line is lost. Creates the log on first append.
     */
    appendLines(path: string, lines: readonly string[]): Promise<void>;
    /** Every line appended to `path`, in append order (across rolled-over parts); [] when missing. */
    readLines(path: string): Promise<string[]>;

    /**
     * Appends CSV records. The first append creates the file with a UTF-8 BOM and the header row, so
     * it opens in a spreadsheet; fields are quoted as RFC 4180 requires. Concurrent calls never
     * interleave within a call.
     */
    appendCsv(path: string, header: readonly string[], records: ReadonlyArray<readonly string[]>): Promise<void>;

    /** Relative paths of the documents under `prefix` (a folder, ending in `/`), sorted. */
    list(prefix: string): Promise<string[]>;
    /** Deletes a document; no error when it does not exist. */
    delete(path: string): Promise<void>;

    /** Records or updates a run in the history index (by runId; the last write wins). */
    indexRun(entry: RunIndexEntry): Promise<void>;
    listRuns(options?: ListRunsOptions): Promise<ListRunsResult>;
}
