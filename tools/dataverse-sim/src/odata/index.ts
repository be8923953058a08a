/** Public API of the simulator's OData query engine. */
export { queryEngine } from './engine.js';
export { parseQuery, runQuery, primaryKeyBounds, sortKeysOf, COUNT_LIMIT, type SortKey } from './query.js';
export {
    parseFilter,
    evaluateFilter,
    type FilterExpr,
    type CompareOp,
    type CompareAs,
    type LiteralNode,
    type PropertyNode,
    type AliasLookup,
    type ParseFilterOptions,
} from './filter.js';
export type { PropertyResolver } from './filter-eval.js';
export { bindFilter, tableProperties, propertyNameOf, rowResolver, type TableProperty, type EdmType } from './bind.js';
export { encodeSkipToken, decodeSkipToken, nextLinkWithSkipToken, type SkipTokenContent } from './skiptoken.js';
export { parsePrefer, annotationRequested, MAX_PAGE_SIZE, type Preferences } from './prefer.js';
export { compareStrings } from './values.js';
export type * from './types.js';
