/**
 * Where a piece of binary content lives, and how the file block messages name it (MicrosoftDocs/powerapps-docs,
 * file-column-data.md and attachment-annotation-files.md): a file or image column of a row (InitializeFileBlocks*,
 * `Target` + `FileAttributeName`; an image column's download is its full-size image, never the thumbnail a row read
 * carries), a note's `documentbody` (InitializeAnnotationBlocks*) or an e-mail attachment's `body`
 * (InitializeAttachmentBlocks*).
 */
import type { Row } from '../client-types.js';

/** Blocks can be up to 4 MB in length (DownloadBlockRequest.BlockLength; UploadBlock's BlockData likewise). */
export const BLOCK_SIZE = 4 * 1024 * 1024;

export type ContentRef =
    | { kind: 'column'; table: string; primaryId: string; id: string; column: string }
    | { kind: 'annotation'; id: string }
    | { kind: 'attachment'; id: string };

const ODATA_TYPE = '@odata.type';

/** The `Target` entity of a block message: the row's id and its type, plus any columns the message writes. */
export function targetOf(ref: ContentRef, columns: Row = {}): Row {
    switch (ref.kind) {
        case 'column':
            return { ...columns, [ref.primaryId]: ref.id, [ODATA_TYPE]: `Microsoft.Dynamics.CRM.${ref.table}` };
        case 'annotation':
            return { ...columns, annotationid: ref.id, [ODATA_TYPE]: 'Microsoft.Dynamics.CRM.annotation' };
        case 'attachment':
            return {
                ...columns,
                activitymimeattachmentid: ref.id,
                [ODATA_TYPE]: 'Microsoft.Dynamics.CRM.activitymimeattachment',
            };
    }
}

/** The message that starts a download, and its body. */
export function downloadStart(ref: ContentRef): { action: string; body: Row } {
    switch (ref.kind) {
        case 'column':
            return {
                action: 'InitializeFileBlocksDownload',
                body: { Target: targetOf(ref), FileAttributeName: ref.column },
            };
        case 'annotation':
            return { action: 'InitializeAnnotationBlocksDownload', body: { Target: targetOf(ref) } };
        case 'attachment':
            return { action: 'InitializeAttachmentBlocksDownload', body: { Target: targetOf(ref) } };
    }
}

/** What an upload writes besides the bytes. */
export interface UploadFile {
    fileName: string;
    mimeType?: string;
    /** Note and attachment columns the Target carries (subject, filename, mimetype, objectid binding...). */
    columns?: Row;
}

/** The messages that start and commit an upload, with their bodies (the commit's gets BlockList and the token). */
export function uploadMessages(
    ref: ContentRef,
    file: UploadFile,
): { start: { action: string; body: Row }; commit: { action: string; body: Row } } {
    switch (ref.kind) {
        case 'column':
            return {
                start: {
                    action: 'InitializeFileBlocksUpload',
                    body: { Target: targetOf(ref), FileName: file.fileName, FileAttributeName: ref.column },
                },
                commit: {
                    action: 'CommitFileBlocksUpload',
                    body: { FileName: file.fileName, MimeType: file.mimeType ?? 'application/octet-stream' },
                },
            };
        case 'annotation':
        case 'attachment': {
            const target = targetOf(ref, {
                ...file.columns,
                filename: file.fileName,
                ...(file.mimeType ? { mimetype: file.mimeType } : {}),
            });
            const kind = ref.kind === 'annotation' ? 'Annotation' : 'Attachment';
            return {
                start: { action: `Initialize${kind}BlocksUpload`, body: { Target: target } },
                commit: { action: `Commit${kind}BlocksUpload`, body: { Target: target } },
            };
        }
    }
}
