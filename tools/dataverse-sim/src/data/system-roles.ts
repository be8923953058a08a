/**
 * The security roles every org has: a fixed set of predefined roles (the platform's and those of the Sales,
 * Customer Service and Marketing apps), one copy in every business unit under the same name, as Dataverse keeps
 * them: each copy belongs to its unit (businessunitid), points to its parent unit's copy (parentroleid) and to the
 * root unit's (parentrootroleid; the root copy points to itself). Ids are name-based (no PRNG draw, so modeling
 * roles changes no other generated value) and differ between environments, since business unit ids do.
 */
import { createHash } from 'node:crypto';
import type { SimLookupValue, SimRow, SimTable } from '../model.js';
import { lookupRef, putter } from './row-values.js';

export const STANDARD_ROLES = [
    'System Administrator',
    'System Customizer',
    'Environment Maker',
    'Basic User',
    'App Opener',
    'Delegate',
    'Salesperson',
    'Sales Manager',
    'Customer Service Representative',
    'CSR Manager',
    'Marketing Professional',
] as const;

export type StandardRole = (typeof STANDARD_ROLES)[number];

/** A business unit as roles need it: its id and its parent's (null for the root). */
export interface RoleUnit {
    id: string;
    parentId: string | null;
}

/** The roles (besides Basic User) a user with this job title holds. */
const ROLES_BY_TITLE: Record<string, StandardRole[]> = {
    'System Administrator': ['System Administrator'],
    'Sales Manager': ['Sales Manager', 'Salesperson'],
    'Account Manager': ['Salesperson'],
    'Sales Representative': ['Salesperson'],
    'Service Manager': ['CSR Manager', 'Customer Service Representative'],
    'Service Agent': ['Customer Service Representative'],
    'Marketing Specialist': ['Marketing Professional'],
};

/** The id of a business unit's copy of a role. */
export function roleId(businessUnitId: string, name: string): string {
    const h = createHash('sha1').update(`role:${businessUnitId}:${name}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The copy of `name` in the unit that holds it: the role a principal of that unit is given. */
export function roleRef(businessUnitId: string, name: string): SimLookupValue {
    return lookupRef('role', roleId(businessUnitId, name));
}

/** One row per unit and standard role; `audit` adds the columns every system row carries. */
export function standardRoleRows(
    units: readonly RoleUnit[],
    table: SimTable | undefined,
    audit: (row: SimRow) => void,
): SimRow[] {
    if (!table) return [];
    const put = putter(table);
    const byId = new Map(units.map((u) => [u.id, u]));
    const rootOf = (unit: RoleUnit): RoleUnit => {
        let current = unit;
        for (const seen = new Set<string>(); current.parentId && !seen.has(current.id);) {
            seen.add(current.id);
            const parent = byId.get(current.parentId);
            if (!parent) break;
            current = parent;
        }
        return current;
    };
    const rows: SimRow[] = [];
    for (const unit of units) {
        const root = rootOf(unit);
        for (const name of STANDARD_ROLES) {
            const row: SimRow = { roleid: roleId(unit.id, name) };
            put(row, 'name', name);
            put(row, 'businessunitid', lookupRef('businessunit', unit.id));
            put(row, 'parentroleid', unit.parentId ? roleRef(unit.parentId, name) : null);
            put(row, 'parentrootroleid', roleRef(root.id, name));
            audit(row);
            rows.push(row);
        }
    }
    return rows;
}

/**
 * The roles a user holds, by job title: Basic User and the title's roles, each the copy of the user's own business
 * unit (the classic model: a user is given the roles of the unit they belong to). A disabled user holds none here:
 * a role cannot be given to a disabled user, so a migration could not give it either.
 */
export function userRoles(businessUnitId: string, title: string, disabled: boolean): SimLookupValue[] {
    if (disabled) return [];
    const names: StandardRole[] = ['Basic User', ...(ROLES_BY_TITLE[title] ?? [])];
    return names.map((name) => roleRef(businessUnitId, name));
}
