import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { decimalKey, ExactNumber, isExactNumber, numberFromLiteral } from '../../src/dataverse/exact-number.js';
import { parseJson, stringifyJson } from '../../src/dataverse/json-exact.js';

describe('exact JSON numbers', () => {
    it('reads literals a double cannot hold as ExactNumbers and everything else as JSON.parse does', () => {
        const text =
            '{"big":9007199254740993,"dec":12345678901.1234567891,"money":20000.0000,"safe":1234567890123456,' +
            '"full":123456.1234567890,"neg":-922337203685477.5807,"s":"a\\"b\\u00e9 1234567890123456789","list":[1,true,null,{"x":[]}]}';
        const value = parseJson(text) as Record<string, unknown>;
        expect(isExactNumber(value.big)).toBe(true);
        expect(String(value.big)).toBe('9007199254740993');
        expect(String(value.dec)).toBe('12345678901.1234567891');
        expect(String(value.neg)).toBe('-922337203685477.5807');
        // Values a double holds exactly stay numbers, whatever their scale.
        expect(value.money).toBe(20000);
        expect(value.safe).toBe(1234567890123456);
        expect(value.full).toBe(123456.123456789);
        expect(value.s).toBe('a"bé 1234567890123456789');
        expect(value.list).toEqual([1, true, null, { x: [] }]);
        // Without a long literal the text goes to JSON.parse unchanged.
        expect(parseJson('{"a":[1.5,"x"]}')).toEqual({ a: [1.5, 'x'] });
        // Numbers in arrays, after whitespace, or alone are found too.
        expect(String((parseJson('{"Values": [ 1, 9007199254740993]}') as { Values: unknown[] }).Values[1])).toBe(
            '9007199254740993',
        );
        expect(String(parseJson(' -9007199254740993'))).toBe('-9007199254740993');
    });

    it('rejects what JSON.parse rejects, naming the position', () => {
        expect(() => parseJson('{"a":12345678901234567,}')).toThrow(SyntaxError);
        expect(() => parseJson('{"a":012345678901234567}')).toThrow(/position 6/);
        expect(() => parseJson('[12345678901234567] x')).toThrow(/after the JSON value/);
        expect(() => parseJson('{"n":12345678901234567,"a":"x')).toThrow(/bad string/);
        expect(() => parseJson('{"n":12345678901234567,"a":tru}')).toThrow(/unexpected character/);
    });

    it('writes ExactNumbers back as number literals, plain JSON.stringify as strings', () => {
        const row = { big: ExactNumber.parse('9007199254740993'), dec: numberFromLiteral('1.10000000000000000001') };
        expect(stringifyJson(row)).toBe('{"big":9007199254740993,"dec":1.10000000000000000001}');
        expect(JSON.stringify(row)).toBe('{"big":"9007199254740993","dec":"1.10000000000000000001"}');
        expect(stringifyJson({ a: 1, s: 'x' })).toBe('{"a":1,"s":"x"}');
        // A round trip keeps every digit.
        const text = '{"Targets":[{"n":-12345678901.0000000001,"m":9223372036854775807}]}';
        expect(stringifyJson(parseJson(text))).toBe(text);
    });

    it('writes a body holding ExactNumbers as JSON.stringify writes everything else', () => {
        const body = {
            s: 'quote " backslash \\ é \u0001',
            skipped: undefined,
            list: [undefined, 1.5, null, true, { at: new Date(Date.UTC(2024, 0, 2)) }],
            nan: Number.NaN,
        };
        const withExact = { ...body, n: ExactNumber.parse('123456789012345678') };
        expect(stringifyJson(withExact)).toBe(`${JSON.stringify(body).slice(0, -1)},"n":123456789012345678}`);
    });

    it('keys decimal values exactly, rounding half away from zero at a precision', () => {
        expect(decimalKey(ExactNumber.parse('12345678901.1234567891'))).not.toBe(
            decimalKey(ExactNumber.parse('12345678901.1234567890')),
        );
        expect(decimalKey(20000)).toBe(decimalKey('20000.0000'));
        expect(decimalKey(1.005, 2)).toBe(decimalKey(1.01));
        expect(decimalKey(-1.005, 2)).toBe(decimalKey(-1.01));
        expect(decimalKey('1.004999', 2)).toBe(decimalKey(1));
        expect(decimalKey(-0.001, 2)).toBe('0');
        expect(decimalKey(1e21)).toBe(decimalKey(ExactNumber.parse('1000000000000000000000')));
        expect(decimalKey(1.5e-7)).toBe(decimalKey('0.00000015'));
        expect(decimalKey('x')).toBeUndefined();
        expect(ExactNumber.parse('1.2.3')).toBeUndefined();
    });

    it('keeps no part of a body alive through the values read from it (a page response is freed with its page)', () => {
        setFlagsFromString('--expose-gc');
        const gc = runInNewContext('gc') as () => void;
        // One row with a long number (the exact reader's path) and 10 MB of other values around the kept ones.
        const filler = 'x'.repeat(1_000_000);
        const body = () =>
            `{"value":[{"id":"00000000-0000-0000-0000-000000000001","name":"a name of some length",` +
            `"n":12345678901234567890,${Array.from({ length: 10 }, (_, i) => `"f${i}":"${filler}"`).join(',')}}]}`;
        gc();
        const before = process.memoryUsage().heapUsed;
        const kept = Array.from({ length: 3 }, () => {
            const row = (parseJson(body()) as { value: Array<Record<string, unknown>> }).value[0]!;
            return [row.id, row.name, row.n];
        });
        gc();
        const grown = process.memoryUsage().heapUsed - before;
        expect(kept.flat().map(String)).toContain('12345678901234567890');
        // Three bodies of 10 MB each would be 30 MB; the kept values are a few hundred bytes.
        expect(grown).toBeLessThan(10_000_000);
    });
});
