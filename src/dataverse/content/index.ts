/** Binary content (file and image columns, note and attachment bodies) moved in blocks: the public surface. */
export { BLOCK_SIZE, targetOf, type ContentRef, type UploadFile } from './content-ref.js';
export {
    blockId,
    contentHash,
    openDownload,
    uploadBlocks,
    type ContentClient,
    type Download,
} from './block-transfer.js';
