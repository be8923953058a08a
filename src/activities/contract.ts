/**
 * The input of every activity, one zod schema per activity name: the one place an activity's input is
 * written down. The types the activities and the orchestrators use are inferred from these schemas,
 * and every input is checked when it arrives: an activity trusts nothing that crossed the host boundary
 * (queues, a hand-edited journal, an older orchestrator version).
 */
import { z } from 'zod';
import { finishedRunSchema } from '../run/summary.js';
import { TABLE_MODES } from '../run/sync-state.js';
import { PAGE_KINDS } from '../run/work.js';

const runId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'expected a run id' });
const name = z.string().min(1);
const page = z.number().int().min(0);
const guid = z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: 'expected a GUID' });
const phasePage = z.object({ runId, table: name, page, kind: z.enum(PAGE_KINDS) });

export const activityInputs = {
    planRun: z.object({
        runId,
        /** The spec as the user wrote it (validated again by the activity: it trusts no input). */
        spec: z.unknown(),
        trigger: z.string(),
        /** Who asked for the run (the API's caller). */
        requestedBy: z.string().max(500).optional(),
        startedAt: z.string(),
        /** Retry only the rows this earlier run failed. */
        retryOf: runId.optional(),
    }),
    /** The schema phase: creates what the plan's `schema` lists, then plans the run again (create-schema.ts). */
    createSchema: z.object({ runId }),
    listPages: z.object({
        runId,
        table: name,
        mode: z.enum(TABLE_MODES),
        /**
         * Absent: the whole listing at once. A number: one part of a key walk (chunk 0 first, each chunk
         * twice the keys of the one before), so the table's first pages can be copied while the rest of
         * its keys are walked.
         */
        chunk: page.optional(),
        /** Chunks after the first: the key the previous chunk ended on, and the number of its first page. */
        after: guid.nullable().optional(),
        firstPage: page.optional(),
    }),
    /** One page; `chunk` names the listing chunk holding it, when the table was listed in chunks. */
    copyPage: phasePage.extend({ chunk: page.optional() }),
    patchDeferredPage: phasePage,
    setStatePage: phasePage,
    copyContentPage: phasePage,
    listRelationshipPages: z.object({ runId, relationship: name }),
    associatePage: z.object({ runId, relationship: name, page }),
    listDeletePages: z.object({ runId, table: name }),
    /** `range`: compare key ranges of both sides; `delta`: the ids change tracking reported deleted. */
    findDeletes: z.object({ runId, table: name, page, source: z.enum(['range', 'delta']) }),
    deletePage: z.object({ runId, table: name, page }),
    /** deleteMissing on a relationship: the target pairs whose source pair is gone (stored), and how many. */
    findDisassociations: z.object({ runId, relationship: name }),
    /** Disassociates what findDisassociations stored, once the safety share allowed it. */
    disassociatePairs: z.object({ runId, relationship: name }),
    logEvent: z.object({
        runId,
        event: z
            .object({
                type: z.enum(['phase', 'cancelled', 'stopped', 'warning']),
                phase: z.string().optional(),
                table: z.string().optional(),
                message: z.string().optional(),
            })
            .catchall(z.unknown()),
    }),
    /** The summary the orchestrator added up; the activity adds where the logs are and writes it. */
    finishRun: finishedRunSchema,
} as const;

export type ActivityName = keyof typeof activityInputs;
export const ACTIVITY_NAMES = Object.keys(activityInputs) as ActivityName[];

/** An activity's input as the orchestrator builds it and the activity receives it (after parsing). */
export type ActivityInput<N extends ActivityName> = z.output<(typeof activityInputs)[N]>;

export type PlanRunInput = ActivityInput<'planRun'>;
export type CreateSchemaInput = ActivityInput<'createSchema'>;
export type ListPagesInput = ActivityInput<'listPages'>;
export type CopyPageInput = ActivityInput<'copyPage'>;
export type PhasePageInput = ActivityInput<'patchDeferredPage'>;
export type ListRelationshipInput = ActivityInput<'listRelationshipPages'>;
export type AssociatePageInput = ActivityInput<'associatePage'>;
export type ListDeletesInput = ActivityInput<'listDeletePages'>;
export type FindDeletesInput = ActivityInput<'findDeletes'>;
export type DeleteSource = FindDeletesInput['source'];
export type DeletePageInput = ActivityInput<'deletePage'>;
export type FindDisassociationsInput = ActivityInput<'findDisassociations'>;
export type DisassociatePairsInput = ActivityInput<'disassociatePairs'>;
export type LogEventInput = ActivityInput<'logEvent'>;
export type FinishRunInput = ActivityInput<'finishRun'>;

/** What every activity gets from its host besides its input. */
export interface ActivityOptions {
    /** Aborted when the host stops (a second Ctrl-C): reads and writes give up at once, resume continues. */
    signal?: AbortSignal;
}
