/**
 * Many-to-many pairs of users, teams and security roles the target refuses to relate whoever asks, found before they
 * are sent by reading the target's principals: members of a default business-unit team (Dataverse derives them from
 * each user's business unit) or of a Microsoft Entra ID group team (Entra ID manages them), a role for a disabled user,
 * a role of another business unit than its user or team (the classic business-unit model). Such a pair is skipped with
 * its reason, a warning, so a refresh does not report the same failed rows every time. The service's own codes for the
 * default team (CannotAddMembersToDefaultTeam 0x8004830B, CannotRemoveMembersFromDefaultTeam 0x8004830C, Web service
 * error codes) are recognised too, for a team that became a default one since it was read.
 */
import type { DataverseClient, Row } from '../dataverse/client-types.js';
import type { ManyToManyEnvironmentPlan, ManyToManySide } from '../plan/types.js';
import { filterBudget, idFilters } from './addressing.js';
import { readFiltered, type ReadOptions } from './page-read.js';

export const REFUSAL_REASONS = {
    defaultTeam: 'default business-unit team: Dataverse manages its members',
    groupTeam: 'Microsoft Entra ID group team: Entra ID manages its members',
    disabledUser: 'disabled user: Dataverse assigns no security role to a disabled user',
    roleOfOtherUnit: "security role of another business unit than its user's or team's",
} as const;

/** The service's codes for a refused pair, as reasons. */
const REFUSAL_CODES: Record<string, string> = {
    '0x8004830b': REFUSAL_REASONS.defaultTeam,
    '0x8004830c': REFUSAL_REASONS.defaultTeam,
};

export function refusalOfCode(code: string | undefined): string | undefined {
    return code === undefined ? undefined : REFUSAL_CODES[code.toLowerCase()];
}

/** Microsoft Entra ID group teams: teamtype Security Group (2) and Office Group (3). */
const GROUP_TEAM_TYPES = new Set([2, 3]);

const COLUMNS: Record<string, string[]> = {
    team: ['isdefault', 'teamtype', '_businessunitid_value'],
    systemuser: ['isdisabled', '_businessunitid_value'],
    role: ['_businessunitid_value'],
};

/**
 * Why the target would refuse to associate (or disassociate) each of these pairs (entity1 id, entity2 id), by index;
 * pairs it takes are absent. Reads nothing unless the relationship joins users, teams or roles.
 */
export async function refusedPairs(
    target: DataverseClient,
    relationship: ManyToManyEnvironmentPlan,
    pairs: ReadonlyArray<readonly [string, string]>,
    options: ReadOptions & { action?: 'associate' | 'disassociate' } = {},
): Promise<Map<number, string>> {
    const action = options.action ?? 'associate';
    const refused = new Map<number, string>();
    const { entity1, entity2 } = relationship;
    const kinds = new Set([entity1.table, entity2.table]);
    // Removing a role is always allowed; a team's members are managed elsewhere both ways.
    const checked = (kinds.has('team') && kinds.has('systemuser')) || (kinds.has('role') && action === 'associate');
    if (!checked || pairs.length === 0) return refused;
    const [rows1, rows2] = await Promise.all([
        principals(
            target,
            entity1,
            pairs.map((p) => p[0]),
            options,
        ),
        principals(
            target,
            entity2,
            pairs.map((p) => p[1]),
            options,
        ),
    ]);
    pairs.forEach(([a, b], index) => {
        const sides: Record<string, Row | undefined> = {};
        sides[entity1.table] = rows1.get(a.toLowerCase());
        sides[entity2.table] = rows2.get(b.toLowerCase());
        const reason = refusal(sides);
        if (reason) refused.set(index, reason);
    });
    return refused;
}

function refusal({ team, systemuser: user, role }: Record<string, Row | undefined>): string | undefined {
    if (team && user && !role) {
        if (team.isdefault === true) return REFUSAL_REASONS.defaultTeam;
        if (GROUP_TEAM_TYPES.has(team.teamtype as number)) return REFUSAL_REASONS.groupTeam;
        return undefined;
    }
    if (!role) return undefined;
    if (user?.isdisabled === true) return REFUSAL_REASONS.disabledUser;
    const principal = user ?? team;
    const unit = (row: Row) =>
        typeof row._businessunitid_value === 'string' ? row._businessunitid_value.toLowerCase() : undefined;
    if (principal && unit(principal) !== unit(role)) return REFUSAL_REASONS.roleOfOtherUnit;
    return undefined;
}

/** The rows of one side's table (id -> row) with the columns the rules read; other tables are not read. */
async function principals(
    target: DataverseClient,
    side: ManyToManySide,
    ids: readonly string[],
    options: ReadOptions,
): Promise<Map<string, Row>> {
    const columns = COLUMNS[side.table];
    if (!columns) return new Map();
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    const rows = await readFiltered(
        target,
        side.entitySetName,
        [side.primaryId, ...columns],
        idFilters(side.primaryId, unique, filterBudget([side.primaryId, ...columns])),
        options,
    );
    return new Map(rows.map((row) => [String(row[side.primaryId]).toLowerCase(), row]));
}
