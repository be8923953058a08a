/**
 * The file continuation tokens of the block messages: an upload gathers blocks (Buffers, at most 4 MB each) by
 * BlockId until its commit puts them together in the BlockList's order; a download hands out slices of the stored
 * Buffer. file-column-data.md: blocks "of 4 MB or less"; a BlockId is "a valid Base64 string value ... Prior to
 * encoding, the string must be less than or equal to 64 bytes in size". [inferred] The refusals' wording and their
 * 400 status: no page gives them.
 */
import { randomUUID } from 'node:crypto';
import { isBase64 } from '../../base64.js';
import { ErrorCodes, SimError } from '../../errors.js';

export const BLOCK_LIMIT = 4 * 1024 * 1024;

export interface UploadSession<T> {
    /** What the upload goes to (a column of a row, a note, an attachment). */
    target: T;
    blocks: Map<string, Buffer>;
}

export class BlockSessions<T> {
    private readonly uploads = new Map<string, UploadSession<T>>();
    private readonly downloads = new Map<string, Buffer>();

    beginUpload(target: T): string {
        const token = randomUUID();
        this.uploads.set(token, { target, blocks: new Map() });
        return token;
    }

    /** UploadBlock: `{ BlockId, BlockData, FileContinuationToken }`. */
    uploadBlock(body: Record<string, unknown>): void {
        const session = this.upload(body.FileContinuationToken);
        const blockId = body.BlockId;
        if (
            typeof blockId !== 'string' ||
            !isBase64(blockId) ||
            blockId === '' ||
            Buffer.from(blockId, 'base64').length > 64
        )
            throw invalid('The BlockId must be a Base64 string of at most 64 bytes before encoding.');
        const data = body.BlockData;
        if (typeof data !== 'string' || !isBase64(data)) throw invalid('The BlockData must be a Base64 string.');
        // 4 MB of bytes is 5,592,408 Base64 characters: refuse before decoding anything larger.
        if (data.length > Math.ceil(BLOCK_LIMIT / 3) * 4) throw blockTooLarge();
        const bytes = Buffer.from(data, 'base64');
        if (bytes.length > BLOCK_LIMIT) throw blockTooLarge();
        session.blocks.set(blockId, bytes);
    }

    /** The session of a commit and its blocks put together in BlockList order; the token is spent. */
    commit(token: unknown, blockList: unknown): { target: T; bytes: Buffer } {
        const session = this.upload(token);
        if (!Array.isArray(blockList)) throw invalid('The BlockList must be an array of BlockId values.');
        const blocks = blockList.map((id) => {
            const block = typeof id === 'string' ? session.blocks.get(id) : undefined;
            if (!block) throw invalid(`The BlockList names a block that was not uploaded: ${JSON.stringify(id)}.`);
            return block;
        });
        const bytes = Buffer.allocUnsafe(blocks.reduce((n, b) => n + b.length, 0));
        let at = 0;
        for (const b of blocks) at += b.copy(bytes, at);
        this.uploads.delete(token as string);
        return { target: session.target, bytes };
    }

    beginDownload(bytes: Buffer): string {
        const token = randomUUID();
        this.downloads.set(token, bytes);
        return token;
    }

    /** DownloadBlock: `{ Offset, BlockLength, FileContinuationToken }` -> the block's bytes (a view, not a copy). */
    downloadBlock(body: Record<string, unknown>): Buffer {
        const token = body.FileContinuationToken;
        const bytes = typeof token === 'string' ? this.downloads.get(token) : undefined;
        if (!bytes) throw invalidToken();
        const offset = body.Offset;
        const length = body.BlockLength;
        if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset > bytes.length)
            throw invalid(`The Offset must be a whole number from 0 to the file size (${bytes.length}).`);
        if (typeof length !== 'number' || !Number.isInteger(length) || length <= 0)
            throw invalid('The BlockLength must be a positive whole number.');
        if (length > BLOCK_LIMIT) throw blockTooLarge();
        return bytes.subarray(offset, Math.min(bytes.length, offset + length));
    }

    private upload(token: unknown): UploadSession<T> {
        const session = typeof token === 'string' ? this.uploads.get(token) : undefined;
        if (!session) throw invalidToken();
        return session;
    }
}

function invalid(message: string): SimError {
    return new SimError(400, ErrorCodes.InvalidArgument, message);
}

function invalidToken(): SimError {
    return invalid('The FileContinuationToken is not valid: no upload or download is in progress under it.');
}

function blockTooLarge(): SimError {
    return invalid(`A block may hold at most ${BLOCK_LIMIT} bytes (4 MB).`);
}
