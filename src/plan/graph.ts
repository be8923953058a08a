/**
 * The table dependency graph: one edge per lookup column and parent table, pointing from the child
 * (the table holding the lookup) to the parent. Iterative algorithms only: a large schema must not
 * hit the call-stack limit.
 */

export interface LookupEdge {
    /** Child table (holds the lookup column). */
    from: string;
    /** Parent table (the lookup points to it). */
    to: string;
    /** Lookup column of `from`; a polymorphic column gives one edge per parent table. */
    column: string;
    /** Required lookups (SystemRequired / ApplicationRequired) can never be deferred. */
    required: boolean;
}

/** `account.primarycontactid`: a column's identity across the graph. */
export function columnKey(edge: { from: string; column: string }): string {
    return `${edge.from}.${edge.column}`;
}

/**
 * Tarjan's strongly connected components, without recursion. Components come out in reverse
 * topological order of the condensation (a component before the components that reach it).
 */
export function stronglyConnectedComponents(nodes: readonly string[], edges: readonly LookupEdge[]): string[][] {
    const successors = new Map<string, string[]>(nodes.map((n) => [n, []]));
    for (const edge of edges) successors.get(edge.from)?.push(edge.to);

    const index = new Map<string, number>();
    const lowlink = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const components: string[][] = [];
    let counter = 0;

    for (const root of nodes) {
        if (index.has(root)) continue;
        const frames: Array<{ node: string; next: number }> = [];
        const enter = (node: string): void => {
            index.set(node, counter);
            lowlink.set(node, counter);
            counter++;
            stack.push(node);
            onStack.add(node);
            frames.push({ node, next: 0 });
        };
        enter(root);
        while (frames.length > 0) {
            const frame = frames[frames.length - 1]!;
            const out = successors.get(frame.node) ?? [];
            if (frame.next < out.length) {
                const w = out[frame.next++]!;
                if (!successors.has(w)) continue; // edge to a node outside the graph
                if (!index.has(w)) enter(w);
                else if (onStack.has(w)) lowlink.set(frame.node, Math.min(lowlink.get(frame.node)!, index.get(w)!));
                continue;
            }
            frames.pop();
            const parent = frames[frames.length - 1];
            if (parent) lowlink.set(parent.node, Math.min(lowlink.get(parent.node)!, lowlink.get(frame.node)!));
            if (lowlink.get(frame.node) === index.get(frame.node)) {
                const component: string[] = [];
                let w: string;
                do {
                    w = stack.pop()!;
                    onStack.delete(w);
                    component.push(w);
                } while (w !== frame.node);
                components.push(component);
            }
        }
    }
    return components;
}

/** Edges grouped by `key`, each group in input order. */
export function groupEdges(edges: readonly LookupEdge[], key: (edge: LookupEdge) => string): Map<string, LookupEdge[]> {
    const groups = new Map<string, LookupEdge[]>();
    for (const edge of edges) {
        const k = key(edge);
        const list = groups.get(k);
        if (list) list.push(edge);
        else groups.set(k, [edge]);
    }
    return groups;
}

/** Adjacency of a set of edges, by source node, for the searches below. */
function adjacency(edges: readonly LookupEdge[]): Map<string, LookupEdge[]> {
    return groupEdges(edges, (edge) => edge.from);
}

/** Any cycle of the graph as its edges in order, or undefined when the graph is acyclic (iterative DFS). */
export function findCycle(nodes: readonly string[], edges: readonly LookupEdge[]): LookupEdge[] | undefined {
    const out = adjacency(edges);
    const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = done
    for (const root of nodes) {
        if (state.has(root)) continue;
        const path: Array<{ node: string; next: number; via?: LookupEdge }> = [{ node: root, next: 0 }];
        state.set(root, 1);
        while (path.length > 0) {
            const frame = path[path.length - 1]!;
            const list = out.get(frame.node) ?? [];
            if (frame.next >= list.length) {
                state.set(frame.node, 2);
                path.pop();
                continue;
            }
            const edge = list[frame.next++]!;
            const seen = state.get(edge.to);
            if (seen === 1) {
                const start = path.findIndex((f) => f.node === edge.to);
                return [...path.slice(start + 1).map((f) => f.via!), edge];
            }
            if (seen === undefined) {
                state.set(edge.to, 1);
                path.push({ node: edge.to, next: 0, via: edge });
            }
        }
    }
    return undefined;
}

/** A shortest cycle (fewest edges) by breadth-first search from every node; for small components. */
export function shortestCycle(nodes: readonly string[], edges: readonly LookupEdge[]): LookupEdge[] | undefined {
    const out = adjacency(edges);
    let best: LookupEdge[] | undefined;
    for (const start of nodes) {
        const via = new Map<string, LookupEdge>();
        const queue = [start];
        let found: LookupEdge | undefined;
        for (let head = 0; head < queue.length && !found; head++) {
            const node = queue[head]!;
            for (const edge of out.get(node) ?? []) {
                if (edge.to === start) {
                    found = edge;
                    break;
                }
                if (!via.has(edge.to)) {
                    via.set(edge.to, edge);
                    queue.push(edge.to);
                }
            }
        }
        if (!found) continue;
        const cycle = [found];
        for (let node = found.from; node !== start;) {
            const edge = via.get(node)!;
            cycle.unshift(edge);
            node = edge.from;
        }
        if (!best || cycle.length < best.length) best = cycle;
        if (best.length === 1) break;
    }
    return best;
}

/** Whether `to` reaches `from`, i.e. whether adding an edge from -> to closes a cycle. */
export function reaches(out: ReadonlyMap<string, readonly LookupEdge[]>, start: string, goal: string): boolean {
    if (start === goal) return true;
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length > 0) {
        const node = stack.pop()!;
        for (const edge of out.get(node) ?? []) {
            if (edge.to === goal) return true;
            if (!seen.has(edge.to)) {
                seen.add(edge.to);
                stack.push(edge.to);
            }
        }
    }
    return false;
}

/** `account.primarycontactid -> contact.parentcustomerid -> account` */
export function describeCycle(cycle: readonly LookupEdge[]): string {
    if (cycle.length === 0) return '';
    return [...cycle.map((e) => `${e.from}.${e.column}`), cycle[cycle.length - 1]!.to].join(' -> ');
}
