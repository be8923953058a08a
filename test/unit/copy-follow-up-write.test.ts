/**
 * One follow-up write per row (src/copy/follow-up-write.ts): a plain state rides in the deferred patch; states a message
 * reaches, states that close a row read-only, reopens and enforced transitions keep the state phase. A patch settled
 * again (deferred-patch.ts) sends the state pair together.
 */
import { describe, expect, it } from 'vitest';
import { remainingPatch } from '../../src/copy/deferred-patch.js';
import { stateRidesPatch, withState } from '../../src/copy/follow-up-write.js';
import { buildPlan } from '../../src/plan/build.js';
import type { TablePlan } from '../../src/plan/types.js';
import { crmTables, environment, spec, table } from './plan-fixture.js';

const metadata = [...crmTables(), table('task'), table('salesorder')];
const plan = buildPlan(
    spec({
        tables: [
            { name: 'account' },
            { name: 'contact' },
            { name: 'opportunity' },
            { name: 'task' },
            { name: 'salesorder' },
        ],
    }),
    environment('s', metadata),
    environment('t', metadata),
);
const account = plan.tables.account!;
const open = { state: 0, status: 1 };
const as = (t: TablePlan, name: string): TablePlan => ({ ...t, target: { ...t.target, logicalName: name } });

describe('stateRidesPatch', () => {
    it('takes a plain state change from the state a create leaves', () => {
        expect(account.state).toBeDefined();
        expect(stateRidesPatch(account, { state: 1, status: 2, from: open })).toBe(true);
        expect(stateRidesPatch(account, { state: 1, status: 2 })).toBe(true);
    });

    it('leaves to the state phase what a message reaches, what closes a row read-only, and a reopen', () => {
        const opportunity = plan.tables.opportunity!;
        expect(stateRidesPatch(opportunity, { state: 1, status: 3, from: open })).toBe(false);
        const task = plan.tables.task!;
        expect(stateRidesPatch(task, { state: 1, status: 5, from: open })).toBe(false);
        // A won opportunity going back to open is a reopen, after the copy phase's own reopen: the state phase's.
        expect(stateRidesPatch(opportunity, { state: 0, status: 1, from: { state: 1, status: 3 } })).toBe(false);
        expect(stateRidesPatch(as(account, 'salesorder'), { state: 2, status: 4, from: open })).toBe(false);
    });

    it('leaves a target that enforces status transitions to the state phase (its path depends on the status now)', () => {
        const enforced: TablePlan = {
            ...account,
            state: { ...account.state!, transitions: { allowed: { 1: [2] }, stateOf: { 1: 0, 2: 1 } } },
        };
        expect(stateRidesPatch(enforced, { state: 1, status: 2, from: open })).toBe(false);
    });

    it('is false for a table without state', () => {
        const { state: _state, ...stateless } = account;
        expect(stateRidesPatch(stateless, { state: 1, status: 2 })).toBe(false);
    });
});

describe('a patch that carries the state', () => {
    const ID = 'a1000000-0000-4000-8000-000000000001';
    const row = withState(account, { accountid: ID, description: 'x' }, { state: 1, status: 2 });

    it('sets both columns of the pair', () => {
        expect(row).toEqual({ accountid: ID, description: 'x', statecode: 1, statuscode: 2 });
    });

    it('sends the whole pair when only the status differs, nothing when the row holds it all', () => {
        const address = { kind: 'id' as const, id: ID };
        const target = (extra: Record<string, unknown>) =>
            new Map([[ID, { accountid: ID, description: 'x', ...extra }]]);
        expect(remainingPatch(account, { address, row }, target({ statecode: 1, statuscode: 2 }))).toBe(undefined);
        expect(remainingPatch(account, { address, row }, target({ statecode: 1, statuscode: 99 }))).toEqual({
            accountid: ID,
            statecode: 1,
            statuscode: 2,
        });
        expect(remainingPatch(account, { address, row }, target({ statecode: 0, statuscode: 1 }))).toEqual({
            accountid: ID,
            statecode: 1,
            statuscode: 2,
        });
    });
});
