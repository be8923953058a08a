/**
 * An activity's party lists (email from/to/cc/bcc, appointment attendees, phone call from/to). They are PartyList
 * columns without a value of their own: the rows are `activityparty`, which takes no write of its own (its only message
 * is RetrieveMultiple, activityparty.md "Messages"); they are written with the activity, as its
 * `<activity>_activity_parties` collection on create and update, and read back with `$expand` of the same name.
 * `activityparty.partyid` maps like any lookup (plan/lookups.ts): a party table copied in the run binds by id or key
 * and must be written first (a required edge, so its rows exist when the activity is created with its parties), a
 * reference table (users, teams) through its matches; a party pointing elsewhere keeps its e-mail address alone
 * (`addressused`), as the service keeps a recipient it cannot resolve.
 */
import type { AttributeMetadata, TableMetadata } from '../dataverse/metadata-types.js';
import type { PlanContext, RunTable } from './context.js';
import { tablePath } from './context.js';
import type { LookupEdge } from './graph.js';
import { mapLookupColumn } from './lookups.js';
import type { PartiesPlan } from './types.js';

export const PARTY_TABLE = 'activityparty';
const PARTY_COLUMN = 'partyid';

/** The collection of `activity`'s parties: the one-to-many relationship from the activity to activityparty.activityid. */
function partiesNavigation(table: TableMetadata): string | undefined {
    return table.oneToMany.find((r) => r.referencingEntity === PARTY_TABLE && r.referencingAttribute === 'activityid')
        ?.referencedEntityNavigationPropertyName;
}

function partyLists(table: TableMetadata): AttributeMetadata[] {
    return table.attributes.filter((a) => a.attributeType === 'PartyList');
}

/** The parties plan of a run table with party lists (undefined for other tables), and its dependency edges. */
export function planParties(ctx: PlanContext, run: RunTable): { parties?: PartiesPlan; edges: LookupEdge[] } {
    const lists = partyLists(run.source);
    if (lists.length === 0) return { edges: [] };
    const path = tablePath(run);
    const table = run.spec.name;
    const sourceParties = ctx.source.tables.get(PARTY_TABLE);
    const targetParties = ctx.target.tables.get(PARTY_TABLE);
    const sourceNavigation = partiesNavigation(run.source);
    const targetNavigation = partiesNavigation(run.target);
    const sourceAttr = sourceParties?.attributes.find((a) => a.logicalName === PARTY_COLUMN);
    const targetAttr = targetParties?.attributes.find((a) => a.logicalName === PARTY_COLUMN);
    if (!sourceNavigation || !targetNavigation || !sourceAttr || !targetAttr || !targetParties) {
        ctx.warnings.push({
            path,
            table,
            columns: lists.map((a) => a.logicalName),
            message: `'${table}': not copied (party lists: the ${!sourceNavigation || !sourceAttr ? 'source' : 'target'} has no ${PARTY_TABLE} collection for '${table}'): ${lists.map((a) => a.logicalName).join(', ')}`,
        });
        return { edges: [] };
    }
    // The lookup rules of any column, with activityparty as the table holding it; what they would call a cleared
    // value is, for a party, its address alone, so their unresolved-table issues are replaced by one of ours.
    const local: PlanContext = { ...ctx, warnings: [], problems: [] };
    const mapped = mapLookupColumn(local, { ...run, target: targetParties }, sourceAttr, targetAttr, path);
    const unresolvedIssue = /neither copied in this run nor a reference table|is copied with a filter/;
    ctx.problems.push(
        ...local.problems
            .filter((p) => !unresolvedIssue.test(p.message))
            .map((p) => ({ ...p, message: `parties of '${table}': ${p.message}` })),
    );
    const elsewhere = mapped.targets.filter((t) => t.binding.kind === 'unresolved').map((t) => `'${t.table}'`);
    if (elsewhere.length > 0) {
        ctx.warnings.push({
            path,
            table,
            column: PARTY_COLUMN,
            message: `'${table}': parties that are a ${elsewhere.join(', ')} (neither copied in this run nor a reference table) keep their e-mail address alone (addressused); one without an address is an unresolved lookup (onUnresolvedLookup '${ctx.spec.onUnresolvedLookup}')`,
        });
    }
    return {
        parties: {
            sourceNavigation,
            targetNavigation,
            lists: lists.map((a) => a.logicalName),
            party: {
                source: PARTY_COLUMN,
                target: PARTY_COLUMN,
                kind: 'lookup',
                type: targetAttr.attributeType,
                writable: 'both',
                lookup: { targets: mapped.targets, required: false },
            },
        },
        // Written with the activity: the parties' rows must exist by then, so these edges are never deferred.
        edges: mapped.edges.map((e) => ({ ...e, required: true })),
    };
}
