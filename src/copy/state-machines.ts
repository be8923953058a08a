/**
 * The state machines of the tables whose rows close: which states make a row read-only, which of those a plain
 * update of statecode reopens, which state a closing message needs first, and which statuses are never written.
 * The platform does not publish these in metadata; they come from the Web API action references (WinQuote and
 * CloseQuote take an Active quote, CloseIncident an active case, FulfillSalesOrder/CancelSalesOrder an open order) and
 * from what live orgs answer (Mark Carrington, "MSDyn365 Internals: Read-Only Sales Entities", 2023: only a Draft
 * quote is editable, a won quote is edited by going back to Draft, then Active, then WinQuote; a resolved case "Close
 * and reopen the case record", KingswaySoft). PPDS keeps one handler per such table for the same reason.
 *
 * A re-run that must change a closed row reopens it (update of statecode to the open state), writes it, and closes it
 * again through the state phase. Orders are not reopened (a canceled or fulfilled order stays closed): such a row is
 * reported once per run as closed in the target and left alone, never failed on every refresh.
 */

export interface State {
    state: number;
    status: number;
}

type ReadOnly = 'reopen' | 'final';

interface StateMachine {
    /** statecode -> how a row in that state takes changes: reopened first, or not at all. */
    readOnly: Record<number, ReadOnly>;
    /** Closing statecode -> the state its message needs the row in (a quote is won or closed once active). */
    before?: Record<number, State>;
    /** Status values never written, with why (e-mails in a sending status would be sent by the target). */
    neverWritten?: Record<number, string>;
}

const ACTIVE_QUOTE: State = { state: 1, status: 2 };
/** Completed (1) and Canceled (2) activities: read-only until reopened. */
const CLOSED_ACTIVITY: Record<number, ReadOnly> = { 1: 'reopen', 2: 'reopen' };
const SENDING = 'e-mails are never set to a sending status in the target, whose server-side sync would send them';

const MACHINES: Record<string, StateMachine> = {
    opportunity: { readOnly: { 1: 'reopen', 2: 'reopen' } },
    quote: { readOnly: { 1: 'reopen', 2: 'reopen', 3: 'reopen' }, before: { 2: ACTIVE_QUOTE, 3: ACTIVE_QUOTE } },
    incident: { readOnly: { 1: 'reopen', 2: 'reopen' } },
    salesorder: { readOnly: { 2: 'final', 3: 'final', 4: 'final' } },
    // email statuscode 6 Pending Send and 7 Sending (email table reference, statuscode choices). A completed or canceled
    // activity is edited by reopening it (statecode 0), then closed again by the state phase.
    email: {
        readOnly: CLOSED_ACTIVITY,
        neverWritten: { 6: `Pending Send: ${SENDING}`, 7: `Sending: ${SENDING}` },
    },
    appointment: { readOnly: CLOSED_ACTIVITY },
    phonecall: { readOnly: CLOSED_ACTIVITY },
    task: { readOnly: CLOSED_ACTIVITY },
};

/** Code of the report of a row left as it is because the target keeps it closed (a skip with its reason, not a failure). */
export const CLOSED_IN_TARGET = 'ClosedInTarget';
/** Code of the report of a state that is never written (an e-mail's sending status). */
export const STATE_NOT_WRITTEN = 'StateNotWritten';
/** Code of the report of a status the target's allowed transitions (EnforceStateTransitions) never reach. */
export const NO_STATE_TRANSITION = 'NoStateTransition';

/** A target's enforced status transitions: status -> statuses it may move to (absent: any), and each status's state. */
export interface Transitions {
    allowed: Record<number, number[]>;
    stateOf: Record<number, number>;
}

/** How a row of `table` in `state` takes a change of its columns: as it is (undefined), reopened, or not at all. */
export function readOnlyKind(table: string, state: number): ReadOnly | undefined {
    return MACHINES[table]?.readOnly[state];
}

/** Whether a status is never written to `table` (an e-mail's sending status): copy and verify leave it alone. */
export function isNeverWritten(table: string, status: number): boolean {
    return MACHINES[table]?.neverWritten?.[status] !== undefined;
}

export function closedReason(table: string, state: number): string {
    return `the target ${table} is closed (statecode ${state}) and a closed ${table} cannot be reopened, so it is left as it is`;
}

export type StatePath =
    | { steps: State[] }
    /** Left as it is, with the reason and the report's code. */
    | { leave: string; code: string };

const same = (a: State | undefined, b: State | undefined) =>
    a !== undefined && b !== undefined && a.state === b.state && a.status === b.status;

/**
 * The states a row goes through from `from` (its target state now) to `to` (the source's): a reopen when it leaves a
 * state only a message reaches, the state the closing message needs, then `to`. `messageOnly` tells which states a
 * message reaches (state-messages.ts); `open` is the state a create leaves, the one a reopen goes back to.
 */
export function statePath(
    table: string,
    from: State | undefined,
    to: State,
    open: State | undefined,
    messageOnly: (state: number) => boolean,
    transitions?: Transitions,
): StatePath {
    const machine = MACHINES[table];
    const refused = machine?.neverWritten?.[to.status];
    if (refused !== undefined) return { leave: refused, code: STATE_NOT_WRITTEN };
    if (same(from, to)) return { steps: [] };
    let current = from;
    const steps: State[] = [];
    if (current && machine?.readOnly[current.state] === 'final')
        return { leave: closedReason(table, current.state), code: CLOSED_IN_TARGET };
    if (current && open && messageOnly(current.state) && !same(current, open)) {
        steps.push(open);
        current = open;
    }
    const before = machine?.before?.[to.state];
    if (before && current?.state !== before.state && !same(current, to)) {
        steps.push(before);
        current = before;
    }
    if (!same(current, to)) steps.push(to);
    return transitions && from ? throughAllowed(table, from, steps, transitions) : { steps };
}

/**
 * The steps with the moves between them the target allows (EnforceStateTransitions): each step reached through the
 * shortest chain of allowed statuses ("Define custom state model transitions"); a step no chain reaches leaves the row
 * as it is, reported.
 */
function throughAllowed(table: string, from: State, steps: readonly State[], t: Transitions): StatePath {
    const out: State[] = [];
    let status = from.status;
    for (const step of steps) {
        const chain = allowedChain(status, step.status, t);
        if (!chain) {
            return {
                leave: `the target ${table} does not allow status ${status} to become ${step.status}, directly or through other statuses (EnforceStateTransitions)`,
                code: NO_STATE_TRANSITION,
            };
        }
        out.push(...chain.slice(0, -1).map((s) => ({ state: t.stateOf[s] ?? step.state, status: s })), step);
        status = step.status;
    }
    return { steps: out };
}

/** The statuses after `from` up to `to` through allowed moves (breadth first), or undefined. */
function allowedChain(from: number, to: number, t: Transitions): number[] | undefined {
    const previous = new Map<number, number>([[from, from]]);
    const queue = [from];
    while (queue.length > 0) {
        const status = queue.shift()!;
        for (const next of t.allowed[status] ?? [to]) {
            if (previous.has(next)) continue;
            previous.set(next, status);
            if (next === to) {
                const chain = [to];
                for (let s = status; s !== from; s = previous.get(s)!) chain.unshift(s);
                return chain;
            }
            queue.push(next);
        }
    }
    return from === to ? [] : undefined;
}
