/**
 * Numbers a JavaScript double cannot hold: Dataverse's Int64 (BigInt, up to 9,223,372,036,854,775,807), Decimal (up to
 * 1e11 with 10 decimals) and Money (up to about 9.2e14 with 4 decimals) travel as JSON number literals, so a literal
 * with more than 15 significant digits may not survive `JSON.parse`. Such a value is read as an `ExactNumber` holding
 * its decimal text; every value a double holds exactly stays a plain `number`, so rows keep the type they always had.
 * `decimalKey` compares both kinds exactly, at a column's precision when one is given.
 */

/** A decimal literal: optional sign, digits, optional fraction and exponent (JSON's number grammar, loosened). */
const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Largest exponent an ExactNumber spells out in full; Dataverse's numbers stay far inside it. */
const MAX_EXPONENT = 400;

interface Decimal {
    negative: boolean;
    /** Digits without leading zeros ('' for zero). */
    digits: string;
    /** Value = digits × 10^-scale. */
    scale: number;
}

function parseDecimal(text: string): Decimal | undefined {
    const m = DECIMAL.exec(text);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
    const fraction = m[3] ?? '';
    const exponent = m[4] === undefined ? 0 : Number(m[4]);
    if (!Number.isSafeInteger(exponent)) return undefined;
    return {
        negative: m[1] === '-',
        digits: `${m[2]}${fraction}`.replace(/^0+/, ''),
        scale: fraction.length - exponent,
    };
}

/** Drops trailing zeros (and the sign of zero), so one value has one form. */
function normalise(d: Decimal): Decimal {
    if (d.digits === '') return { negative: false, digits: '', scale: 0 };
    let end = d.digits.length;
    let scale = d.scale;
    while (end > 1 && d.digits.charCodeAt(end - 1) === 48 /* 0 */) {
        end--;
        scale--;
    }
    return { negative: d.negative, digits: d.digits.slice(0, end), scale };
}

/** Rounds half away from zero to `places` decimals, as SQL Server converts a decimal to a smaller scale. */
function roundDecimal(d: Decimal, places: number): Decimal {
    if (d.scale <= places || d.digits === '') return d;
    const drop = d.scale - places;
    if (drop > d.digits.length) return { negative: false, digits: '', scale: 0 };
    const divisor = 10n ** BigInt(drop);
    const coefficient = BigInt(d.digits);
    let kept = coefficient / divisor;
    if ((coefficient % divisor) * 2n >= divisor) kept += 1n;
    return { negative: d.negative, digits: kept === 0n ? '' : kept.toString(), scale: places };
}

/** Plain decimal notation (no exponent) of a normalised value. */
function plainText(d: Decimal): string {
    if (d.digits === '') return '0';
    const sign = d.negative ? '-' : '';
    if (d.scale <= 0) return `${sign}${d.digits}${'0'.repeat(-d.scale)}`;
    const padded = d.digits.padStart(d.scale + 1, '0');
    return `${sign}${padded.slice(0, -d.scale)}.${padded.slice(-d.scale)}`;
}

/** A number a double cannot hold exactly, kept as its decimal text (plain notation, no trailing zeros). */
export class ExactNumber {
    private constructor(readonly text: string) {}

    /** The value of a decimal literal; undefined for text that is no decimal number or is out of any sane range. */
    static parse(literal: string): ExactNumber | undefined {
        const d = parseDecimal(literal);
        if (!d || Math.abs(d.scale) > MAX_EXPONENT + d.digits.length) return undefined;
        return new ExactNumber(plainText(normalise(d)));
    }

    /** Whether this is a whole number (an Int64 column's value must be). */
    get isInteger(): boolean {
        return !this.text.includes('.');
    }

    toString(): string {
        return this.text;
    }

    /** The nearest double, for code that only needs an approximation (sorting, formatting). */
    valueOf(): number {
        return Number(this.text);
    }

    /** Plain `JSON.stringify` gives the decimal text as a string; `stringifyJson` writes it as a number literal. */
    toJSON(): string {
        return this.text;
    }
}

export function isExactNumber(value: unknown): value is ExactNumber {
    return value instanceof ExactNumber;
}

/**
 * The number a literal stands for: a plain `number` when the double `Number(literal)` is exactly that decimal value,
 * else an ExactNumber. A literal of at most 15 significant digits always fits (a double holds 15 decimal digits).
 */
export function numberFromLiteral(literal: string): number | ExactNumber {
    const n = Number(literal);
    if (significantDigitsAtMost15(literal) || !Number.isFinite(n)) return n;
    const exact = ExactNumber.parse(literal);
    if (exact === undefined) return n;
    const shortest = String(n);
    const same = shortest.includes('e') ? decimalKey(exact) === decimalKey(shortest) : exact.text === shortest;
    return same ? n : exact;
}

function significantDigitsAtMost15(literal: string): boolean {
    let digits = 0;
    for (let i = 0; i < literal.length; i++) {
        const c = literal.charCodeAt(i);
        if (c === 101 || c === 69) break; // e, E: the exponent's digits do not count
        if (c >= 48 && c <= 57 && ++digits > 15) return false;
    }
    return true;
}

/**
 * One string per decimal value (rounded half away from zero to `places` decimals when given): equal keys, equal
 * values. Takes a number, an ExactNumber or a decimal string; undefined for anything else.
 */
export function decimalKey(value: unknown, places?: number): string | undefined {
    const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : undefined) : decimalText(value);
    if (text === undefined) return undefined;
    const parsed = parseDecimal(text);
    if (!parsed) return undefined;
    const d = normalise(places === undefined ? parsed : roundDecimal(parsed, places));
    return d.digits === '' ? '0' : `${d.negative ? '-' : ''}${d.digits}e${-d.scale}`;
}

function decimalText(value: unknown): string | undefined {
    if (value instanceof ExactNumber) return value.text;
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
