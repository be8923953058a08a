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

/** A field as it was before `csvField` neutralised it (a leading `'` before a formula start). */
function unneutralised(value: string): string {
    return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

/** The records of a CSV document written by these functions (BOM, RFC 4180 quoting, CRLF or LF). */
export function parseCsv(text: string): string[][] {
    const records: string[][] = [];
    let record: string[] = [];
    let field = '';
    let quoted = false;
    let i = text.startsWith(UTF8_BOM) ? 1 : 0;
    const endField = () => {
        record.push(unneutralised(field));
        field = '';
    };
    for (; i < text.length; i++) {
        const c = text[i]!;
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') {
                field += '"';
                i++;
            } else if (c === '"') quoted = false;
            else field += c;
        } else if (c === '"' && field === '') quoted = true;
        else if (c === ',') endField();
        else if (c === '\n' || c === '\r') {
            if (c === '\r' && text[i + 1] === '\n') i++;
            endField();
            records.push(record);
            record = [];
        } else field += c;
    }
    if (field !== '' || record.length > 0) {
        endField();
        records.push(record);
    }
    return records;
}
