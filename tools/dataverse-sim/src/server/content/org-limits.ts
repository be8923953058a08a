/**
 * The organization's limits on file content: `maxuploadfilesize` (notes and attachments, in bytes of the Base64 text)
 * and `blockedattachments` (extensions refused for every file: notes, attachments, file and image columns), read
 * from the organization row so that `PATCH organizations(<id>)` changes them.
 *
 * Sources (MicrosoftDocs/powerapps-docs): attachment-annotation-files.md "File size limits": default 5 MB (5242880
 * bytes), at most 128 MB (131072000); "The maximum upload file size limit applies to the size of the file in Base64
 * encoding"; too large: `unManagedidsattachmentinvalidfilesize` 0x80044a02 "Attachment file size is too big.".
 * files-images-overview.md "Block certain types of files": the default list below; a blocked type: `AttachmentBlocked`
 * 0x80043e09 "The attachment is either not a valid type or is too large. It cannot be uploaded or downloaded.".
 * [inferred] The HTTP status of both (400: a refused argument, research §7).
 */
import { ErrorCodes, SimError } from '../../errors.js';
import { DEFAULT_BLOCKED_ATTACHMENTS, DEFAULT_MAX_UPLOAD_FILE_SIZE } from '../../data/file-limits.js';
import type { Store } from '../store.js';

export class OrgLimits {
    constructor(private readonly store: Store) {}

    private org() {
        return this.store.tables.get('organization')?.rows.values().next().value;
    }

    get maxUploadFileSize(): number {
        const v = this.org()?.maxuploadfilesize;
        return typeof v === 'number' && v > 0 ? v : DEFAULT_MAX_UPLOAD_FILE_SIZE;
    }

    get blocked(): Set<string> {
        const v = this.org()?.blockedattachments;
        const list = typeof v === 'string' ? v : DEFAULT_BLOCKED_ATTACHMENTS;
        return new Set(
            list
                .split(';')
                .map((e) => e.trim().toLowerCase())
                .filter((e) => e !== ''),
        );
    }

    /** Refuses a file name whose extension the organization blocks. */
    checkFileName(fileName: string | null | undefined): void {
        if (!fileName) return;
        const dot = fileName.lastIndexOf('.');
        const ext = dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
        if (ext !== '' && this.blocked.has(ext)) throw attachmentBlocked();
    }

    /** Refuses a note or attachment body of `bytes` bytes whose Base64 text is over maxuploadfilesize. */
    checkNoteSize(bytes: number): void {
        if (base64Length(bytes) > this.maxUploadFileSize) throw fileTooBig();
    }
}

export function base64Length(bytes: number): number {
    return Math.ceil(bytes / 3) * 4;
}

export function fileTooBig(): SimError {
    return new SimError(400, ErrorCodes.AttachmentInvalidFileSize, 'Attachment file size is too big.');
}

export function attachmentBlocked(): SimError {
    return new SimError(
        400,
        ErrorCodes.AttachmentBlocked,
        'The attachment is either not a valid type or is too large. It cannot be uploaded or downloaded.',
    );
}
