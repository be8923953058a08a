/**
 * CSV as spreadsheets open it: UTF-8 with a BOM, CRLF record ends, RFC 4180 quoting, and fields that a
 * spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`, tab, CR) neutralised by a leading `'`.
 */

export const UTF8_BOM = '\uFEFF';
const CRLF = '\r\n';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One field: neutralised against formula injection, then quoted when RFC 4180 requires it. */
export function csvField(value: string): string {
    const safe = FORMULA_START.test(value) ? `'${value}` : value;
    return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record with its CRLF. */
export function csvRecord(fields: readonly string[]): string {
    return fields.map(csvField).join(',') + CRLF;
}

/** What a new CSV document starts with: the BOM and the header record. */
export function csvPreamble(header: readonly string[]): string {
    return UTF8_BOM + csvRecord(header);
}

/** Every record of one `appendCsv` call, each checked to have one field per header column. */
export function csvRecords(
    path: string,
    header: readonly string[],
    records: ReadonlyArray<readonly string[]>,
): string[] {
    if (header.length === 0) throw new TypeError(`appendCsv ${path}: the header has no columns`);
    checkFields(path, 'header', header);
    return records.map((record, index) => {
        if (!Array.isArray(record) || record.length !== header.length) {
            const width = Array.isArray(record) ? record.length : 'no';
            throw new TypeError(
                `appendCsv ${path}: record ${index} has ${width} fields; the header has ${header.length}`,
            );
        }
        checkFields(path, `record ${index}`, record);
        return csvRecord(record);
    });
}

function checkFields(path: string, what: string, fields: readonly string[]): void {
    fields.forEach((field, column) => {
        if (typeof field !== 'string')
            throw new TypeError(`appendCsv ${path}: ${what} field ${column} is not a string`);
    });
}
