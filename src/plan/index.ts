export { buildPlan } from './build.js';
export { pageBoundaries, pageFilter, KEY_WALK_PAGE_SIZE, type KeyRange, type PageBoundaries } from './pages.js';
export {
    loadReferenceMatches,
    matchReferences,
    type ReferenceMatches,
    type ReferenceMatchResult,
} from './references.js';
export { planSummaryJson, renderPlan } from './summary.js';
export { SYSTEM_COLUMNS, isSystemColumnName } from './system-columns.js';
export { orderTables, type OrderOptions, type TableOrder } from './tiers.js';
export type * from './types.js';
