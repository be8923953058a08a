/** CSV encoding as spreadsheets read it: exact bytes for the cases RFC 4180 and formula injection care about. */
import { describe, expect, it } from 'vitest';
import { csvField, csvPreamble, csvRecord, csvRecords } from '../../src/runlog/csv.js';

describe('csvField', () => {
    it('leaves plain fields alone and quotes what RFC 4180 requires', () => {
        expect(csvField('account')).toBe('account');
        expect(csvField('')).toBe('');
        expect(csvField('a,b')).toBe('"a,b"');
        expect(csvField('say "hi"')).toBe('"say ""hi"""');
        expect(csvField('two\nlines')).toBe('"two\nlines"');
        expect(csvField('cr\rlf')).toBe('"cr\rlf"');
        expect(csvField(' padded ')).toBe('" padded "');
        expect(csvField('0x80040237')).toBe('0x80040237');
    });

    it('neutralises fields a spreadsheet would run as a formula', () => {
        expect(csvField('=1+1')).toBe("'=1+1");
        expect(csvField('+1')).toBe("'+1");
        expect(csvField('-2147220891')).toBe("'-2147220891");
        expect(csvField('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
        expect(csvField('\tx')).toBe("'\tx");
        expect(csvField('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
        expect(csvField('a=b')).toBe('a=b');
    });
});

describe('CSV records', () => {
    it('ends every record with CRLF and starts a document with the BOM and header', () => {
        expect(csvRecord(['a', 'b,c'])).toBe('a,"b,c"\r\n');
        expect(csvPreamble(['table', 'sourceId'])).toBe('\uFEFFtable,sourceId\r\n');
    });

    it('checks every record has one field per column, naming the record', () => {
        expect(
            csvRecords(
                'e.csv',
                ['a', 'b'],
                [
                    ['1', '2'],
                    ['3', '4'],
                ],
            ),
        ).toEqual(['1,2\r\n', '3,4\r\n']);
        expect(() => csvRecords('e.csv', ['a', 'b'], [['1', '2'], ['3']])).toThrow(
            'appendCsv e.csv: record 1 has 1 fields; the header has 2',
        );
        expect(() => csvRecords('e.csv', [], [])).toThrow(/header has no columns/);
        expect(() => csvRecords('e.csv', ['a'], [[42 as unknown as string]])).toThrow(
            /record 0 field 0 is not a string/,
        );
    });
});
