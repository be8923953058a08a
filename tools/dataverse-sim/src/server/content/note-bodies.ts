/**
 * Note and attachment bodies (`annotation.documentbody`, `activitymimeattachment.body`): Base64 string columns on the
 * wire, kept as Buffers in the content store. A write's body is checked against the organization's maximum upload
 * size (of the Base64 text) and blocked extensions, then stored with `filesize` (and `isdocument` on notes) set; a
 * read renders the Buffer as Base64 again. attachment-annotation-files.md: "You can directly get and set the values
 * of the activitymimeattachment.body and annotation.documentbody columns as Base64 encoded strings".
 */
import { isBase64 } from '../../base64.js';
import { ErrorCodes, SimError } from '../../errors.js';
import type { SimRow } from '../../model.js';
import type { TableInfo } from '../schema-index.js';
import type { Store } from '../store.js';
import type { Mode, WriteExtension } from '../writer.js';
import type { ContentStore } from './content-store.js';
import { fileTooBig, type OrgLimits } from './org-limits.js';

/** The body column of each table whose rows carry a file in a string column. */
export const BODY_COLUMNS: Readonly<Record<string, string>> = {
    annotation: 'documentbody',
    activitymimeattachment: 'body',
};

const PRIMARY_IDS: Readonly<Record<string, string>> = {
    annotation: 'annotationid',
    activitymimeattachment: 'activitymimeattachmentid',
};

export class NoteBodies implements WriteExtension {
    constructor(
        private readonly store: Store,
        private readonly content: ContentStore,
        private readonly limits: OrgLimits,
    ) {}

    take(info: TableInfo, body: Record<string, unknown>, _mode: Mode, _ctx: unknown) {
        const table = info.table.logicalName;
        const column = BODY_COLUMNS[table];
        if (column === undefined) return undefined;
        if (typeof body.filename === 'string') this.limits.checkFileName(body.filename);
        if (!(column in body)) return undefined;
        const value = body[column];
        delete body[column];
        if (value === null || value === '') return (id: string) => this.set(table, id, null);
        if (typeof value !== 'string' || !isBase64(value)) {
            throw new SimError(
                400,
                ErrorCodes.ODataParse,
                `Cannot convert the literal '${typeof value === 'string' ? value.slice(0, 40) : JSON.stringify(value)}' to the expected type 'Edm.String' (Base64 content of '${column}').`,
            );
        }
        // The limit is on the Base64 text (attachment-annotation-files.md "File size limits").
        if (value.length > this.limits.maxUploadFileSize) throw fileTooBig();
        const bytes = Buffer.from(value, 'base64');
        return (id: string) => this.set(table, id, bytes);
    }

    /**
     * Bodies the loaded rows hold as Base64 in their column (a generated dataset) move to the content store, where
     * written ones are kept.
     */
    adoptLoaded(): void {
        for (const [table, column] of Object.entries(BODY_COLUMNS)) {
            const rows = this.store.tables.get(table);
            for (const row of rows ? rows.scan() : []) {
                const value = row[column];
                if (value === undefined) continue;
                delete row[column];
                if (typeof value === 'string' && value !== '')
                    this.content.put(
                        table,
                        row[PRIMARY_IDS[table]!] as string,
                        column,
                        Buffer.from(value, 'base64'),
                        null,
                        null,
                    );
            }
        }
    }

    beforeDelete(info: TableInfo, id: string): void {
        if (BODY_COLUMNS[info.table.logicalName] !== undefined) this.content.dropRow(info.table.logicalName, id);
    }

    /** Stores (or clears) a row's body and the columns that describe it; the row exists. */
    set(table: string, id: string, bytes: Buffer | null): void {
        const column = BODY_COLUMNS[table]!;
        const changes: SimRow = { filesize: bytes ? bytes.length : null };
        if (table === 'annotation') changes.isdocument = bytes !== null;
        if (bytes) this.content.put(table, id, column, bytes, null, null);
        else this.content.delete(table, id, column);
        this.store.update(table, id, changes);
    }

    /** The body as the Web API shows it (Base64), for the serializer; undefined for other columns. */
    value(table: string, column: string, row: SimRow, pk: string): string | null | undefined {
        if (BODY_COLUMNS[table] !== column) return undefined;
        return this.content.get(table, row[pk] as string, column)?.bytes.toString('base64') ?? null;
    }
}
