/**
 * What every activity of a run needs, loaded once per process and run: the spec and the plan (from
 * the run store, where the plan activity put them), the reference matches, the Dataverse clients of
 * both environments and the store itself. Activities receive only a run id and small descriptors
 * (docs/architecture.md, principle 3); this is where the descriptors become the run's real documents.
 */
import type { LeaseKeeper } from './lease-keeper.js';
import type { DataverseWriteClient } from '../dataverse/client-types.js';
import type { KeyRange } from '../plan/pages.js';
import type { ReferenceMatches } from '../plan/references.js';
import type { Plan, TablePlan } from '../plan/types.js';
import { runPaths, type RunPaths } from '../runlog/layout.js';
import type { RunStore } from '../runlog/types.js';
import { validateSpec, type MigrationSpec } from '../spec/index.js';
import type { EnvironmentClients } from '../environments/index.js';
import { RunDocumentError } from './activity-failure.js';

/** What the hosts give the activities: a store, a way to reach the environments, a clock. */
export interface ActivityDeps {
    store: RunStore;
    /** Builds the clients of a spec's environments; may throw CredentialProblemsError. */
    connect(spec: MigrationSpec): EnvironmentClients;
    /** Wall clock for event timestamps (activities may read it; orchestrators may not). */
    now?: () => Date;
    /** Keeps the runs' target leases while their activities run (default: one over `store`, see lease-keeper.ts). */
    leases?: LeaseKeeper;
    /** Row JSON the process's copy pages hold at once (default: copy/page-budget.ts `DEFAULT_PAGE_BYTES`). */
    pageBytes?: number;
}

/** Reference matches as the run store keeps them: source id -> target id per reference table. */
export interface StoredReferences {
    /**
     * `fallbacks`: the source ids `map` sends to the rule's fallback row (lookups use them; associations never);
     * `unmatched`: natural-key values of source rows with no match (a currency's ISO code), to name them in failures.
     */
    tables: Record<string, { map: Record<string, string>; fallbacks?: string[]; unmatched?: Record<string, string> }>;
    fallbackOwnerId?: string;
    /** Matched target owners the target refuses (target id -> why): their rows take the fallback owner. */
    refusedOwners?: Record<string, string>;
}

/** The reference matches of a plan as the run store keeps them. */
export function storedReferences(matches: ReferenceMatches | undefined): StoredReferences {
    const references: StoredReferences = { tables: {} };
    for (const [table, result] of Object.entries(matches?.tables ?? {}))
        references.tables[table] = {
            map: result.map,
            ...(result.fallbacks.length > 0 ? { fallbacks: result.fallbacks } : {}),
            ...(Object.keys(result.unmatchedKeys).length > 0 ? { unmatched: result.unmatchedKeys } : {}),
        };
    if (matches?.fallbackOwnerId) references.fallbackOwnerId = matches.fallbackOwnerId;
    if (matches?.refusedOwners) references.refusedOwners = matches.refusedOwners;
    return references;
}

/** A page list: key ranges over the server's key order, and the rows counted by the key walk. */
export interface StoredPages {
    ranges: KeyRange[];
    rowCount: number;
    /** Number of the first range, for one chunk of a listing (pages are numbered across chunks). */
    firstPage?: number;
    /**
     * A watermark listing: the condition its rows were listed by (`modifiedon ge ...`). Its ranges cover every key, so
     * a page read keeps to it, or a refresh would read (and compare) the whole table.
     */
    since?: string;
}

export interface RunContext {
    runId: string;
    spec: MigrationSpec;
    plan: Plan;
    references: StoredReferences;
    source: DataverseWriteClient;
    target: DataverseWriteClient;
    store: RunStore;
    paths: RunPaths;
    now: () => Date;
    /** A run that retries the failed rows of this earlier run. */
    retryOf?: string;
    table(name: string): TablePlan;
    /** Page lists are read once per process and kind. */
    pages(table: string, kind?: string): Promise<StoredPages>;
}

/**
 * A run's spec as its store keeps it (the plan activity wrote it), validated again: undefined when the
 * run has none. One reader for resuming a run and for the activities' context.
 */
export async function loadRunSpec(store: RunStore, runId: string): Promise<MigrationSpec | undefined> {
    const raw = await store.readJson<unknown>(runPaths(runId).spec);
    if (raw === undefined) return undefined;
    const validated = validateSpec(raw);
    if (!validated.ok) throw new RunDocumentError(`run ${runId}: the stored spec is not valid any more`);
    return validated.spec;
}

/** Caches run contexts per run id; one instance per worker process (the hosts create it). */
export class RunContexts {
    private readonly contexts = new Map<string, Promise<RunContext>>();
    /** Contexts kept at once: one run at a time is normal, a few in a long-lived Functions worker. */
    private static readonly LIMIT = 8;

    constructor(readonly deps: ActivityDeps) {}

    get(runId: string): Promise<RunContext> {
        let context = this.contexts.get(runId);
        if (!context) {
            context = this.load(runId);
            context.catch(() => this.contexts.delete(runId));
            this.contexts.set(runId, context);
            while (this.contexts.size > RunContexts.LIMIT) {
                const oldest = this.contexts.keys().next().value;
                if (oldest === undefined) break;
                this.contexts.delete(oldest);
            }
        }
        return context;
    }

    /** Forget a run (its documents changed, e.g. the plan was written again on resume). */
    forget(runId: string): void {
        this.contexts.delete(runId);
    }

    private async load(runId: string): Promise<RunContext> {
        const { store } = this.deps;
        const paths = runPaths(runId);
        const [spec, plan, references, retry] = await Promise.all([
            loadRunSpec(store, runId),
            store.readJson<Plan>(paths.plan),
            store.readJson<StoredReferences>(paths.references),
            store.readJson<{ retryOf: string }>(paths.retry),
        ]);
        if (spec === undefined || plan === undefined)
            throw new RunDocumentError(
                `run ${runId}: no spec or plan in the run store at ${store.location} (was it planned?)`,
            );
        const clients = this.deps.connect(spec);
        const pageCache = new Map<string, Promise<StoredPages>>();
        return {
            runId,
            spec,
            plan,
            references: references ?? { tables: {} },
            ...(retry ? { retryOf: retry.retryOf } : {}),
            ...clients,
            store,
            paths,
            now: this.deps.now ?? (() => new Date()),
            table(name) {
                const table = plan.tables[name];
                if (!table) throw new RunDocumentError(`run ${runId}: table '${name}' is not in the plan`);
                return table;
            },
            pages(table, kind = 'copy') {
                const key = `${table}.${kind}`;
                let pages = pageCache.get(key);
                if (!pages) {
                    pages = store.readJson<StoredPages>(paths.pages(table, kind)).then((doc) => {
                        if (!doc) throw new RunDocumentError(`run ${runId}: no ${kind} page list for '${table}'`);
                        return doc;
                    });
                    pages.catch(() => pageCache.delete(key));
                    pageCache.set(key, pages);
                }
                return pages;
            },
        };
    }
}
