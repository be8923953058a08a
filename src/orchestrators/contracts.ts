/**
 * Inputs and outputs of the orchestrations: descriptors only (names, page numbers, counts), never
 * rows; the plan and the page lists stay in the run store (docs/architecture.md, principle 3). The activities'
 * own contracts are src/activities/contract.ts, imported here as types only.
 */
import type { DeleteSource } from '../activities/contract.js';
import type { ListPagesOutcome } from '../activities/list-pages.js';
import type { PhaseCounts } from '../run/outcomes.js';
import type { RunSummary } from '../run/summary.js';
import type { TableMode } from '../run/sync-state.js';
import type { PageKind } from '../run/work.js';
import type { OrchestratorNameValue } from './names.js';
import type { PageActivity } from './page-fan-out.js';
import type { PageFold } from './page-fold.js';

export interface RunInput {
    runId: string;
    /** The spec document; the plan activity validates it. */
    spec: unknown;
    /** `cli`, `http`, `schedule`. */
    trigger: string;
    /** Who asked for it, when a caller did (the HTTP API's): `alice@contoso.com (Entra ID)`, `function key`. */
    requestedBy?: string;
    /** Retry only the rows this earlier run failed (`run --retry-failed`). */
    retryOf?: string;
    /** A continued run (`run --resume` of a run that stopped): the failed rows it had reported already. */
    acknowledgedFailedRows?: number;
}

export interface TableCopyInput {
    runId: string;
    table: string;
    mode: TableMode;
    /** The table's page listing, when the run listed it ahead (during the previous tier). */
    listing?: ListPagesOutcome;
    /** Page activities one orchestration history holds at most (page-fan-out.ts); absent: the spec's default. */
    pagesPerOrchestration?: number;
}

export interface TableCopyResult {
    table: string;
    mode: TableMode;
    fallback?: string;
    kind: PageKind;
    pages: number;
    counts: PhaseCounts;
    /** Pages whose rows have deferred lookups or state to set later. */
    deferredPages: number[];
    statePages: number[];
    /** Pages with rows whose binary content the content phase compares (absent in results journaled before it). */
    contentPages?: number[];
    /** Delta runs: lists of ids deleted in the source. */
    deletedPages: number;
    cancelled: boolean;
    ms: number;
}

export type TablePhaseName = 'find-deletes' | 'delete';

export interface TablePhaseInput {
    runId: string;
    table: string;
    phase: TablePhaseName;
    kind: PageKind;
    /** delete: the pages with candidates. find-deletes: computed by the phase itself. */
    pages: number[];
    /** find-deletes: compare key ranges, or take the ids change tracking reported deleted. */
    deleteSource?: DeleteSource;
    /** find-deletes with deleteSource 'delta': how many deleted-id lists the listing wrote. */
    deletedPages?: number;
    /** Page activities one orchestration history holds at most (page-fan-out.ts); absent: the spec's default. */
    pagesPerOrchestration?: number;
}

export interface TablePhaseResult {
    table: string;
    phase: TablePhaseName;
    counts: PhaseCounts;
    cancelled: boolean;
    /** find-deletes: pages holding candidates, their total, and the target rows inside the filter. */
    pagesWithWork?: number[];
    wouldDelete?: number;
    targetRows?: number;
}

export interface TableFollowUpInput {
    runId: string;
    table: string;
    kind: PageKind;
    deferredPages: number[];
    statePages: number[];
    contentPages?: number[];
    /** Page activities one orchestration history holds at most (page-fan-out.ts); absent: the spec's default. */
    pagesPerOrchestration?: number;
}

export interface TableFollowUpResult {
    table: string;
    deferred: PhaseCounts;
    state: PhaseCounts;
    /** The content phase's counts (tables with content columns), bytes included. */
    content?: PhaseCounts;
    cancelled: boolean;
    /**
     * Which of the two phases ran to their end (a cancel in the deferred lookups leaves the states unrun). Absent
     * from results journaled before it existed: those count as unfinished, so the state is read again.
     */
    done?: { deferred: boolean; state: boolean; content?: boolean };
}

export interface RelationshipCopyInput {
    runId: string;
    relationship: string;
    /** Page activities one orchestration history holds at most (page-fan-out.ts); absent: the spec's default. */
    pagesPerOrchestration?: number;
}

/** A batch of pages (PageFanOut): the activity, the input its pages share, the pages, the outcome fields to mark. */
export interface PageBatchInput {
    activity: PageActivity;
    input: Record<string, unknown>;
    pages: number[];
    mark?: string[];
}

export interface RelationshipCopyResult {
    relationship: string;
    counts: PhaseCounts;
    cancelled: boolean;
}

/** What the run orchestrator shows while it runs (kept far below the 16 KB custom status limit). */
export interface RunProgress {
    runId: string;
    phase: 'plan' | 'copy' | 'follow-up' | 'deletes' | 'finish';
    tier?: number;
    tiers?: number;
    tables?: Record<string, { read: number; written: number; failed: number; pages: number }>;
    failedRows?: number;
}

/** Every orchestration's input and result, by name: what call.ts types sub-orchestration calls with. */
export interface OrchestratorContracts {
    migrationRun: { input: RunInput; result: RunSummary };
    tableCopy: { input: TableCopyInput; result: TableCopyResult };
    tablePhase: { input: TablePhaseInput; result: TablePhaseResult };
    tableFollowUp: { input: TableFollowUpInput; result: TableFollowUpResult };
    relationshipCopy: { input: RelationshipCopyInput; result: RelationshipCopyResult };
    pageBatch: { input: PageBatchInput; result: PageFold };
}

/** Compile-time check: one contract per orchestrator name, no more, no less. */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;
export type _ContractsCoverNames = Expect<Exactly<keyof OrchestratorContracts, OrchestratorNameValue>>;
