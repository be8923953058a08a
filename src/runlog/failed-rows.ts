/**
 * The columns of a run's failed-rows CSV (`runs/{runId}/errors/{table}.csv`), in one place for the writer
 * (the copy engine's failure log) and the readers (the errors download, `log --errors --json`, retrying a
 * run's failed rows): the table, the source row's id, the phase, the HTTP status and Dataverse error code of
 * the refusal, the column it concerns when known, its message, and when it happened.
 */
import { csvPreamble, csvRecord, parseCsv } from './csv.js';
import { runPaths } from './layout.js';
import type { RunStore } from './types.js';

export const FAILED_ROW_HEADER = ['table', 'source_id', 'phase', 'status', 'code', 'column', 'message', 'at'] as const;

export type FailedRow = Record<(typeof FAILED_ROW_HEADER)[number], string>;

/** The rows of one failed-rows CSV, by its own header (files of older versions lack `column`). */
export function parseFailedRows(text: string): FailedRow[] {
    const [header, ...records] = parseCsv(text);
    if (!header) return [];
    const index = FAILED_ROW_HEADER.map((name) => header.indexOf(name));
    return records
        .filter((r) => r.length > 1 || r[0] !== '')
        .map((r) => Object.fromEntries(FAILED_ROW_HEADER.map((name, i) => [name, r[index[i]!] ?? ''])) as FailedRow);
}

/** The failed rows a run logged for one table (none when it logged none). */
export async function readFailedRows(store: RunStore, runId: string, table: string): Promise<FailedRow[]> {
    const text = await store.readText(runPaths(runId).errors(table));
    return text === undefined ? [] : parseFailedRows(text);
}

/** Every failed row of a run, table by table (one table when named). */
export async function readRunFailedRows(store: RunStore, runId: string, table?: string): Promise<FailedRow[]> {
    const paths = runPaths(runId);
    const files =
        table === undefined
            ? (await store.list(paths.errorsFolder)).filter((f) => f.endsWith('.csv')).sort()
            : [paths.errors(table)];
    const texts = await Promise.all(files.map((f) => store.readText(f)));
    return texts.flatMap((text) => (text === undefined ? [] : parseFailedRows(text)));
}

/** Failed rows as one CSV document under the current header, whatever header each table's file had. */
export function failedRowsCsv(rows: readonly FailedRow[]): string {
    return (
        csvPreamble(FAILED_ROW_HEADER) + rows.map((r) => csvRecord(FAILED_ROW_HEADER.map((name) => r[name]))).join('')
    );
}
