/**
 * Where a host's journals live and who may write them. A placement maps an instance id to its journal folder
 * (one fixed folder, or one folder per run); a folder is locked (folder-lock.ts) while this host has a journal
 * open in it, so two hosts never append to the same journals and a finished run's folder is free again.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { Execution } from './execution.js';
import { lockFolder } from './folder-lock.js';
import {
    FileJournal,
    instanceIdOfFileName,
    journalPath,
    memoryJournal,
    readJournal,
    type Journal,
    type JournalRecord,
    type JournalStats,
} from './journal.js';

/** Where journals go: the folder of an instance's journal, and every folder `list` reads. */
export interface JournalPlacement {
    folderOf(instanceId: string): string;
    folders(): Promise<string[]>;
}

/** All journals in one folder. */
export function singleFolder(folder: string): JournalPlacement {
    return { folderOf: () => folder, folders: () => Promise.resolve([folder]) };
}

/** An instance read from its journal: its execution, and where a writer continuing the journal cuts it. */
export interface Loaded {
    exec: Execution;
    validBytes: number;
}

interface Held {
    users: number;
    /** Resolves with the unlock function once the folder exists and is locked. */
    ready: Promise<() => Promise<void>>;
}

export class JournalStore {
    private readonly held = new Map<string, Held>();
    /** Unlocks in progress: a folder is locked again only after its unlock is done. */
    private readonly unlocking = new Map<string, Promise<void>>();

    constructor(
        private readonly placement: JournalPlacement | undefined,
        private readonly stats: JournalStats,
    ) {}

    /** False for an in-memory host: nothing is written, nothing can be resumed. */
    get persistent(): boolean {
        return this.placement !== undefined;
    }

    /** Where an instance's journal is, for messages. */
    folderOf(instanceId: string): string {
        return this.placement?.folderOf(instanceId) ?? 'memory';
    }

    /** Reads an instance's journal into its execution; undefined without a journal. */
    async load(instanceId: string): Promise<Loaded | undefined> {
        if (!this.placement) return undefined;
        const path = journalPath(this.placement.folderOf(instanceId), instanceId);
        const contents = await readJournal(path);
        if (!contents || contents.records.length === 0) return undefined;
        return { exec: Execution.fromRecords(contents.records, path), validBytes: contents.validBytes };
    }

    /**
     * A journal to write: a fresh one (replacing a finished journal of the same id), or the continuation of a
     * loaded one. Its folder stays locked until the journal is closed.
     */
    async open(instanceId: string, continuing?: Loaded): Promise<Journal> {
        if (!this.placement) return memoryJournal;
        const folder = this.placement.folderOf(instanceId);
        await this.acquire(folder);
        try {
            const path = journalPath(folder, instanceId);
            const options = continuing
                ? { fresh: false as const, validBytes: continuing.validBytes }
                : { fresh: true as const };
            const journal = await FileJournal.open(path, this.stats, options);
            let released = false;
            return {
                append: (record) => journal.append(record),
                close: async () => {
                    try {
                        await journal.close();
                    } finally {
                        if (!released) {
                            released = true;
                            await this.release(folder);
                        }
                    }
                },
            };
        } catch (error) {
            await this.release(folder);
            throw error;
        }
    }

    /** Appends one record to the journal of an instance that is not loaded (a termination from outside). */
    async append(instanceId: string, loaded: Loaded, record: JournalRecord): Promise<void> {
        const journal = await this.open(instanceId, loaded);
        try {
            await journal.append(record);
        } finally {
            await journal.close();
        }
    }

    /** Ids of every instance with a journal in the placement's folders. */
    async instanceIds(): Promise<string[]> {
        if (!this.placement) return [];
        const ids: string[] = [];
        for (const folder of await this.placement.folders()) {
            for (const file of await readdir(folder).catch(() => [] as string[])) {
                const id = instanceIdOfFileName(file);
                if (id !== undefined) ids.push(id);
            }
        }
        return ids;
    }

    /** Releases every folder still locked (the host closes its journals first; this is the safety net). */
    async close(): Promise<void> {
        for (const held of this.held.values()) held.users = 1;
        await Promise.allSettled([...this.held.keys()].map((folder) => this.release(folder)));
        await Promise.allSettled([...this.unlocking.values()]);
    }

    private async acquire(folder: string): Promise<void> {
        let held = this.held.get(folder);
        if (held) {
            held.users += 1;
        } else {
            const previous = this.unlocking.get(folder);
            held = {
                users: 1,
                ready: (async () => {
                    await previous;
                    await mkdir(folder, { recursive: true });
                    return lockFolder(folder);
                })(),
            };
            this.held.set(folder, held);
        }
        try {
            await held.ready;
        } catch (error) {
            // A failed lock is tried again by the next call (the other host may have stopped meanwhile).
            held.users -= 1;
            if (this.held.get(folder) === held) this.held.delete(folder);
            throw error;
        }
    }

    private async release(folder: string): Promise<void> {
        const held = this.held.get(folder);
        if (!held || --held.users > 0) return;
        this.held.delete(folder);
        const unlocking = held.ready.then(
            (unlock) => unlock(),
            () => undefined,
        );
        this.unlocking.set(folder, unlocking);
        await unlocking;
        if (this.unlocking.get(folder) === unlocking) this.unlocking.delete(folder);
    }
}
