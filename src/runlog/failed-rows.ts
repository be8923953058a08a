/**
 * The columns of a run's failed-rows CSV (`runs/{runId}/errors/{table}.csv`), in one place for the writer
 * (the copy engine's failure log) and the readers (the errors download, which joins several tables' files
 * under one header). They are the columns the copy engine writes: the table, the source row's id, the phase,
 * the HTTP status and Dataverse error code of the refusal, its message, and when it happened.
 */
export const FAILED_ROW_HEADER = ['table', 'source_id', 'phase', 'status', 'code', 'message', 'at'] as const;
