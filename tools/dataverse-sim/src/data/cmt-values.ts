/**
 * The value forms CMT data files carry, read into the simulator's stored forms: booleans as `True`/`False` or
 * `1`/`0`, dates with a zone (`2025-06-28T19:06:20.0000000Z`), without one (`2020-04-05T10:27:58`, read as UTC as CMT
 * writes UTC), in the invariant culture (`06/28/2025 19:06:20`) or, as older CMT versions wrote dates and the export's
 * timestamp, in the en-US culture with a 12-hour clock (`1/29/2014 5:00:00 AM`, the Nonprofit accelerator's
 * packages; read as UTC too), numbers in the invariant culture with their scale
 * (`4325.0000000000`), multi-select choices as `[-1,1,2,-1]` (or `1,2`), images as base64. Each reader returns
 * undefined for a value it cannot read.
 */
import { ExactNumber, isExactNumber, numberFromLiteral } from '../exact-number.js';
import { isBase64 } from '../base64.js';

/** ISO-8601 UTC without fractional seconds (the stored DateTime form). */
export function isoSeconds(ms: number): string {
    return new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().slice(0, 19) + 'Z';
}

const ISO_NO_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const INVARIANT = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AP]M))?)?$/i;

/** The hour of a 24-hour clock; with AM/PM, 12 AM is 0 and 12 PM is 12. Undefined when out of range. */
function hour24(hour: number, meridiem: string | undefined): number | undefined {
    if (meridiem === undefined) return hour <= 23 ? hour : undefined;
    if (hour < 1 || hour > 12) return undefined;
    return (hour % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
}
const ZONED = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/i;

export function readDate(text: string): string | undefined {
    const t = text.trim();
    let ms = Number.NaN;
    if (ZONED.test(t)) ms = Date.parse(t.replace(/(\.\d{3})\d+/, '$1'));
    else if (ISO_NO_ZONE.test(t)) ms = Date.parse(`${t.replace(/(\.\d{3})\d+/, '$1')}Z`);
    else if (DATE_ONLY.test(t)) ms = Date.parse(`${t}T00:00:00Z`);
    else {
        const m = INVARIANT.exec(t);
        const hour = m ? hour24(Number(m[4] ?? 0), m[4] === undefined ? undefined : m[7]) : undefined;
        if (m && hour !== undefined)
            ms = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), hour, Number(m[5] ?? 0), Number(m[6] ?? 0));
    }
    return Number.isNaN(ms) ? undefined : isoSeconds(ms);
}

export function readBoolean(text: string): boolean | undefined {
    const t = text.trim();
    if (/^(true|1)$/i.test(t)) return true;
    if (/^(false|0)$/i.test(t)) return false;
    return undefined;
}

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** An invariant-culture number; `integer` also accepts a zero fraction (`33.0000000000`), as some writers put it. */
export function readNumber(text: string, integer: boolean): number | undefined {
    const t = text.trim();
    if (!NUMBER.test(t)) return undefined;
    const n = Number(t);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return undefined;
    return n;
}

/** readNumber for bigint, decimal and money values: a value a double cannot hold stays exact (ExactNumber). */
export function readExactNumber(text: string, integer: boolean): number | ExactNumber | undefined {
    const t = text.trim();
    if (readNumber(t, integer) === undefined) return undefined;
    const value = numberFromLiteral(t);
    // `33.0000000000` in an integer column is the whole number 33.
    return integer && isExactNumber(value) && !value.isInteger ? ExactNumber.parse(t.replace(/\.0+$/, '')) : value;
}

/** Option values of a multi-select: `[-1,1,2,-1]` (CMT pads with -1) or a plain list; undefined when not a list. */
export function readMultiSelect(text: string): number[] | undefined {
    const t = text.trim();
    if (!/^\[?\s*-?\d+(\s*[,;]\s*-?\d+)*\s*\]?$/.test(t) && t !== '[]' && t !== '') return undefined;
    return (t.match(/-?\d+/g) ?? []).map(Number).filter((v) => v !== -1);
}

/** An image's content as base64, whitespace (line breaks in long values) removed. */
export function readBase64(text: string): string | undefined {
    const t = text.replace(/\s+/g, '');
    return isBase64(t) ? t : undefined;
}
