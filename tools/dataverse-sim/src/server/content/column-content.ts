/**
 * A row's file content addressed as a property, `<set>(<id>)/<column>` (file-column-data.md, image-column-data.md,
 * attachment-annotation-files.md):
 * - `PATCH .../<file or image column>` with `Content-Type: application/octet-stream` and `x-ms-file-name`: one upload
 *   (204). With `x-ms-transfer-mode: chunked` and no body: 200 with `Location: .../<column>?sessiontoken=<token>`,
 *   `x-ms-chunk-size: 4194304`, `Accept-Ranges: bytes`; then each `PATCH <Location>` with `Content-Range: bytes
 *   <start>-<end>/<size>` and its bytes answers 206, the last one 204.
 * - `GET .../<column>/$value`: the bytes with `x-ms-file-size`, `x-ms-file-name`, `mimetype`; with `Range:
 *   bytes=<start>-<end>` 206 and that slice. An image column gives its thumbnail, `?size=full` the full image.
 * - `DELETE .../<column>`: 204, the file is gone.
 * - `GET annotations(<id>)/documentbody/$value` (activitymimeattachments: `body`): 200 text/plain, the Base64 text.
 * [inferred] Chunks must come in order (the documentation sends them so); an empty file column's `$value` is 404
 * 0x80040217 and an empty image column's 204 (a third party's measurements of a live org); refusals' wording.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCodes, SimError } from '../../errors.js';
import type { SimAttribute } from '../../model.js';
import type { RouteContext } from '../call-context.js';
import type { SimRequest, SimResponse } from '../http-types.js';
import { emptyResponse } from '../http-types.js';
import type { KeyTarget } from '../references.js';
import { existingRowId } from '../references.js';
import { methodNotAllowed } from '../route-errors.js';
import type { TableInfo } from '../schema-index.js';
import type { Store } from '../store.js';
import { BLOCK_LIMIT } from './block-sessions.js';
import { columnLimit, fileColumnValues, noFile, type ContentActions } from './content-actions.js';
import type { ContentStore } from './content-store.js';
import { thumbnailOf } from './image-columns.js';
import { BODY_COLUMNS } from './note-bodies.js';
import { fileTooBig, type OrgLimits } from './org-limits.js';

interface ChunkedUpload {
    table: string;
    id: string;
    column: string;
    fileName: string;
    /** Allocated at the first chunk, when the size is known. */
    buffer?: Buffer;
    received: number;
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;
const RANGE = /^bytes=(\d+)-(\d*)$/;

export class ColumnContent {
    private readonly chunked = new Map<string, ChunkedUpload>();

    constructor(
        private readonly store: Store,
        private readonly content: ContentStore,
        private readonly limits: OrgLimits,
        private readonly actions: ContentActions,
    ) {}

    /** The response when `<name>` (and `$value` after it) addresses file content, else undefined. */
    handle(
        req: SimRequest,
        info: TableInfo,
        key: KeyTarget,
        name: string,
        rest: string | undefined,
        ctx: RouteContext,
    ): SimResponse | undefined {
        const attr = info.attributes.get(name);
        if (!attr || (rest !== undefined && rest !== '$value')) return undefined;
        const table = info.table.logicalName;
        if (BODY_COLUMNS[table] === name && rest === '$value') {
            if (req.method !== 'GET') throw methodNotAllowed(req.method);
            const id = existingRowId(this.store, info, key);
            const item = this.content.get(table, id, name);
            ctx.work.rowsRead++;
            return {
                status: 200,
                headers: { 'OData-Version': '4.0', 'Content-Type': 'text/plain' },
                body: item ? item.bytes.toString('base64') : '',
            };
        }
        if (attr.type !== 'File' && attr.type !== 'Image') return undefined;
        const id = existingRowId(this.store, info, key);
        if (rest === '$value') {
            if (req.method !== 'GET') throw methodNotAllowed(req.method);
            ctx.work.rowsRead++;
            return this.download(req, info, id, attr);
        }
        if (req.method === 'DELETE') {
            this.content.delete(table, id, name);
            this.store.update(
                table,
                id,
                attr.type === 'Image' ? { [name]: null } : fileColumnValues(info, attr, null, null),
            );
            ctx.work.rowsWritten++;
            return emptyResponse(204);
        }
        if (req.method !== 'PATCH' && req.method !== 'PUT') throw methodNotAllowed(req.method);
        ctx.work.rowsWritten++;
        const token = req.url.searchParams.get('sessiontoken');
        if (token !== null) return this.chunk(req, info, id, attr, token);
        const fileName = fileNameOf(req);
        if ((req.headers['x-ms-transfer-mode'] ?? '').toLowerCase() === 'chunked') {
            this.limits.checkFileName(fileName);
            const session = randomUUID();
            this.chunked.set(session, { table, id, column: name, fileName, received: 0 });
            const location = `${ctx.base}${info.table.entitySetName}(${id})/${name}?sessiontoken=${session}`;
            return emptyResponse(200, {
                'Accept-Ranges': 'bytes',
                Location: location,
                'x-ms-chunk-size': String(BLOCK_LIMIT),
                'Access-Control-Expose-Headers': 'x-ms-chunk-size',
            });
        }
        const bytes = req.bytes ?? Buffer.from(req.body);
        this.limits.checkFileName(fileName);
        if (bytes.length > columnLimit(attr)) throw fileTooBig();
        this.actions.storeColumn(info, id, attr, bytes, fileName, mimeOf(req));
        return emptyResponse(204);
    }

    private chunk(req: SimRequest, info: TableInfo, id: string, attr: SimAttribute, token: string): SimResponse {
        const upload = this.chunked.get(token);
        if (!upload || upload.id !== id || upload.column !== attr.logicalName)
            throw invalid('The sessiontoken is not valid for this column.');
        const m = CONTENT_RANGE.exec(req.headers['content-range'] ?? '');
        if (!m) throw invalid("A chunk needs a 'Content-Range: bytes <start>-<end>/<size>' header.");
        const [start, end, size] = [Number(m[1]), Number(m[2]), Number(m[3])];
        const bytes = req.bytes ?? Buffer.alloc(0);
        if (size > columnLimit(attr)) throw fileTooBig();
        if (start !== upload.received || end < start || end >= size || bytes.length !== end - start + 1)
            throw invalid(
                `The chunk 'bytes ${start}-${end}/${size}' does not continue the upload at byte ${upload.received}.`,
            );
        if (bytes.length > BLOCK_LIMIT) throw invalid(`A chunk may hold at most ${BLOCK_LIMIT} bytes (4 MB).`);
        upload.buffer ??= Buffer.allocUnsafe(size);
        if (upload.buffer.length !== size) throw invalid('The file size of the chunk differs from the first chunk.');
        bytes.copy(upload.buffer, start);
        upload.received = end + 1;
        if (upload.received < size) return emptyResponse(206);
        this.chunked.delete(token);
        this.actions.storeColumn(info, id, attr, upload.buffer, upload.fileName, mimeOf(req));
        return emptyResponse(204);
    }

    private download(req: SimRequest, info: TableInfo, id: string, attr: SimAttribute): SimResponse {
        const table = info.table.logicalName;
        const rowValue = attr.type === 'Image' ? this.store.get(table, id)?.[attr.logicalName] : undefined;
        const item = this.content.getOrRowImage(table, id, attr.logicalName, rowValue);
        if (!item) {
            if (attr.type === 'Image') return emptyResponse(204);
            throw noFile(table, id, attr.logicalName);
        }
        const full = attr.type !== 'Image' || req.url.searchParams.get('size') === 'full';
        const bytes = full ? item.bytes : thumbnailOf(item.bytes);
        const headers: Record<string, string> = {
            'OData-Version': '4.0',
            'Content-Type': 'application/octet-stream',
            'x-ms-file-size': String(bytes.length),
            mimetype: item.mimeType ?? 'application/octet-stream',
            'Access-Control-Expose-Headers': 'x-ms-file-size; x-ms-file-name; mimetype',
        };
        if (item.fileName !== null) headers['x-ms-file-name'] = item.fileName;
        const range = RANGE.exec(req.headers.range ?? '');
        if (!range) return { status: 200, headers, bytes };
        const start = Number(range[1]);
        const end = range[2] === '' ? bytes.length - 1 : Math.min(Number(range[2]), bytes.length - 1);
        if (start >= bytes.length || end < start)
            throw new SimError(
                416,
                ErrorCodes.InvalidArgument,
                `The range 'bytes=${start}-${range[2]}' is outside the file (${bytes.length} bytes).`,
            );
        headers['x-ms-chunk-size'] = String(BLOCK_LIMIT);
        headers['Content-Range'] = `bytes ${start}-${end}/${bytes.length}`;
        return { status: 206, headers, bytes: bytes.subarray(start, end + 1) };
    }
}

/** The file name: the `x-ms-file-name` header, else the query parameter (which takes non-ASCII names). */
function fileNameOf(req: SimRequest): string {
    const name = req.headers['x-ms-file-name'] ?? req.url.searchParams.get('x-ms-file-name');
    if (!name) throw invalid("A file upload needs its name in 'x-ms-file-name' (header or query parameter).");
    return name;
}

function mimeOf(req: SimRequest): string | null {
    const type = req.headers['content-type'];
    return type && !type.startsWith('application/octet-stream') ? type : null;
}

function invalid(message: string): SimError {
    return new SimError(400, ErrorCodes.InvalidArgument, message);
}
