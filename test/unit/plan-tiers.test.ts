import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnKey, findCycle, stronglyConnectedComponents, type LookupEdge } from '../../src/plan/graph.js';
import { orderTables, type TableOrder } from '../../src/plan/tiers.js';

const edge = (from: string, column: string, to: string, required = false): LookupEdge => ({
    from,
    to,
    column,
    required,
});

/** Random graphs over t0..tn: each column belongs to one table and points to one or two tables. */
const graphArb = (maxTables: number, maxColumns: number) =>
    fc.integer({ min: 1, max: maxTables }).chain((n) =>
        fc
            .array(
                fc.record({
                    from: fc.nat(n - 1),
                    to: fc.uniqueArray(fc.nat(n - 1), { minLength: 1, maxLength: 2 }),
                    requiredBias: fc.nat(4), // one column in five is required
                }),
                { maxLength: maxColumns },
            )
            .map((columns) => {
                const tables = Array.from({ length: n }, (_, i) => `t${i}`);
                const edges = columns.flatMap((c, i) =>
                    c.to.map((to) => edge(`t${c.from}`, `c${i}`, `t${to}`, c.requiredBias === 0)),
                );
                return { tables, edges };
            }),
    );

function tierOf(order: TableOrder): Map<string, number> {
    const tier = new Map<string, number>();
    order.tiers.forEach((tables, i) => tables.forEach((t) => tier.set(t, i)));
    return tier;
}

function checkInvariants(tables: string[], edges: LookupEdge[], order: TableOrder): void {
    const planned = order.tiers.flat();
    expect([...planned].sort()).toEqual([...tables].sort());
    const deferred = new Set(order.deferred.map((d) => `${d.table}.${d.column}`));
    const ignored = new Set(order.requiredCycles.flatMap((c) => c.cycle));
    for (const e of edges) if (e.required) expect(deferred.has(columnKey(e))).toBe(false);
    const tier = tierOf(order);
    for (const e of edges) {
        if (deferred.has(columnKey(e)) || ignored.has(e)) continue;
        expect(tier.get(e.to)!).toBeLessThan(tier.get(e.from)!);
    }
}

/** The smallest number of nullable columns whose removal leaves no cycle, by trying every subset. */
function bruteForceMinimum(tables: string[], edges: LookupEdge[]): number {
    const candidates = [...new Set(edges.filter((e) => !e.required).map(columnKey))];
    let best = Infinity;
    for (let mask = 0; mask < 1 << candidates.length; mask++) {
        const removed = new Set(candidates.filter((_, i) => mask & (1 << i)));
        if (removed.size >= best) continue;
        if (
            !findCycle(
                tables,
                edges.filter((e) => !removed.has(columnKey(e))),
            )
        )
            best = removed.size;
    }
    return best;
}

describe('orderTables on known cases', () => {
    it('account <-> contact needs exactly one deferral', () => {
        const order = orderTables(
            ['account', 'contact'],
            [edge('account', 'primarycontactid', 'contact'), edge('contact', 'parentcustomerid', 'account')],
        );
        expect(order.deferred).toHaveLength(1);
        expect(order.tiers).toHaveLength(2);
        expect(order.requiredCycles).toEqual([]);
    });

    it('defers the optional side when the other side of a 2-cycle is required', () => {
        const order = orderTables(
            ['account', 'contact'],
            [edge('account', 'primarycontactid', 'contact'), edge('contact', 'parentcustomerid', 'account', true)],
        );
        expect(order.deferred).toEqual([{ table: 'account', column: 'primarycontactid' }]);
        expect(order.tiers).toEqual([['account'], ['contact']]);
    });

    it('a self-reference alone is deferred, and only it', () => {
        const order = orderTables(
            ['account'],
            [edge('account', 'parentaccountid', 'account'), edge('account', 'other', 'account2')],
        );
        expect(order.deferred).toEqual([{ table: 'account', column: 'parentaccountid' }]);
        expect(order.tiers).toEqual([['account']]);
    });

    it('a 3-cycle with one required edge defers exactly one nullable column', () => {
        const edges = [edge('a', 'x', 'b', true), edge('b', 'y', 'c'), edge('c', 'z', 'a')];
        const order = orderTables(['a', 'b', 'c'], edges);
        expect(order.deferred).toHaveLength(1);
        expect(order.deferred[0]!.column).not.toBe('x');
        checkInvariants(['a', 'b', 'c'], edges, order);
    });

    it('prefers one column shared by two cycles over two separate columns', () => {
        // a.hub -> b and a.hub -> c (polymorphic) close both cycles; b.p and c.q each close one.
        const edges = [edge('a', 'hub', 'b'), edge('a', 'hub', 'c'), edge('b', 'p', 'a'), edge('c', 'q', 'a')];
        const order = orderTables(['a', 'b', 'c'], edges);
        expect(order.deferred).toEqual([{ table: 'a', column: 'hub' }]);
    });

    it('names a cycle made only of required lookups', () => {
        const order = orderTables(
            ['account', 'contact'],
            [
                edge('account', 'primarycontactid', 'contact', true),
                edge('contact', 'parentcustomerid', 'account', true),
            ],
        );
        expect(order.requiredCycles).toHaveLength(1);
        expect(order.requiredCycles[0]!.message).toMatch(
            /(account\.primarycontactid -> contact\.parentcustomerid -> account|contact\.parentcustomerid -> account\.primarycontactid -> contact)/,
        );
        expect(order.tiers.flat().sort()).toEqual(['account', 'contact']);
    });

    it('a required self-reference is a required cycle', () => {
        const order = orderTables(['account'], [edge('account', 'parentaccountid', 'account', true)]);
        expect(order.requiredCycles[0]!.message).toContain('account.parentaccountid -> account');
        expect(order.deferred).toEqual([]);
    });

    it('places each table one tier after its deepest parent', () => {
        const order = orderTables(
            ['a', 'b', 'c', 'd'],
            [edge('d', 'x', 'a'), edge('d', 'y', 'c'), edge('c', 'z', 'b'), edge('b', 'w', 'a')],
        );
        expect(order.tiers).toEqual([['a'], ['b'], ['c'], ['d']]);
    });
});

describe('orderTables properties', () => {
    it('plans every table once, orders every kept lookup after its parent, never defers a required one', () => {
        fc.assert(
            fc.property(graphArb(8, 16), ({ tables, edges }) => {
                checkInvariants(tables, edges, orderTables(tables, edges));
            }),
            { numRuns: 300 },
        );
    });

    it('defers the minimum number of columns on small graphs', () => {
        fc.assert(
            fc.property(graphArb(5, 10), ({ tables, edges }) => {
                const order = orderTables(tables, edges);
                fc.pre(order.requiredCycles.length === 0);
                expect(order.deferred.length).toBe(bruteForceMinimum(tables, edges));
            }),
            { numRuns: 300 },
        );
    });

    it('the heuristic on a large component keeps the invariants and is inclusion-minimal', () => {
        fc.assert(
            fc.property(fc.integer({ min: 60, max: 120 }), fc.integer({ min: 1, max: 1_000_000 }), (n, seed) => {
                let state = seed;
                const next = (k: number): number => {
                    state = (state * 1103515245 + 12345) % 2147483648;
                    return state % k;
                };
                const tables = Array.from({ length: n }, (_, i) => `t${i}`);
                // A ring makes one big component; random chords add more cycles.
                const edges = tables.map((t, i) => edge(t, `ring`, tables[(i + 1) % n]!));
                for (let i = 0; i < n * 2; i++) edges.push(edge(`t${next(n)}`, `c${i}`, `t${next(n)}`, next(5) === 0));
                const order = orderTables(tables, edges);
                if (order.requiredCycles.length > 0) return;
                checkInvariants(tables, edges, order);
                expect(order.heuristicComponents.length).toBeGreaterThan(0);
                const deferred = new Set(order.deferred.map((d) => `${d.table}.${d.column}`));
                for (const key of deferred) {
                    const restored = edges.filter((e) => !deferred.has(columnKey(e)) || columnKey(e) === key);
                    expect(findCycle(tables, restored)).toBeDefined();
                }
            }),
            { numRuns: 15 },
        );
    });

    it('handles a 50,000-table chain without deep recursion', () => {
        const tables = Array.from({ length: 50_000 }, (_, i) => `t${i}`);
        const edges = tables.slice(1).map((t, i) => edge(t, 'parent', tables[i]!));
        expect(stronglyConnectedComponents(tables, edges)).toHaveLength(50_000);
        const order = orderTables(tables, edges);
        expect(order.deferred).toEqual([]);
        expect(order.tiers).toHaveLength(50_000);
        expect(order.tiers[49_999]).toEqual(['t49999']);
    });

    it('breaks a 2,000-table ring with one deferral', () => {
        const tables = Array.from({ length: 2_000 }, (_, i) => `t${i}`);
        const edges = tables.map((t, i) => edge(t, 'next', tables[(i + 1) % tables.length]!));
        expect(stronglyConnectedComponents(tables, edges)).toHaveLength(1);
        const order = orderTables(tables, edges);
        expect(order.deferred).toHaveLength(1);
        checkInvariants(tables, edges, order);
    });
});
