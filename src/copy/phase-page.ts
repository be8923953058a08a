/** What the per-page activities of the later phases (deferred lookups, state, deletes) take and return. */
import type { PageKind } from './copy-page.js';
import type { PhaseCounts } from './outcomes.js';

export interface PhasePageInput {
    runId: string;
    table: string;
    page: number;
    kind: PageKind;
}

export interface PhasePageOutcome {
    table: string;
    page: number;
    counts: PhaseCounts;
    cancelled?: boolean;
    ms: number;
}

/** Chunks of at most `size` items. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
    const chunks: T[][] = [];
    for (let i = 0; i < items.length; i += Math.max(1, size)) chunks.push(items.slice(i, i + Math.max(1, size)));
    return chunks;
}
