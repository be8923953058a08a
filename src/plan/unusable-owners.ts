/**
 * Owners the target refuses (research R9). A row's new owner must be able to read it: a disabled user is refused
 * (unManagedidsownernotenabled 0x8004022b "The specified owner has been disabled.", Web service error codes), and so is
 * a user or team without any security role (the owner check's PrivilegeDenied 0x80040220 "... is missing prvRead<table>
 * privilege ...", SecLib::AccessCheckEx -2147187962 in "Troubleshoot Dataverse client errors"). Such a match is no owner
 * for the copy: rows it owns fall back to `references.fallbackOwner`, as unmatched owners do, each user named with its
 * reason. A user holds a role of its own (systemuserroles) or one of a team it belongs to (teammembership, teamroles).
 */
import type { DataverseClient, Row } from '../dataverse/client-types.js';
import { DataverseError, describeError } from '../dataverse/errors.js';
import { odataString } from '../dataverse/odata-url.js';
import type { Plan } from './types.js';

export interface OwnerFacts {
    /** Target user ids (lower case) that are disabled. */
    disabledUsers: ReadonlySet<string>;
    /** Target users (lower case) holding a role of their own or of a team they belong to; undefined: not known. */
    usersWithRoles?: ReadonlySet<string>;
    /** Target teams (lower case) holding a role; undefined: not known. */
    teamsWithRoles?: ReadonlySet<string>;
}

export const DISABLED_OWNER = 'is disabled in the target, which refuses it as an owner (0x8004022b)';
export const OWNER_WITHOUT_ROLE =
    'has no security role in the target (none of its own nor of a team it belongs to), so it cannot read the rows and the target refuses it as an owner (0x80040220)';

/** Why the target refuses a principal as an owner, or undefined when it does not. */
export function ownerRefusal(table: 'systemuser' | 'team', id: string, facts: OwnerFacts): string | undefined {
    const key = id.toLowerCase();
    if (table === 'systemuser' && facts.disabledUsers.has(key)) return DISABLED_OWNER;
    const withRoles = table === 'systemuser' ? facts.usersWithRoles : facts.teamsWithRoles;
    if (withRoles && !withRoles.has(key)) return OWNER_WITHOUT_ROLE;
    return undefined;
}

type Pairs = ReadonlyArray<readonly [string, string]>;

/**
 * Who holds a role, from the intersect tables' pairs (principal first; membership: team, user); a table the target
 * does not have is undefined. Without systemuserroles (or none of its rows) nothing is known of users; without teamroles
 * (or none of its rows) nothing of teams, and users hold only their own roles.
 */
export function roleHolders(
    userRoles: Pairs | undefined,
    teamRoles: Pairs | undefined,
    memberships: Pairs | undefined,
): Pick<OwnerFacts, 'usersWithRoles' | 'teamsWithRoles'> {
    const ids = (pairs: Pairs) => new Set(pairs.map(([principal]) => principal.toLowerCase()));
    const teams = teamRoles && teamRoles.length > 0 ? ids(teamRoles) : undefined;
    // No assignment at all is not a real environment (its own caller holds a role): nothing is known then.
    if (!userRoles || userRoles.length === 0) return teams ? { teamsWithRoles: teams } : {};
    const users = ids(userRoles);
    for (const [team, user] of memberships ?? []) if (teams?.has(team.toLowerCase())) users.add(user.toLowerCase());
    return { usersWithRoles: users, ...(teams ? { teamsWithRoles: teams } : {}) };
}

interface Intersect {
    table: string;
    /** Its principal column first (user or team), then the other. */
    columns: readonly [string, string];
}

const USER_ROLES: Intersect = { table: 'systemuserroles', columns: ['systemuserid', 'roleid'] };
const TEAM_ROLES: Intersect = { table: 'teamroles', columns: ['teamid', 'roleid'] };
/** Team first: a member holds its team's roles. */
const MEMBERSHIP: Intersect = { table: 'teammembership', columns: ['teamid', 'systemuserid'] };

async function readAll(
    client: DataverseClient,
    entitySet: string,
    select: string[],
    filter?: string,
    signal?: AbortSignal,
) {
    const rows: Row[] = [];
    for await (const page of client.queryPages(
        entitySet,
        { select, ...(filter ? { filter } : {}) },
        { pageSize: 5000, ...(signal ? { signal } : {}) },
    ))
        rows.push(...page);
    return rows;
}

/**
 * The pairs of an intersect table, read by its entity set (from its metadata: the names follow no one rule), or
 * undefined when the environment has no such table (404: the metadata cache does not know it).
 */
async function readPairs(
    client: DataverseClient,
    intersect: Intersect,
    signal?: AbortSignal,
): Promise<Pairs | undefined> {
    let entitySet: string;
    try {
        const meta = await client.get<{ EntitySetName: string }>(
            `EntityDefinitions(LogicalName=${odataString(intersect.table)})?$select=EntitySetName`,
            signal ? { signal } : {},
        );
        entitySet = meta.EntitySetName;
    } catch (error) {
        if (error instanceof DataverseError && error.status === 404) return undefined;
        throw error;
    }
    const rows = await readAll(client, entitySet, [...intersect.columns], undefined, signal);
    return rows.flatMap((row) => {
        const [a, b] = intersect.columns.map((c) => row[c]);
        return typeof a === 'string' && typeof b === 'string' ? [[a, b] as const] : [];
    });
}

/**
 * Reads the disabled users and the role holders of the target. The roles are optional knowledge: when they cannot be
 * read (no privilege), only disabled users are refused and a warning says why.
 */
export async function readOwnerFacts(
    client: DataverseClient,
    signal?: AbortSignal,
): Promise<{ facts: OwnerFacts; warnings: string[] }> {
    const disabled = await readAll(client, 'systemusers', ['systemuserid'], 'isdisabled eq true', signal);
    const disabledUsers = new Set(disabled.map((u) => String(u.systemuserid).toLowerCase()));
    try {
        const [users, teams, members] = await Promise.all(
            [USER_ROLES, TEAM_ROLES, MEMBERSHIP].map((i) => readPairs(client, i, signal)),
        );
        return { facts: { disabledUsers, ...roleHolders(users, teams, members) }, warnings: [] };
    } catch (error) {
        if (signal?.aborted) throw error;
        return {
            facts: { disabledUsers },
            warnings: [
                `could not read which target users and teams hold a security role (${describeError(error)}): owners without one are not caught in the plan, and their rows fail`,
            ],
        };
    }
}

const OWNER_TABLES = ['systemuser', 'team'] as const;

/**
 * The matched owners the target refuses (target id, lower case -> why) and one warning per source principal matched to
 * one, saying where its rows go. `describe` names a source principal for messages.
 */
export function refusedOwners(
    maps: Partial<Record<(typeof OWNER_TABLES)[number], { map: Readonly<Record<string, string>> }>>,
    facts: OwnerFacts,
    describe: (table: string, sourceId: string) => string,
    fallbackOwner?: string,
): { reasons: Record<string, string>; warnings: string[] } {
    const reasons: Record<string, string> = {};
    const warnings: string[] = [];
    const goes = fallbackOwner
        ? `rows it owns go to the fallbackOwner '${fallbackOwner}'`
        : 'rows it owns have no owner to copy (no references.fallbackOwner): onUnresolvedLookup applies to them';
    for (const table of OWNER_TABLES) {
        for (const [sourceId, targetId] of Object.entries(maps[table]?.map ?? {})) {
            const reason = ownerRefusal(table, targetId, facts);
            if (!reason) continue;
            reasons[targetId.toLowerCase()] = reason;
            warnings.push(`${describe(table, sourceId)} matches target ${table} ${targetId}, which ${reason}: ${goes}`);
        }
    }
    return { reasons, warnings };
}

/** Whether a plan sets owners through the reference matches (only then are the target's owners checked). */
export function setsOwners(plan: Plan): boolean {
    return Object.values(plan.tables).some((t) =>
        t.columns.some((c) => c.lookup?.targets.some((l) => l.binding.kind === 'reference' && l.binding.ownerFallback)),
    );
}
