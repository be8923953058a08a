/**
 * Image columns set with their row (`"entityimage": "<base64>"` on create or update): the full image goes to the
 * content store, the row keeps the thumbnail that a normal read returns. image-column-data.md: a retrieve returns the
 * thumbnail; the full image comes from `<set>(<id>)/<column>/$value?size=full` or the file block messages (see
 * column-content.ts). [inferred] The thumbnail is a stand-in: the image itself up to 144x144 bytes, else its first
 * 144x144 bytes (the service resizes to 144x144 pixels); only its difference from the full image matters to a client.
 */
import { isBase64 } from '../../base64.js';
import { ErrorCodes, SimError } from '../../errors.js';
import type { SimAttribute } from '../../model.js';
import type { TableInfo } from '../schema-index.js';
import type { Store } from '../store.js';
import type { Mode, WriteExtension } from '../writer.js';
import type { ContentStore } from './content-store.js';
import { fileTooBig } from './org-limits.js';

export const THUMBNAIL_BYTES = 144 * 144;
export const DEFAULT_IMAGE_MAX_KB = 10240;

export function thumbnailOf(full: Buffer): Buffer {
    return full.length <= THUMBNAIL_BYTES ? full : full.subarray(0, THUMBNAIL_BYTES);
}

export function imageLimit(attr: SimAttribute): number {
    return (attr.maxSizeInKB ?? DEFAULT_IMAGE_MAX_KB) * 1024;
}

export class ImageColumns implements WriteExtension {
    constructor(
        private readonly store: Store,
        private readonly content: ContentStore,
    ) {}

    take(info: TableInfo, body: Record<string, unknown>, _mode: Mode, _ctx: unknown) {
        const work: Array<(id: string) => void> = [];
        for (const [name, value] of Object.entries(body)) {
            const attr = info.attributes.get(name);
            if (attr?.type !== 'Image') continue;
            const table = info.table.logicalName;
            if (value === null) {
                work.push((id) => this.content.delete(table, id, name));
                continue;
            }
            if (typeof value !== 'string' || !isBase64(value)) {
                throw new SimError(
                    400,
                    ErrorCodes.ODataParse,
                    `Cannot convert the literal '${typeof value === 'string' ? value.slice(0, 40) : JSON.stringify(value)}' to the expected type 'Edm.Binary'.`,
                );
            }
            const full = Buffer.from(value, 'base64');
            if (full.length > imageLimit(attr)) throw fileTooBig();
            // The row keeps the thumbnail; the writer stores it as the column's value.
            body[name] = thumbnailOf(full).toString('base64');
            work.push((id) => this.content.put(table, id, name, full, null, null));
        }
        if (work.length === 0) return undefined;
        return (id: string) => {
            for (const w of work) w(id);
        };
    }

    /** Sets a row's image from uploaded bytes (a PATCH of the column, the block messages). */
    set(info: TableInfo, id: string, column: string, full: Buffer, fileName: string | null, mimeType: string | null) {
        this.content.put(info.table.logicalName, id, column, full, fileName, mimeType);
        this.store.update(info.table.logicalName, id, { [column]: thumbnailOf(full).toString('base64') });
    }

    beforeDelete(info: TableInfo, id: string): void {
        if (info.table.attributes.some((a) => a.type === 'Image' || a.type === 'File'))
            this.content.dropRow(info.table.logicalName, id);
    }
}
