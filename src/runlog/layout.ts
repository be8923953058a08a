/**
 * Every path of the run store, in one place (README "The run store"): the summary, the events log, the
 * failed rows per table, incremental-refresh state per environment pair, run leases per target table, the documents
 * a run passes between its activities by reference (spec, plan, reference matches, page lists, per-page work lists),
 * and the receipts of completed activities.
 */

/**
 * Table and spec names are logical names or spec names; a run id is ours. Refuse anything that could escape.
 * Exported so the spec store and the run index check names by the same rule.
 */
export function segment(value: string, what: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value) || value.includes('..'))
        throw new TypeError(`${what} '${value}' cannot be used in a run store path`);
    return value;
}

export const runPaths = (runId: string) => {
    const root = `runs/${segment(runId, 'run id')}`;
    return {
        root: `${root}/`,
        summary: `${root}/summary.json`,
        events: `${root}/events.jsonl`,
        /** Failed rows of one table (CSV). */
        errors: (table: string) => `${root}/errors/${segment(table, 'table')}.csv`,
        errorsFolder: `${root}/errors/`,
        spec: `${root}/spec.json`,
        plan: `${root}/plan.json`,
        references: `${root}/references.json`,
        /** Key ranges of one table (or intersect table) for one phase's key walk. */
        pages: (table: string, kind: string = 'copy') =>
            `${root}/pages/${segment(table, 'table')}.${segment(kind, 'page kind')}.json`,
        /** What a table's listing found (its pages and rows), whole or one chunk of it: small, read for progress. */
        listing: (table: string, chunk?: number) =>
            `${root}/pages/${segment(table, 'table')}.${chunk === undefined ? 'listing' : `listing-${chunk}`}.json`,
        pagesFolder: `${root}/pages/`,
        /** A page's follow-up work (deferred lookups, state changes, deletes). */
        work: (kind: string, table: string, page: number) =>
            `${root}/work/${segment(kind, 'work kind')}/${segment(table, 'table')}/${page}.json`,
        /** The source ids a subset run takes of one table, and its scope before the run (run/subset-store.ts). */
        subset: (table: string) => `${root}/subset/${segment(table, 'table')}.json`,
        /** Incremental state taken during this run, committed to `statePath` by the finish step. */
        pendingState: (table: string) => `${root}/state/${segment(table, 'table')}.json`,
        /** Present in a run that retries the failed rows of another run: `{ retryOf }`. */
        retry: `${root}/retry.json`,
        /** Present when a cancel was requested: activities stop at the next page boundary. */
        cancel: `${root}/cancel.json`,
        /** What a completed activity returned, by activity and a hash of its input (src/run/receipts.ts). */
        receipt: (activity: string, key: string) =>
            `${root}/receipts/${segment(activity, 'activity')}/${segment(key, 'receipt key')}.json`,
        /** The local host's journal of orchestration histories (filesystem store only). */
        history: `${root}/history/`,
    };
};

export type RunPaths = ReturnType<typeof runPaths>;

/**
 * An environment as one path segment: its host, and its port when it has one (`contoso.crm4.dynamics.com`,
 * `127.0.0.1-5555`). The scheme is left out: an environment answers on one of them.
 */
export function environmentSegment(url: string): string {
    const { hostname, port } = new URL(url);
    const host = hostname
        .toLowerCase()
        .replace(/[^a-z0-9.-]+/g, '-')
        .replace(/^[^a-z0-9]+/, '');
    return segment(`${host === '' ? 'host' : host}${port === '' ? '' : `-${port}`}`, 'environment');
}

/**
 * Incremental-refresh state of one table copied from one environment into another (delta token or watermark). Keyed
 * by both environments, not by the spec: a spec pointed at another target finds no state and copies in full.
 */
export function statePath(source: string, target: string, table: string): string {
    return `state/${environmentSegment(source)}/${environmentSegment(target)}/${segment(table, 'table')}.json`;
}

/**
 * Every source id subset runs of one table took from one environment into another (run/subset-store.ts): the only
 * target rows a subset's deletes may remove. Keyed like the incremental state.
 */
export function subsetScopePath(source: string, target: string, table: string): string {
    return `subsets/${environmentSegment(source)}/${environmentSegment(target)}/${segment(table, 'table')}.json`;
}

/**
 * Where versions before state was keyed by environment kept it (by spec name only). Never read as a state: a spec
 * may have been pointed at another target since. Only looked at to say why the first run after the move is full.
 */
export function legacyStatePath(spec: string, table: string): string {
    return `state/${segment(spec, 'spec name')}/${segment(table, 'table')}.json`;
}

/** The lease on one table of one target environment: the run that writes it now (src/run/run-lease.ts). */
export function leasePath(target: string, table: string): string {
    return `leases/${environmentSegment(target)}/${segment(table, 'table')}.json`;
}

/**
 * Columns of one target table that the target's own logic rewrites, one document per column (src/run/platform-owned.ts):
 * a property of the target environment, whichever source or spec wrote there.
 */
export function platformOwnedFolder(target: string, table?: string): string {
    const root = `platform-owned/${environmentSegment(target)}/`;
    return table === undefined ? root : `${root}${segment(table, 'table')}/`;
}

export function platformOwnedPath(target: string, table: string, column: string): string {
    return `${platformOwnedFolder(target, table)}${segment(column, 'column')}.json`;
}
