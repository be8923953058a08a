/**
 * Owners the target refuses (research R9), pure: who holds a role (of its own, or of a team it belongs to), why a
 * matched user or team is refused, and the warning each source principal matched to one gets.
 */
import { describe, expect, it } from 'vitest';
import {
    DISABLED_OWNER,
    OWNER_WITHOUT_ROLE,
    ownerRefusal,
    roleHolders,
    refusedOwners,
} from '../../src/plan/unusable-owners.js';

const ROLE = 'r0000000-0000-4000-8000-000000000000';

describe('roleHolders', () => {
    const own: Array<[string, string]> = [['U-1', ROLE]];
    const team: Array<[string, string]> = [['T-1', ROLE]];
    const members: Array<[string, string]> = [
        ['T-1', 'U-2'],
        ['T-2', 'U-3'],
    ];

    it('users with a role of their own or of a team they belong to; teams with one', () => {
        const held = roleHolders(own, team, members);
        expect([...held.usersWithRoles!].sort()).toEqual(['u-1', 'u-2']);
        expect([...held.teamsWithRoles!]).toEqual(['t-1']);
    });

    it('knows nothing of users without systemuserroles, nor of teams without teamroles', () => {
        expect(roleHolders(undefined, team, members)).toEqual({ teamsWithRoles: new Set(['t-1']) });
        expect(roleHolders(own, undefined, members)).toEqual({ usersWithRoles: new Set(['u-1']) });
        // An environment where nobody holds a role is not a real one (the caller holds one): unknown, not refused.
        expect(roleHolders([], [], members)).toEqual({});
    });
});

describe('ownerRefusal', () => {
    const facts = {
        disabledUsers: new Set(['u-9']),
        usersWithRoles: new Set(['u-1', 'u-9']),
        teamsWithRoles: new Set(['t-1']),
    };

    it('refuses a disabled user even with a role, a user or team without a role, and nobody else', () => {
        expect(ownerRefusal('systemuser', 'U-9', facts)).toBe(DISABLED_OWNER);
        expect(ownerRefusal('systemuser', 'u-2', facts)).toBe(OWNER_WITHOUT_ROLE);
        expect(ownerRefusal('team', 't-2', facts)).toBe(OWNER_WITHOUT_ROLE);
        expect(ownerRefusal('systemuser', 'u-1', facts)).toBeUndefined();
        expect(ownerRefusal('team', 't-1', facts)).toBeUndefined();
    });

    it('refuses only disabled users when the roles are not known', () => {
        const unknown = { disabledUsers: facts.disabledUsers };
        expect(ownerRefusal('systemuser', 'u-9', unknown)).toBe(DISABLED_OWNER);
        expect(ownerRefusal('systemuser', 'u-2', unknown)).toBeUndefined();
    });
});

describe('refusedOwners', () => {
    const facts = {
        disabledUsers: new Set(['u-9']),
        usersWithRoles: new Set(['u-1']),
        teamsWithRoles: new Set(['t-1']),
    };
    const maps = {
        systemuser: { map: { 's-1': 'U-1', 's-9': 'U-9', 's-2': 'U-2' } },
        team: { map: { 'st-1': 'T-1' } },
    };
    const describe_ = (table: string, id: string) => `${table} '${id}@contoso'`;

    it('names each refused match, its reason and where its rows go', () => {
        const result = refusedOwners(maps, facts, describe_, 'admin@contoso');
        expect(result.reasons).toEqual({ 'u-9': DISABLED_OWNER, 'u-2': OWNER_WITHOUT_ROLE });
        expect(result.warnings).toEqual([
            `systemuser 's-9@contoso' matches target systemuser U-9, which ${DISABLED_OWNER}: rows it owns go to the fallbackOwner 'admin@contoso'`,
            `systemuser 's-2@contoso' matches target systemuser U-2, which ${OWNER_WITHOUT_ROLE}: rows it owns go to the fallbackOwner 'admin@contoso'`,
        ]);
    });

    it('says that onUnresolvedLookup applies when there is no fallback owner', () => {
        const result = refusedOwners(maps, facts, describe_);
        expect(result.warnings[0]).toMatch(/no references\.fallbackOwner\): onUnresolvedLookup applies to them$/);
    });
});
