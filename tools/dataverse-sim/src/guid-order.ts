/**
 * SQL Server `uniqueidentifier` ordering, which Dataverse uses for primary keys.
 *
 * SqlGuid compares the 16 bytes of Guid.ToByteArray() in the order
 * 10,11,12,13,14,15, 8,9, 6,7, 4,5, 0,1,2,3. ToByteArray() stores the first three groups
 * little-endian, so for the string "00112233-4455-6677-8899-aabbccddeeff":
 *   bytes 10..15 = aa bb cc dd ee ff (last group, left to right)
 *   bytes  8..9  = 88 99             (fourth group, left to right)
 *   bytes  6..7  = 77 66             (third group, reversed)
 *   bytes  4..5  = 55 44             (second group, reversed)
 *   bytes  0..3  = 33 22 11 00       (first group, reversed)
 * A client that splits key ranges by string order of GUIDs gets wrong pages against this.
 */

// Hex-digit offsets in the canonical 36-char form, byte by byte, in SQL comparison order.
const SQL_BYTE_OFFSETS = [24, 26, 28, 30, 32, 34, 19, 21, 16, 14, 11, 9, 6, 4, 2, 0];

/** A sort key whose plain string order equals SQL Server's uniqueidentifier order. */
export function sqlGuidSortKey(guid: string): string {
    const g = guid.toLowerCase();
    let key = '';
    for (const offset of SQL_BYTE_OFFSETS) key += g.slice(offset, offset + 2);
    return key;
}

/**
 * Compares two GUID strings as SQL Server does: negative, zero or positive. Runs per scanned row in
 * filters, so it compares characters in place instead of building the two sort keys.
 */
export function compareSqlGuids(a: string, b: string): number {
    for (const offset of SQL_BYTE_OFFSETS) {
        for (let i = offset; i < offset + 2; i++) {
            // | 0x20 lower-cases hex letters and leaves digits as they are.
            const d = (a.charCodeAt(i) | 0x20) - (b.charCodeAt(i) | 0x20);
            if (d !== 0) return d < 0 ? -1 : 1;
        }
    }
    return 0;
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
    return GUID_RE.test(value);
}
