/**
 * Ordering the run tables: break every cycle of lookups by deferring the fewest nullable lookup
 * columns, then place each table one tier after its deepest parent (longest path over the DAG that
 * is left). Deferred columns are patched after all tiers, when every row exists.
 *
 * Minimality: for a strongly connected component with at most EXACT_MAX_NODES tables the deferred
 * set is a proven minimum (iterative-deepening branch search: every cycle must lose one of its
 * nullable columns, so branch on the columns of a shortest cycle), within a search budget. Larger
 * components, or an exhausted budget, use the heuristic: order the tables with Eades-Lin-Smyth,
 * restore the columns whose edges all go forward first, then the rest one by one whenever they do
 * not close a cycle. Its result is inclusion-minimal (restoring any deferred column closes a cycle)
 * and, when no lookup of the component is required, defers at most the columns with a backward edge
 * in the Eades-Lin-Smyth order (at most m/2 - n/6 edges for m edges over n tables).
 */
import {
    columnKey,
    describeCycle,
    findCycle,
    groupEdges,
    reaches,
    shortestCycle,
    stronglyConnectedComponents,
} from './graph.js';
import type { LookupEdge } from './graph.js';

export const EXACT_MAX_NODES = 40;
const DEFAULT_BUDGET = 20_000;

export interface TableOrder {
    /** Tables by tier; each sorted by name. Every input table appears exactly once. */
    tiers: string[][];
    /** Deferred lookup columns, sorted by table then column. */
    deferred: Array<{ table: string; column: string }>;
    /** Cycles closed only by required lookups: they cannot be broken (a plan problem). */
    requiredCycles: Array<{ cycle: LookupEdge[]; message: string }>;
    /** Components whose deferrals come from the heuristic, not a proven minimum. */
    heuristicComponents: string[][];
}

export interface OrderOptions {
    /** Most branch-search steps per component before falling back to the heuristic. */
    exactBudget?: number;
}

/** Eades-Lin-Smyth vertex order: sinks to the back, sources to the front, else the most "out-heavy". */
function elsOrder(nodes: readonly string[], edges: readonly LookupEdge[]): Map<string, number> {
    const remaining = new Set(nodes);
    const outDeg = new Map(nodes.map((n) => [n, 0]));
    const inDeg = new Map(nodes.map((n) => [n, 0]));
    const outs = new Map<string, LookupEdge[]>(nodes.map((n) => [n, []]));
    const ins = new Map<string, LookupEdge[]>(nodes.map((n) => [n, []]));
    for (const e of edges) {
        if (e.from === e.to) continue;
        outDeg.set(e.from, outDeg.get(e.from)! + 1);
        inDeg.set(e.to, inDeg.get(e.to)! + 1);
        outs.get(e.from)!.push(e);
        ins.get(e.to)!.push(e);
    }
    const front: string[] = [];
    const back: string[] = [];
    const pending: string[] = [...nodes]; // nodes whose degrees changed: candidates for sink/source
    const take = (n: string): void => {
        remaining.delete(n);
        for (const e of outs.get(n)!) {
            if (!remaining.has(e.to)) continue;
            inDeg.set(e.to, inDeg.get(e.to)! - 1);
            pending.push(e.to);
        }
        for (const e of ins.get(n)!) {
            if (!remaining.has(e.from)) continue;
            outDeg.set(e.from, outDeg.get(e.from)! - 1);
            pending.push(e.from);
        }
    };
    while (remaining.size > 0) {
        while (pending.length > 0) {
            const n = pending.pop()!;
            if (!remaining.has(n)) continue;
            if (outDeg.get(n) === 0) {
                back.push(n);
                take(n);
            } else if (inDeg.get(n) === 0) {
                front.push(n);
                take(n);
            }
        }
        if (remaining.size === 0) break;
        let best: string | undefined;
        let bestScore = -Infinity;
        for (const n of remaining) {
            const score = outDeg.get(n)! - inDeg.get(n)!;
            if (score > bestScore) [best, bestScore] = [n, score];
        }
        front.push(best!);
        take(best!);
    }
    return new Map([...front, ...back.reverse()].map((n, i) => [n, i]));
}

/** Heuristic deferral for one component (see the module comment); `forced` are always deferred. */
function heuristicDeferral(
    nodes: readonly string[],
    required: readonly LookupEdge[],
    nullable: Map<string, LookupEdge[]>,
    forced: ReadonlySet<string>,
): Set<string> {
    const candidates = [...nullable.keys()].filter((k) => !forced.has(k));
    const order = elsOrder(nodes, [...required, ...candidates.flatMap((k) => nullable.get(k)!)]);
    const backward = (k: string): number =>
        nullable.get(k)!.filter((e) => order.get(e.from)! >= order.get(e.to)!).length;
    candidates.sort((a, b) => backward(a) - backward(b) || a.localeCompare(b));

    const out = new Map<string, LookupEdge[]>();
    const add = (e: LookupEdge): void => {
        const list = out.get(e.from);
        if (list) list.push(e);
        else out.set(e.from, [e]);
    };
    required.forEach(add);
    const deferred = new Set(forced);
    for (const key of candidates) {
        const edges = nullable.get(key)!;
        edges.forEach(add);
        if (edges.some((e) => reaches(out, e.to, e.from))) {
            for (const e of edges) out.get(e.from)!.splice(out.get(e.from)!.indexOf(e), 1);
            deferred.add(key);
        }
    }
    return deferred;
}

/**
 * Exact minimum deferral by iterative deepening below `upperBound`: a smaller set, 'minimal' when
 * the upper bound itself is the minimum, or 'budget' when the search ran out of steps.
 */
function exactDeferral(
    nodes: readonly string[],
    required: readonly LookupEdge[],
    nullable: Map<string, LookupEdge[]>,
    forced: ReadonlySet<string>,
    upperBound: number,
    budget: number,
): Set<string> | 'minimal' | 'budget' {
    let steps = 0;
    const search = (removed: Set<string>, k: number): Set<string> | undefined | 'out' => {
        if (++steps > budget) return 'out';
        const active = [...required];
        for (const [key, edges] of nullable) if (!removed.has(key)) active.push(...edges);
        const cycle = shortestCycle(nodes, active);
        if (!cycle) return removed;
        if (k === 0) return undefined;
        const branches = [...new Set(cycle.filter((e) => !e.required).map(columnKey))].sort();
        for (const key of branches) {
            const found = search(new Set([...removed, key]), k - 1);
            if (found !== undefined) return found;
        }
        return undefined;
    };
    for (let k = 0; k < upperBound - forced.size; k++) {
        const found = search(new Set(forced), k);
        if (found === 'out') return 'budget';
        if (found) return found;
    }
    return 'minimal';
}

function tiersByLongestPath(tables: readonly string[], edges: readonly LookupEdge[]): string[][] {
    const known = new Set(tables);
    const parentsLeft = new Map(tables.map((t) => [t, 0]));
    const children = new Map<string, string[]>(tables.map((t) => [t, []]));
    for (const e of edges) {
        if (!known.has(e.from) || !known.has(e.to) || e.from === e.to) continue;
        parentsLeft.set(e.from, parentsLeft.get(e.from)! + 1);
        children.get(e.to)!.push(e.from);
    }
    const tier = new Map<string, number>();
    const queue = tables.filter((t) => parentsLeft.get(t) === 0);
    queue.forEach((t) => tier.set(t, 0));
    for (let head = 0; head < queue.length; head++) {
        const parent = queue[head]!;
        for (const child of children.get(parent)!) {
            tier.set(child, Math.max(tier.get(child) ?? 0, tier.get(parent)! + 1));
            const left = parentsLeft.get(child)! - 1;
            parentsLeft.set(child, left);
            if (left === 0) queue.push(child);
        }
    }
    let depth = 0;
    for (const n of tier.values()) depth = Math.max(depth, n + 1);
    const tiers: string[][] = Array.from({ length: depth }, () => []);
    for (const [t, n] of tier) tiers[n]!.push(t);
    // Only reachable when a cycle was left unbroken (already a plan problem): keep every table planned.
    const stuck = tables.filter((t) => !tier.has(t));
    if (stuck.length > 0) tiers.push(stuck);
    return tiers.map((t) => t.sort()).filter((t) => t.length > 0);
}

export function orderTables(
    tables: readonly string[],
    edges: readonly LookupEdge[],
    options: OrderOptions = {},
): TableOrder {
    const budget = options.exactBudget ?? DEFAULT_BUDGET;
    const known = new Set(tables);
    const graphEdges = edges.filter((e) => known.has(e.from) && known.has(e.to));
    const deferred = new Set<string>();
    const ignored = new Set<LookupEdge>();
    const requiredCycles: TableOrder['requiredCycles'] = [];
    const heuristicComponents: string[][] = [];

    const components = stronglyConnectedComponents(tables, graphEdges);
    const componentOf = new Map<string, number>();
    components.forEach((c, i) => c.forEach((t) => componentOf.set(t, i)));
    const innerEdges = components.map((): LookupEdge[] => []);
    for (const e of graphEdges) {
        const c = componentOf.get(e.from)!;
        if (c === componentOf.get(e.to)) innerEdges[c]!.push(e);
    }

    components.forEach((component, index) => {
        const inner = innerEdges[index]!;
        if (inner.length === 0) return;
        const nodes = [...component].sort();

        // Cycles of required lookups cannot be broken: report each, then leave its edges out.
        let required = inner.filter((e) => e.required);
        for (let cycle = findCycle(nodes, required); cycle; cycle = findCycle(nodes, required)) {
            requiredCycles.push({
                cycle,
                message: `the lookups ${describeCycle(cycle)} form a cycle that cannot be broken: each is required (or cannot be updated), so none can be set after the rows exist; make one optional or leave one of these tables out`,
            });
            cycle.forEach((e) => ignored.add(e));
            required = required.filter((e) => !ignored.has(e));
        }

        const nullable = groupEdges(
            inner.filter((e) => !e.required),
            columnKey,
        );
        if (nullable.size === 0) return;
        const forced = new Set([...nullable].filter(([, es]) => es.some((e) => e.from === e.to)).map(([k]) => k));
        const heuristic = heuristicDeferral(nodes, required, nullable, forced);
        let chosen = heuristic;
        if (heuristic.size - forced.size > 1) {
            const exact =
                nodes.length <= EXACT_MAX_NODES
                    ? exactDeferral(nodes, required, nullable, forced, heuristic.size, budget)
                    : 'budget';
            if (exact === 'budget') heuristicComponents.push(nodes);
            else if (exact !== 'minimal') chosen = exact;
        }
        chosen.forEach((k) => deferred.add(k));
    });

    const kept = graphEdges.filter((e) => !ignored.has(e) && !deferred.has(columnKey(e)));
    const byKey = new Map(graphEdges.map((e) => [columnKey(e), e]));
    const deferredList = [...deferred]
        .map((key) => ({ table: byKey.get(key)!.from, column: byKey.get(key)!.column }))
        .sort((a, b) => a.table.localeCompare(b.table) || a.column.localeCompare(b.column));
    return { tiers: tiersByLongestPath(tables, kept), deferred: deferredList, requiredCycles, heuristicComponents };
}
