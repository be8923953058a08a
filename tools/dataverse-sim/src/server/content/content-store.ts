/**
 * Binary content kept beside the rows, as Buffers (never Base64 strings): note and attachment bodies, file columns,
 * full-size images. Keyed by table, row id and column; dropped with the row.
 */
import { randomUUID } from 'node:crypto';

export interface StoredContent {
    bytes: Buffer;
    fileName: string | null;
    mimeType: string | null;
    /** The id a file column reads as (file-column-data.md "Behavior when retrieving"). */
    fileId: string;
}

export class ContentStore {
    private readonly items = new Map<string, StoredContent>();

    get(table: string, id: string, column: string): StoredContent | undefined {
        return this.items.get(key(table, id, column));
    }

    put(table: string, id: string, column: string, bytes: Buffer, fileName: string | null, mimeType: string | null) {
        const item: StoredContent = { bytes, fileName, mimeType, fileId: randomUUID() };
        this.items.set(key(table, id, column), item);
        return item;
    }

    /**
     * A column's content, or for an image column whose row holds a Base64 value the store never saw (rows loaded from a
     * CMT export or a dataset), that value as the full image.
     */
    getOrRowImage(table: string, id: string, column: string, rowValue: unknown): StoredContent | undefined {
        const item = this.get(table, id, column);
        if (item || typeof rowValue !== 'string' || rowValue === '') return item;
        return { bytes: Buffer.from(rowValue, 'base64'), fileName: null, mimeType: null, fileId: id };
    }

    delete(table: string, id: string, column: string): boolean {
        return this.items.delete(key(table, id, column));
    }

    /** Every column's content of a row (the row is being deleted). */
    dropRow(table: string, id: string): void {
        const prefix = `${table}|${id}|`;
        for (const k of [...this.items.keys()]) if (k.startsWith(prefix)) this.items.delete(k);
    }

    /** Bytes held, for tests and stats. */
    get totalBytes(): number {
        let n = 0;
        for (const item of this.items.values()) n += item.bytes.length;
        return n;
    }
}

function key(table: string, id: string, column: string): string {
    return `${table}|${id.toLowerCase()}|${column}`;
}
