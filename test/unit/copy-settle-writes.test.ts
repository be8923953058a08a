/**
 * Settling writes whose answer was lost (src/copy/settle-writes.ts): the loop alone, over plain functions, and the
 * re-decision a copy page makes with it (decideRow against what a read finds), on a plan the real planner builds.
 * The target here is a map that the writes apply to; the simulator-backed runs are in test/integration.
 */
import { describe, expect, it } from 'vitest';
import type { Row, WriteResult } from '../../src/dataverse/client-types.js';
import { decideRow, expectedRow, type ExpectedRow, type RowDecision } from '../../src/copy/row-plan.js';
import { MAX_WRITE_ROUNDS, writeSettled, type Recheck } from '../../src/copy/settle-writes.js';
import { buildPlan } from '../../src/plan/build.js';
import { newResolver } from '../helpers/row-logic.js';
import { crmTables, environment, spec } from './plan-fixture.js';

const ok = (index: number): WriteResult => ({ index, ok: true, status: 204 });
const lost = (index: number): WriteResult => ({
    index,
    ok: false,
    ambiguous: true,
    status: 502,
    code: '0x80040216',
    message: 'Bad Gateway',
});

describe('writeSettled: the loop', () => {
    it('passes answers through: written, unchanged, failed, each in its place', async () => {
        const settled = await writeSettled(['a', 'b', 'c'], {
            write: () =>
                Promise.resolve([
                    ok(0),
                    { index: 1, ok: true, status: 404, unchanged: true },
                    { index: 2, ok: false, status: 400, code: '0x80044331', message: 'too long' },
                ]),
            recheck: () => Promise.reject(new Error('nothing was ambiguous: no read')),
        });
        expect(settled).toEqual([
            { item: 'a', outcome: 'written', settledByReading: false },
            { item: 'b', outcome: 'unchanged' },
            { item: 'c', outcome: 'failed', failure: { status: 400, code: '0x80044331', message: 'too long' } },
        ]);
    });

    it('reads instead of sending again: done counts once as written; the rest goes again as the read decided', async () => {
        const writes: string[][] = [];
        const reads: string[][] = [];
        const settled = await writeSettled(['a', 'b', 'c'], {
            write: (items) => {
                writes.push([...items]);
                return Promise.resolve(items.map((item, i) => (writes.length === 1 ? lost(i) : ok(i))));
            },
            recheck: (items) => {
                reads.push([...items]);
                return Promise.resolve(
                    items.map((item): Recheck<string> => {
                        if (item === 'a') return { item: 'a (found)', then: 'done' };
                        if (item === 'b') return { item: 'b (update)', then: 'write' };
                        return {
                            item,
                            then: 'fail',
                            failure: { code: 'UnresolvedLookup', column: 'x', message: 'no' },
                        };
                    }),
                );
            },
        });
        expect(writes).toEqual([['a', 'b', 'c'], ['b (update)']]);
        expect(reads).toEqual([['a', 'b', 'c']]);
        expect(settled).toEqual([
            { item: 'a (found)', outcome: 'written', settledByReading: true },
            { item: 'b (update)', outcome: 'written', settledByReading: false },
            { item: 'c', outcome: 'failed', failure: { code: 'UnresolvedLookup', column: 'x', message: 'no' } },
        ]);
    });

    it('gives up after the last round, and a read after it still counts a write that landed', async () => {
        let writes = 0;
        let reads = 0;
        const settled = await writeSettled(['stays lost', 'lands at last'], {
            write: (items) => {
                writes++;
                return Promise.resolve(items.map((_, i) => lost(i)));
            },
            recheck: (items) => {
                reads++;
                const last = reads === MAX_WRITE_ROUNDS;
                return Promise.resolve(
                    items.map((item) => ({ item, then: last && item === 'lands at last' ? 'done' : 'write' }) as const),
                );
            },
        });
        expect(writes).toBe(MAX_WRITE_ROUNDS);
        expect(reads).toBe(MAX_WRITE_ROUNDS);
        expect(settled[1]).toEqual({ item: 'lands at last', outcome: 'written', settledByReading: true });
        expect(settled[0]).toMatchObject({
            outcome: 'failed',
            failure: { status: 502, code: '0x80040216', message: expect.stringContaining('could not be confirmed') },
        });
        expect((settled[0] as { failure: { message: string } }).failure.message).toContain(
            `the answer to each of ${MAX_WRITE_ROUNDS} writes was lost (last: 502 Bad Gateway)`,
        );
    });
});

describe('re-deciding a copy page whose creates lost their answers', () => {
    const metadata = crmTables();
    const plan = buildPlan(
        spec({ tables: [{ name: 'contact' }] }),
        environment('s', metadata),
        environment('t', metadata),
    );
    const contact = plan.tables.contact!;
    const resolver = newResolver({ plan, references: { tables: {} } });
    const decide = (expected: ExpectedRow, target: Row | undefined) =>
        decideRow(contact, expected, target, resolver, { onUnresolvedLookup: 'clear' });

    const CREATED_ON = '2019-05-06T07:08:09Z';
    const source = (id: string, lastname: string): Row => ({
        contactid: id,
        firstname: 'Ada',
        lastname,
        createdon: CREATED_ON,
        statecode: 0,
        statuscode: 1,
    });
    /** What the service keeps of a create: the columns a read returns (overriddencreatedon is not one). */
    const stored = (payload: Row): Row =>
        Object.fromEntries(
            Object.entries({ ...payload, statecode: 0, statuscode: 1 }).filter(
                ([k]) => k !== 'overriddencreatedon' && !k.endsWith('@odata.bind'),
            ),
        );

    it('creates only rows a read finds absent; a row found present gets only what still differs, never a create-only column', async () => {
        const ids = [
            'c1000000-0000-4000-8000-000000000001',
            'c2000000-0000-4000-8000-000000000002',
            'c3000000-0000-4000-8000-000000000003',
        ];
        const [committed, notCommitted, changedSince] = ids as [string, string, string];
        const rows = ids.map((id) => expectedRow(contact, source(id, 'Lovelace'), resolver));
        const target = new Map<string, Row>();
        const sent: Array<Array<{ action: string; payload: Row }>> = [];
        type Planned = { expected: ExpectedRow; decision: RowDecision };
        const planned: Planned[] = rows.map((expected) => ({ expected, decision: decide(expected, undefined) }));
        expect(planned.map((p) => p.decision.action)).toEqual(['create', 'create', 'create']);
        expect(planned[0]!.decision.payload).toHaveProperty('overriddencreatedon', CREATED_ON);

        const settled = await writeSettled(planned, {
            write: (items) => {
                sent.push(items.map((i) => ({ action: i.decision.action, payload: i.decision.payload! })));
                const first = sent.length === 1;
                return Promise.resolve(
                    items.map((item, i) => {
                        const id = (item.expected.address as { id: string }).id;
                        // The first request: two creates commit, the third never arrives; every answer is lost.
                        if (!first || id !== notCommitted)
                            target.set(id, { ...target.get(id), ...stored(item.decision.payload!) });
                        // Someone changes a committed row before the read.
                        if (first && id === changedSince) target.set(id, { ...target.get(id), lastname: 'Byron' });
                        return first ? lost(i) : ok(i);
                    }),
                );
            },
            recheck: (items) =>
                Promise.resolve(
                    items.map((item): Recheck<Planned> => {
                        const decision = decide(
                            item.expected,
                            target.get((item.expected.address as { id: string }).id),
                        );
                        const next = { ...item, decision };
                        return decision.action === 'none'
                            ? { item: next, then: 'done' }
                            : { item: next, then: 'write' };
                    }),
                ),
        });

        expect(settled.map((s) => s.outcome)).toEqual(['written', 'written', 'written']);
        expect(settled[0]).toMatchObject({ settledByReading: true, item: { decision: { action: 'none' } } });
        // The second round: the absent row created again, with its create-only column; the changed row updated.
        expect(sent[1]).toEqual([
            {
                action: 'create',
                payload: expect.objectContaining({ contactid: notCommitted, overriddencreatedon: CREATED_ON }),
            },
            { action: 'update', payload: { contactid: changedSince, lastname: 'Lovelace' } },
        ]);
        expect(sent).toHaveLength(2);
        expect(target.get(committed)).toMatchObject({ lastname: 'Lovelace' });
        expect(target.get(changedSince)).toMatchObject({ lastname: 'Lovelace' });
    });
});
