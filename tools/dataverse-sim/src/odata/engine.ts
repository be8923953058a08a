import { parseQuery, runQuery } from './query.js';
import type { QueryEngine } from './types.js';

/** The OData query engine the HTTP server calls. */
export const queryEngine: QueryEngine = { parseQuery, runQuery };
