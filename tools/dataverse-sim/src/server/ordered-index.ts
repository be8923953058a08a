/**
 * Primary keys of one table in SQL Server `uniqueidentifier` order, as chunked sorted arrays:
 * O(log n) lookup, O(log n + chunk) insert/delete, ordered range scans. A single sorted array with
 * splice would cost O(n) per write, which is too slow at a million rows.
 */
import { sqlGuidSortKey } from '../guid-order.js';

const MAX_CHUNK = 1024;

interface Chunk {
    /** Sort keys (see sqlGuidSortKey), ascending. */
    keys: string[];
    /** Row ids, parallel to keys. */
    ids: string[];
}

export class OrderedIdIndex {
    private chunks: Chunk[] = [];
    private count = 0;

    get size(): number {
        return this.count;
    }

    /** Replaces the content with these ids (any order); one sort instead of n inserts. */
    load(ids: Iterable<string>): void {
        const pairs: Array<[string, string]> = [];
        for (const id of ids) pairs.push([sqlGuidSortKey(id), id]);
        pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        this.chunks = [];
        for (let i = 0; i < pairs.length; i += MAX_CHUNK / 2) {
            const slice = pairs.slice(i, i + MAX_CHUNK / 2);
            this.chunks.push({ keys: slice.map((p) => p[0]), ids: slice.map((p) => p[1]) });
        }
        this.count = pairs.length;
    }

    insert(id: string): void {
        const key = sqlGuidSortKey(id);
        if (this.chunks.length === 0) {
            this.chunks.push({ keys: [key], ids: [id] });
            this.count = 1;
            return;
        }
        const ci = this.chunkFor(key);
        const chunk = this.chunks[ci]!;
        const pos = lowerBound(chunk.keys, key);
        if (chunk.keys[pos] === key) return;
        chunk.keys.splice(pos, 0, key);
        chunk.ids.splice(pos, 0, id);
        this.count++;
        if (chunk.keys.length > MAX_CHUNK) {
            const half = chunk.keys.length >> 1;
            const right: Chunk = { keys: chunk.keys.splice(half), ids: chunk.ids.splice(half) };
            this.chunks.splice(ci + 1, 0, right);
        }
    }

    delete(id: string): boolean {
        if (this.chunks.length === 0) return false;
        const key = sqlGuidSortKey(id);
        const ci = this.chunkFor(key);
        const chunk = this.chunks[ci]!;
        const pos = lowerBound(chunk.keys, key);
        if (chunk.keys[pos] !== key) return false;
        chunk.keys.splice(pos, 1);
        chunk.ids.splice(pos, 1);
        this.count--;
        if (chunk.keys.length === 0) this.chunks.splice(ci, 1);
        return true;
    }

    /** Ids in ascending SQL order, starting after (or at, if inclusive) `start`. */
    *scan(start?: { id: string; inclusive: boolean }): Generator<string> {
        let ci = 0;
        let pos = 0;
        if (start) {
            const key = sqlGuidSortKey(start.id);
            ci = this.chunkFor(key);
            const chunk = this.chunks[ci];
            if (!chunk) return;
            pos = lowerBound(chunk.keys, key);
            if (!start.inclusive && chunk.keys[pos] === key) pos++;
        }
        for (; ci < this.chunks.length; ci++, pos = 0) {
            const chunk = this.chunks[ci]!;
            for (; pos < chunk.ids.length; pos++) yield chunk.ids[pos]!;
        }
    }

    /** Index of the chunk whose range holds `key` (the last chunk whose first key is <= key). */
    private chunkFor(key: string): number {
        let lo = 0;
        let hi = this.chunks.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (this.chunks[mid]!.keys[0]! <= key) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }
}

function lowerBound(keys: string[], key: string): number {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (keys[mid]! < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}
