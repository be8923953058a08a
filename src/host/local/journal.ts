/**
 * The journal of one orchestration instance: an append-only JSONL file of facts (execution started, a
 * completion received, an episode played, terminated) from which execution.ts rebuilds the history. A record
 * counts once its newline is on disk; appends are group-committed (one write and one fsync per batch), so a
 * crash loses at most the records of the batch in flight and leaves at most a torn last line, which the
 * reader ignores and the next writer cuts off.
 */
import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { errorMessage } from './json.js';

export const JOURNAL_VERSION = 1;

const taskId = z.number().int().nonnegative();
const instant = z.iso.datetime();
const name = z.string().min(1);
const jsonText = z.string();

/** A retry policy of callActivityWithRetry / callSubOrchestratorWithRetry (the names of Durable's RetryOptions). */
const retryPolicy = z.object({
    firstRetryIntervalInMilliseconds: z.number().positive(),
    maxNumberOfAttempts: z.number(),
    backoffCoefficient: z.number().positive().optional(),
    maxRetryIntervalInMilliseconds: z.number().positive().optional(),
});
export type RetryPolicy = z.infer<typeof retryPolicy>;

/** A task id the SDK assigned and what it stands for. Retry timers and attempts belong to task `of`. */
export const taskRecordSchema = z.discriminatedUnion('kind', [
    z.object({
        id: taskId,
        kind: z.literal('activity'),
        name,
        input: jsonText.optional(),
        retry: retryPolicy.optional(),
    }),
    z.object({
        id: taskId,
        kind: z.literal('sub'),
        name,
        instanceId: name,
        input: jsonText.optional(),
        retry: retryPolicy.optional(),
    }),
    z.object({ id: taskId, kind: z.literal('timer'), fireAt: instant }),
    z.object({ id: taskId, kind: z.literal('retryTimer'), of: taskId, fireAt: instant }),
    z.object({ id: taskId, kind: z.literal('retryAttempt'), of: taskId }),
]);
export type TaskRecord = z.infer<typeof taskRecordSchema>;

/** Something that wakes the orchestrator up; it becomes one history event when an episode plays it. */
export const messageSchema = z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('taskCompleted'), taskId, result: jsonText }),
    z.object({ kind: z.literal('taskFailed'), taskId, reason: z.string(), details: z.string() }),
    z.object({ kind: z.literal('timerFired'), taskId, fireAt: instant }),
    z.object({ kind: z.literal('subCompleted'), taskId, result: jsonText }),
    z.object({ kind: z.literal('subFailed'), taskId, reason: z.string(), details: z.string() }),
]);
export type Message = z.infer<typeof messageSchema>;

export const outcomeSchema = z.discriminatedUnion('status', [
    z.object({ status: z.literal('Completed'), output: jsonText.optional() }),
    z.object({ status: z.literal('Failed'), error: z.string(), details: z.string().optional() }),
]);
export type Outcome = z.infer<typeof outcomeSchema>;

/** Always 0 now that the host runs one execution per instance (no continueAsNew); kept so journals keep their shape. */
const execution = z.number().int().nonnegative();

export const startRecordSchema = z.object({
    k: z.literal('start'),
    v: z.literal(JOURNAL_VERSION),
    execution,
    name,
    instanceId: name,
    input: jsonText.optional(),
    at: instant,
    /** Set for a sub-orchestration: where its outcome goes. */
    parent: z.object({ instanceId: name, execution, taskId }).optional(),
});
export type StartRecord = z.infer<typeof startRecordSchema>;

/** Message 0 of every execution is its ExecutionStarted; received messages count from 1. */
export const messageRecordSchema = z.object({
    k: z.literal('msg'),
    execution,
    n: z.number().int().positive(),
    at: instant,
    m: messageSchema,
});
export type MessageRecord = z.infer<typeof messageRecordSchema>;

export const episodeRecordSchema = z.object({
    k: z.literal('episode'),
    execution,
    at: instant,
    /** Numbers of the messages played, in the order they went into the history. */
    consumed: z.array(z.number().int().nonnegative()).min(1),
    /** Task ids assigned in this episode, in id order. */
    scheduled: z.array(taskRecordSchema),
    /** JSON text, when it changed in this episode. */
    customStatus: jsonText.optional(),
    /** Timers the orchestrator cancelled; they never fire. */
    canceledTimers: z.array(taskId).optional(),
    outcome: outcomeSchema.optional(),
});
export type EpisodeRecord = z.infer<typeof episodeRecordSchema>;

export const terminatedRecordSchema = z.object({
    k: z.literal('terminated'),
    execution,
    at: instant,
    reason: z.string(),
});
export type TerminatedRecord = z.infer<typeof terminatedRecordSchema>;

export const journalRecordSchema = z.discriminatedUnion('k', [
    startRecordSchema,
    messageRecordSchema,
    episodeRecordSchema,
    terminatedRecordSchema,
]);
export type JournalRecord = z.infer<typeof journalRecordSchema>;

/** A journal that cannot be read or written; the message names the file (and line). */
export class JournalError extends Error {
    override readonly name = 'JournalError';
}

/** File name of an instance's journal: the id percent-encoded, so any id is one safe file name. */
export function journalFileName(instanceId: string): string {
    const encoded = encodeURIComponent(instanceId).replace(
        /[!'()*~.]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
    return `${encoded}.jsonl`;
}

export function instanceIdOfFileName(fileName: string): string | undefined {
    if (!fileName.endsWith('.jsonl')) return undefined;
    try {
        return decodeURIComponent(fileName.slice(0, -'.jsonl'.length));
    } catch {
        return undefined;
    }
}

export interface JournalContents {
    records: JournalRecord[];
    /** Bytes up to the end of the last whole line; a writer continuing this journal cuts the file there. */
    validBytes: number;
    /** True when a torn last line was ignored. */
    torn: boolean;
}

/** Reads a journal; undefined when the file does not exist. A bad line other than a torn last one is an error. */
export async function readJournal(path: string): Promise<JournalContents | undefined> {
    let bytes: Buffer;
    try {
        bytes = await readFile(path);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new JournalError(`cannot read journal ${path}: ${errorMessage(error)}`);
    }
    const end = bytes.lastIndexOf(0x0a) + 1;
    const lines =
        end === 0
            ? []
            : bytes
                  .subarray(0, end - 1)
                  .toString('utf8')
                  .split('\n');
    const records = lines.map((line, i) => parseLine(line, `${path}:${i + 1}`));
    return { records, validBytes: end, torn: end < bytes.length };
}

function parseLine(line: string, where: string): JournalRecord {
    let json: unknown;
    try {
        json = JSON.parse(line);
    } catch (error) {
        throw new JournalError(`${where}: not a JSON record (${errorMessage(error)})`);
    }
    const parsed = journalRecordSchema.safeParse(json);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const at = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
        throw new JournalError(`${where}: not a journal record${at}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
}

/** Counters of all journals of a host, for `stats()`. */
export interface JournalStats {
    journalRecords: number;
    journalBytes: number;
    journalSyncs: number;
    journalMs: number;
}

export interface Journal {
    /** Resolves once the record is on disk (immediately for the in-memory journal). */
    append(record: JournalRecord): Promise<void>;
    /** Writes what is queued, then closes. */
    close(): Promise<void>;
}

/** For hosts without a journal folder: nothing survives the process. */
export const memoryJournal: Journal = {
    append: () => Promise.resolve(),
    close: () => Promise.resolve(),
};

interface Pending {
    line: string;
    resolve: () => void;
    reject: (error: Error) => void;
}

export class FileJournal implements Journal {
    private readonly queue: Pending[] = [];
    private flushing: Promise<void> | undefined;
    private failure: JournalError | undefined;
    private closed = false;

    private constructor(
        private readonly path: string,
        private readonly handle: FileHandle,
        private readonly stats: JournalStats,
    ) {}

    /**
     * Opens `path` for appending. `fresh` starts an empty journal (replacing a finished one); otherwise the file
     * is cut to `validBytes` first, dropping a torn last line.
     */
    static async open(
        path: string,
        stats: JournalStats,
        options: { fresh: true } | { fresh: false; validBytes: number },
    ): Promise<FileJournal> {
        try {
            if (options.fresh) {
                const created = await open(path, 'w');
                await created.close();
                await syncFolder(dirname(path));
            } else {
                await truncate(path, options.validBytes);
            }
            return new FileJournal(path, await open(path, 'a'), stats);
        } catch (error) {
            throw new JournalError(`cannot open journal ${path}: ${errorMessage(error)}`);
        }
    }

    append(record: JournalRecord): Promise<void> {
        if (this.failure) return Promise.reject(this.failure);
        if (this.closed) return Promise.reject(new JournalError(`journal ${this.path} is closed`));
        return new Promise((resolve, reject) => {
            this.queue.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
            this.flushing ??= this.flush();
        });
    }

    private async flush(): Promise<void> {
        while (this.queue.length > 0 && !this.failure) {
            const batch = this.queue.splice(0);
            const text = batch.map((p) => p.line).join('');
            const started = performance.now();
            try {
                await this.handle.appendFile(text, 'utf8');
                await this.handle.datasync();
            } catch (error) {
                this.failure = new JournalError(`cannot write journal ${this.path}: ${errorMessage(error)}`);
                for (const p of [...batch, ...this.queue.splice(0)]) p.reject(this.failure);
                break;
            }
            this.stats.journalMs += performance.now() - started;
            this.stats.journalRecords += batch.length;
            this.stats.journalBytes += Buffer.byteLength(text);
            this.stats.journalSyncs += 1;
            for (const p of batch) p.resolve();
        }
        this.flushing = undefined;
    }

    async close(): Promise<void> {
        this.closed = true;
        while (this.flushing) await this.flushing;
        await this.handle.close();
    }
}

/** Makes a new file's directory entry durable too (best effort: not every platform can fsync a folder). */
async function syncFolder(folder: string): Promise<void> {
    try {
        const handle = await open(folder, 'r');
        try {
            await handle.datasync();
        } finally {
            await handle.close();
        }
    } catch {
        // Windows cannot open a folder; the entry still reaches the disk with the file's own fsync.
    }
}

export function journalPath(folder: string, instanceId: string): string {
    return join(folder, journalFileName(instanceId));
}
