/**
 * The unbound block messages of file content (MicrosoftDocs/powerapps-docs):
 * - file and image columns (file-column-data.md): InitializeFileBlocksUpload `{ Target, FileName, FileAttributeName }`
 *   -> `{ FileContinuationToken }`; UploadBlock; CommitFileBlocksUpload `{ FileName, MimeType, BlockList,
 *   FileContinuationToken }` -> `{ FileId, FileSizeInBytes }`; InitializeFileBlocksDownload `{ Target,
 *   FileAttributeName }` -> `{ FileContinuationToken, FileSizeInBytes, FileName, IsChunkingSupported }`; DownloadBlock
 *   `{ Offset, BlockLength, FileContinuationToken }` -> `{ Data }`. An image column's download is its full image.
 * - notes and attachments (attachment-annotation-files.md): InitializeAnnotationBlocksUpload `{ Target }` (with its
 *   `annotationid`: creates or updates the note), CommitAnnotationBlocksUpload `{ Target, BlockList,
 *   FileContinuationToken }` -> `{ AnnotationId, FileSizeInBytes }`; InitializeAttachmentBlocksUpload /
 *   CommitAttachmentBlocksUpload (create only: "you will get an error that the record already exists") ->
 *   `{ ActivityMimeAttachmentId, FileSizeInBytes }`; Initialize{Annotation,Attachment}BlocksDownload `{ Target }` ->
 *   `{ FileContinuationToken, FileSizeInBytes, FileName }`.
 * Limits: a file column's MaxSizeInKB, an image column's, the organization's maxuploadfilesize (notes and
 * attachments, on the Base64 size) and blocked extensions (org-limits.ts).
 */
import { ErrorCodes, SimError } from '../../errors.js';
import { isGuid } from '../../guid-order.js';
import type { SimAttribute } from '../../model.js';
import type { RouteContext } from '../call-context.js';
import type { SimRequest, SimResponse } from '../http-types.js';
import { jsonResponse, emptyResponse, parseJsonBody } from '../http-types.js';
import { notFoundById } from '../references.js';
import { methodNotAllowed } from '../route-errors.js';
import type { SchemaIndex, TableInfo } from '../schema-index.js';
import { duplicateKey, type Store } from '../store.js';
import type { Writer } from '../writer.js';
import { BlockSessions } from './block-sessions.js';
import type { ContentStore } from './content-store.js';
import { imageLimit, type ImageColumns } from './image-columns.js';
import type { NoteBodies } from './note-bodies.js';
import { fileTooBig, type OrgLimits } from './org-limits.js';

const ACTIONS = new Set([
    'InitializeFileBlocksUpload',
    'CommitFileBlocksUpload',
    'InitializeFileBlocksDownload',
    'UploadBlock',
    'DownloadBlock',
    'InitializeAnnotationBlocksUpload',
    'CommitAnnotationBlocksUpload',
    'InitializeAnnotationBlocksDownload',
    'InitializeAttachmentBlocksUpload',
    'CommitAttachmentBlocksUpload',
    'InitializeAttachmentBlocksDownload',
]);

export const DEFAULT_FILE_MAX_KB = 32768;

/** What an upload goes to. */
export type UploadTarget =
    | { kind: 'column'; table: string; id: string; column: string; fileName: string }
    | { kind: 'annotation' | 'activitymimeattachment'; target: Record<string, unknown> };

/** A file column's limit in bytes (FileAttributeMetadata.MaxSizeInKB), or an image column's. */
export function columnLimit(attr: SimAttribute): number {
    return attr.type === 'Image' ? imageLimit(attr) : (attr.maxSizeInKB ?? DEFAULT_FILE_MAX_KB) * 1024;
}

/**
 * What a row reads for a file column: the file id and, in `<column>_name`, the file name; both null without a file
 * (file-column-data.md "Retrieve file column data": `"sample_filecolumn": "<file id>", "sample_filecolumn_name":
 * "25mb.pdf"`).
 */
export function fileColumnValues(
    info: TableInfo,
    attr: SimAttribute,
    fileId: string | null,
    fileName: string | null,
): Record<string, string | null> {
    const values: Record<string, string | null> = { [attr.logicalName]: fileId };
    const nameColumn = `${attr.logicalName}_name`;
    if (info.attributes.has(nameColumn)) values[nameColumn] = fileId === null ? null : fileName;
    return values;
}

export class ContentActions {
    readonly sessions = new BlockSessions<UploadTarget>();

    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
        private readonly writer: Writer,
        private readonly content: ContentStore,
        private readonly limits: OrgLimits,
        private readonly notes: NoteBodies,
        private readonly images: ImageColumns,
    ) {}

    static addresses(rest: string): boolean {
        return ACTIONS.has(rest.replace(/^Microsoft\.Dynamics\.CRM\./, ''));
    }

    handle(req: SimRequest, rest: string, ctx: RouteContext): SimResponse {
        if (req.method !== 'POST') throw methodNotAllowed(req.method);
        const name = rest.replace(/^Microsoft\.Dynamics\.CRM\./, '');
        const body = parseJsonBody(req);
        const respond = (fields: Record<string, unknown>) =>
            jsonResponse(200, {
                '@odata.context': `${ctx.base}$metadata#Microsoft.Dynamics.CRM.${name}Response`,
                ...fields,
            });
        switch (name) {
            case 'UploadBlock':
                this.sessions.uploadBlock(body);
                return emptyResponse(204);
            case 'DownloadBlock':
                return respond({ Data: this.sessions.downloadBlock(body).toString('base64') });
            case 'InitializeFileBlocksUpload': {
                const { info, id } = this.targetRow(body.Target);
                const attr = this.fileColumn(info, body.FileAttributeName);
                const fileName = requiredString(body.FileName, 'FileName', name);
                this.limits.checkFileName(fileName);
                const token = this.sessions.beginUpload({
                    kind: 'column',
                    table: info.table.logicalName,
                    id,
                    column: attr.logicalName,
                    fileName,
                });
                return respond({ FileContinuationToken: token });
            }
            case 'CommitFileBlocksUpload': {
                const { target, bytes } = this.sessions.commit(body.FileContinuationToken, body.BlockList);
                if (target.kind !== 'column') throw wrongToken(name);
                const fileName = typeof body.FileName === 'string' ? body.FileName : target.fileName;
                this.limits.checkFileName(fileName);
                const mimeType = typeof body.MimeType === 'string' ? body.MimeType : null;
                const info = this.schema.table(target.table)!;
                if (!this.store.get(target.table, target.id)) throw notFoundById(target.table, target.id);
                const attr = info.attributes.get(target.column)!;
                if (bytes.length > columnLimit(attr)) throw fileTooBig();
                const item = this.storeColumn(info, target.id, attr, bytes, fileName, mimeType);
                ctx.work.rowsWritten++;
                return respond({ FileId: item.fileId, FileSizeInBytes: bytes.length });
            }
            case 'InitializeFileBlocksDownload': {
                const { info, id } = this.targetRow(body.Target);
                const attr = this.fileColumn(info, body.FileAttributeName);
                const rowValue = this.store.get(info.table.logicalName, id)?.[attr.logicalName];
                const item = this.content.getOrRowImage(
                    info.table.logicalName,
                    id,
                    attr.logicalName,
                    attr.type === 'Image' ? rowValue : undefined,
                );
                if (!item) throw noFile(info.table.logicalName, id, attr.logicalName);
                return respond({
                    FileContinuationToken: this.sessions.beginDownload(item.bytes),
                    FileSizeInBytes: item.bytes.length,
                    FileName: item.fileName,
                    IsChunkingSupported: true,
                });
            }
            case 'InitializeAnnotationBlocksUpload':
            case 'InitializeAttachmentBlocksUpload': {
                const table = name === 'InitializeAnnotationBlocksUpload' ? 'annotation' : 'activitymimeattachment';
                const target = this.noteTarget(body.Target, table, name);
                return respond({ FileContinuationToken: this.sessions.beginUpload({ kind: table, target }) });
            }
            case 'CommitAnnotationBlocksUpload':
            case 'CommitAttachmentBlocksUpload': {
                const table = name === 'CommitAnnotationBlocksUpload' ? 'annotation' : 'activitymimeattachment';
                const { target, bytes } = this.sessions.commit(body.FileContinuationToken, body.BlockList);
                if (target.kind !== table) throw wrongToken(name);
                // The commit's Target carries the row's columns (filename, mimetype, ...); the initialize's is the fallback.
                const row = body.Target === undefined ? target.target : this.noteTarget(body.Target, table, name);
                this.limits.checkNoteSize(bytes.length);
                const id = this.writeNote(table, row, bytes, ctx);
                ctx.work.rowsWritten++;
                const idField = table === 'annotation' ? 'AnnotationId' : 'ActivityMimeAttachmentId';
                return respond({ [idField]: id, FileSizeInBytes: bytes.length });
            }
            case 'InitializeAnnotationBlocksDownload':
            case 'InitializeAttachmentBlocksDownload': {
                const table = name === 'InitializeAnnotationBlocksDownload' ? 'annotation' : 'activitymimeattachment';
                const { info, id } = this.targetRow(body.Target, table);
                const column = table === 'annotation' ? 'documentbody' : 'body';
                const item = this.content.get(table, id, column);
                if (!item) throw noFile(table, id, column);
                const row = this.store.get(info.table.logicalName, id)!;
                return respond({
                    FileContinuationToken: this.sessions.beginDownload(item.bytes),
                    FileSizeInBytes: item.bytes.length,
                    FileName: row.filename ?? null,
                });
            }
            default:
                throw methodNotAllowed(req.method);
        }
    }

    /** Stores an uploaded file or image column value (image: the row's thumbnail follows). */
    storeColumn(
        info: TableInfo,
        id: string,
        attr: SimAttribute,
        bytes: Buffer,
        fileName: string | null,
        mimeType: string | null,
    ) {
        if (attr.type === 'Image') this.images.set(info, id, attr.logicalName, bytes, fileName, mimeType);
        else {
            const item = this.content.put(info.table.logicalName, id, attr.logicalName, bytes, fileName, mimeType);
            this.store.update(info.table.logicalName, id, fileColumnValues(info, attr, item.fileId, fileName));
        }
        return this.content.get(info.table.logicalName, id, attr.logicalName)!;
    }

    /** A row `Target` (`{ "<pk>": id, "@odata.type": "Microsoft.Dynamics.CRM.<table>" }`) that exists. */
    private targetRow(value: unknown, table?: string): { info: TableInfo; id: string } {
        const target = objectParameter(value, 'Target');
        const type = target['@odata.type'];
        const logical = typeof type === 'string' ? type.replace(/^#?Microsoft\.Dynamics\.CRM\./, '') : table;
        const info = logical === undefined ? undefined : this.schema.table(logical);
        if (!info || (table !== undefined && logical !== table))
            throw invalid(`The Target must be a${table ? `n '${table}'` : ' record'} with its '@odata.type'.`);
        const id = target[info.table.primaryIdAttribute];
        if (typeof id !== 'string' || !isGuid(id))
            throw invalid(`The Target must carry its '${info.table.primaryIdAttribute}'.`);
        if (!this.store.get(info.table.logicalName, id.toLowerCase())) throw notFoundById(info.table.logicalName, id);
        return { info, id: id.toLowerCase() };
    }

    private fileColumn(info: TableInfo, name: unknown): SimAttribute {
        const attr = typeof name === 'string' ? info.attributes.get(name) : undefined;
        if (!attr || (attr.type !== 'File' && attr.type !== 'Image'))
            throw invalid(`'${String(name)}' is not a file or image column of '${info.table.logicalName}'.`);
        return attr;
    }

    /** A note's or attachment's Target: its columns for the write (no body: the blocks are the body). */
    private noteTarget(value: unknown, table: string, action: string): Record<string, unknown> {
        const target = { ...objectParameter(value, 'Target') };
        const type = target['@odata.type'];
        if (type !== undefined && type !== `Microsoft.Dynamics.CRM.${table}`)
            throw invalid(`The Target of ${action} must be a '${table}'.`);
        delete target['@odata.type'];
        delete target[table === 'annotation' ? 'documentbody' : 'body'];
        if (table === 'annotation') {
            const id = target.annotationid;
            if (typeof id !== 'string' || !isGuid(id))
                throw invalid(`The Target of ${action} must have an 'annotationid' (a new GUID to create a note).`);
        }
        this.limits.checkFileName(typeof target.filename === 'string' ? target.filename : null);
        return target;
    }

    private writeNote(table: string, row: Record<string, unknown>, bytes: Buffer, ctx: RouteContext): string {
        const info = this.schema.table(table)!;
        const pk = info.table.primaryIdAttribute;
        const given = typeof row[pk] === 'string' ? row[pk].toLowerCase() : undefined;
        return this.store.transaction(() => {
            let id: string;
            if (given !== undefined && this.store.get(table, given)) {
                if (table !== 'annotation') throw duplicateKey();
                const { [pk]: _, ...changes } = row;
                this.writer.update(info, given, changes, ctx);
                id = given;
            } else {
                id = this.writer.create(info, row, ctx)[pk] as string;
            }
            this.notes.set(table, id, bytes);
            return id;
        });
    }
}

function objectParameter(value: unknown, name: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw invalid(`The parameter '${name}' is missing or is not an object.`);
    return value as Record<string, unknown>;
}

function requiredString(value: unknown, name: string, action: string): string {
    if (typeof value !== 'string' || value === '')
        throw invalid(`The parameter '${name}' of the action '${action}' is missing.`);
    return value;
}

function invalid(message: string): SimError {
    return new SimError(400, ErrorCodes.InvalidArgument, message);
}

function wrongToken(action: string): SimError {
    return invalid(`The FileContinuationToken was not issued for ${action}.`);
}

/**
 * [inferred] A column or note without a file: a third party's measurements of a live org answer an empty file column's
 * `$value` with 404 0x80040217; the simulator answers the download messages the same way.
 */
export function noFile(table: string, id: string, column: string): SimError {
    return new SimError(
        404,
        ErrorCodes.ObjectDoesNotExist,
        `No file is attached to the '${column}' of ${table} With Id = ${id}.`,
    );
}
