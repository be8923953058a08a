/**
 * The one thing run leases need from a run store beyond plain documents: compare-and-swap. A lease document is
 * read with a version; it is created only when absent, and replaced or removed only while it is still at the
 * version read, so of two writers racing on one document exactly one wins. The file store versions a document
 * by its text (every lease text is unique), the Blob store by its ETag.
 */
export interface VersionedDocument {
    text: string;
    version: string;
}

export interface LeaseDocuments {
    /** Undefined when the document does not exist. */
    read(path: string): Promise<VersionedDocument | undefined>;
    /** Creates the document unless one exists; false when one does. */
    create(path: string, text: string): Promise<boolean>;
    /** Replaces the document only while it is at `version`; false when it changed or is gone. */
    replace(path: string, text: string, version: string): Promise<boolean>;
    /** Deletes the document only while it is at `version`; false when it changed or is gone. */
    remove(path: string, version: string): Promise<boolean>;
}
