/**
 * A GET of a small fixed table served outside the store (sdkmessages, sdkmessagefilters, publishers, solutions,
 * solutioncomponents): `$filter`, `$top` and `$select` over rows kept in memory, each property asked for checked by
 * the caller's `resolve` (which refuses an unknown one as the service does), answered as a collection.
 */
import { evaluateFilter, parseFilter, type FilterNode } from '../odata/index.js';
import { jsonResponse, type SimResponse } from './http-types.js';

type Row = Record<string, unknown>;

export function fixedListing(
    params: URLSearchParams,
    setName: string,
    rows: readonly Row[],
    resolve: (row: Row, property: string) => unknown,
    base: string,
    options: { allowPaths?: boolean } = {},
): SimResponse {
    let selected = rows;
    const filterText = params.get('$filter');
    if (filterText !== null) {
        const node = parseFilter(filterText, (alias) => params.get(alias) ?? undefined, {
            ...(options.allowPaths ? { allowPaths: true } : {}),
        }) as FilterNode;
        selected = rows.filter((row) => evaluateFilter(node, (property) => resolve(row, property)));
    }
    const top = params.get('$top');
    if (top !== null) selected = selected.slice(0, Number(top));
    const select = params
        .get('$select')
        ?.split(',')
        .map((s) => s.trim());
    for (const name of select ?? []) resolve(rows[0] ?? {}, name);
    const value = selected.map((row) => {
        const out: Row = { '@odata.etag': 'W/"1"' };
        for (const [k, v] of Object.entries(row)) if (!select || select.includes(k)) out[k] = v;
        return out;
    });
    return jsonResponse(200, {
        '@odata.context': `${base}$metadata#${setName}${select ? `(${select.join(',')})` : ''}`,
        value,
    });
}
