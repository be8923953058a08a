/** Reading failed-rows CSVs back: the writer's own format (BOM, quoting, neutralised formulas), old headers. */
import { describe, expect, it } from 'vitest';
import { csvPreamble, csvRecord, parseCsv } from '../../src/runlog/csv.js';
import { FAILED_ROW_HEADER, failedRowsCsv, parseFailedRows } from '../../src/runlog/failed-rows.js';

describe('parseCsv', () => {
    it('reads back what the writer wrote, quotes, line breaks and formula-looking fields included', () => {
        const records = [
            ['a', 'b,c', 'say "hi"'],
            ['line\r\nbreak', ' padded ', '=1+1'],
            ['-3', '@x', ''],
        ];
        const text = csvPreamble(['one', 'two', 'three']) + records.map(csvRecord).join('');
        expect(parseCsv(text)).toEqual([['one', 'two', 'three'], ...records]);
    });

    it('takes LF line ends and a last record without one', () => {
        expect(parseCsv('a,b\n1,2\n3,4')).toEqual([
            ['a', 'b'],
            ['1', '2'],
            ['3', '4'],
        ]);
    });
});

describe('failed rows', () => {
    it('reads a file of an older version (no column field) under the current columns', () => {
        const old =
            csvPreamble(['table', 'source_id', 'phase', 'status', 'code', 'message', 'at']) +
            csvRecord(['account', 'id-1', 'copy', '400', '0x1', 'refused', '2026-01-01T00:00:00Z']);
        expect(parseFailedRows(old)).toEqual([
            {
                table: 'account',
                source_id: 'id-1',
                phase: 'copy',
                status: '400',
                code: '0x1',
                column: '',
                message: 'refused',
                at: '2026-01-01T00:00:00Z',
            },
        ]);
    });

    it('joins tables under one header and reads back the same rows', () => {
        const row = Object.fromEntries(FAILED_ROW_HEADER.map((c) => [c, `${c} value, "quoted"`])) as any;
        const text = failedRowsCsv([row, { ...row, table: 'contact' }]);
        expect(text.split('\r\n')[0]).toBe(`\uFEFF${FAILED_ROW_HEADER.join(',')}`);
        expect(parseFailedRows(text)).toEqual([row, { ...row, table: 'contact' }]);
    });
});
