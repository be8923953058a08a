/**
 * What one configured caller may do: the privileges its roles grant per table and access kind (the deepest depth any
 * role gives), and which rows a depth reaches. Basic reaches rows the user owns; Local rows of the user's business
 * unit; Deep rows of the unit and the units below it; Global every row. A table without an owner (organization-owned)
 * has organization-level privileges only, so any grant reaches all its rows.
 */
import type { SimLookupValue, SimRow, SimTable } from '../model.js';
import { isLookupValue } from '../model.js';
import type { AccessKind, Depth, IdentityConfig, RoleConfig } from './config.js';
import { ACCESS_KINDS, DEPTHS } from './config.js';
import type { PrincipalFacts, RowFacts } from './refusals.js';
import { accessDenied, missingPrivilege } from './refusals.js';
import type { BYPASS_BUSINESS_LOGIC } from './privileges.js';
import { accessRightName, BYPASS_PLUGINS, privilegeName } from './privileges.js';

const RANK: Record<Depth, number> = { Basic: 0, Local: 1, Deep: 2, Global: 3 };

export type TableGrants = Partial<Record<AccessKind, Depth>>;

export class RestrictedPrincipal implements PrincipalFacts {
    readonly roleCount: number;
    private readonly grantsByTable = new Map<string, TableGrants>();
    private privileges: number | undefined;

    constructor(
        readonly userId: string,
        readonly businessUnitId: string,
        /** The caller's unit and every unit below it (Deep). */
        private readonly deepUnits: ReadonlySet<string>,
        private readonly roles: readonly RoleConfig[],
        private readonly tables: readonly SimTable[],
        readonly identity: IdentityConfig,
        /** The teams the user is a member of now (teammembership), read once per check. */
        private readonly teamsNow: () => ReadonlySet<string> = () => new Set(),
    ) {
        this.roleCount = identity.roles.length;
    }

    get bypassBusinessLogic(): boolean {
        return this.roles.some((r) => r.bypassCustomBusinessLogic);
    }

    get bypassPlugins(): boolean {
        return this.roles.some((r) => r.bypassCustomPlugins);
    }

    /** Privileges held (each table and kind counted once), as the refusal's `privilegeCount`. */
    get privilegeCount(): number {
        this.privileges ??=
            this.tables.reduce((n, t) => n + Object.keys(this.grants(t.logicalName)).length, 0) +
            (this.bypassBusinessLogic ? 1 : 0) +
            (this.bypassPlugins ? 1 : 0);
        return this.privileges;
    }

    /** The deepest depth of each access kind the roles grant on a table (`*` stands for tables a role does not name). */
    grants(table: string): TableGrants {
        let grants = this.grantsByTable.get(table);
        if (grants) return grants;
        grants = {};
        for (const role of this.roles) {
            const own = role.tables[table] ?? role.tables['*'] ?? {};
            for (const kind of ACCESS_KINDS) {
                const d = own[kind];
                const held = grants[kind];
                if (d && (!held || RANK[d] > RANK[held])) grants[kind] = d;
            }
        }
        this.grantsByTable.set(table, grants);
        return grants;
    }

    depth(table: SimTable, kind: AccessKind): Depth | undefined {
        return this.grants(table.logicalName)[kind];
    }

    /** The privilege or the service's PrivilegeDenied; returns the depth held. */
    requirePrivilege(table: SimTable, kind: AccessKind): Depth {
        const d = this.depth(table, kind);
        if (!d) throw missingPrivilege(this, privilegeName(table, kind), table);
        return d;
    }

    requireBypass(privilege: typeof BYPASS_BUSINESS_LOGIC | typeof BYPASS_PLUGINS): void {
        const held = privilege === BYPASS_PLUGINS ? this.bypassPlugins : this.bypassBusinessLogic;
        if (!held) throw missingPrivilege(this, privilege);
    }

    /**
     * Whether a privilege of `depth` reaches the row. Basic ("User") reaches the rows the user owns and those owned by a
     * team it is a member of (Security concepts in Dataverse, "User: ... records owned by a team of which the user is a
     * member"); `teams` is the membership, read once by the caller of many checks.
     */
    reaches(table: SimTable, row: SimRow, depth: Depth, teams: ReadonlySet<string> = this.teamsNow()): boolean {
        if (depth === 'Global') return true;
        const owner = ownerOf(table, row);
        if (!owner) return true;
        if (owner.table === 'systemuser' && owner.id === this.userId) return true;
        if (owner.table === 'team' && teams.has(owner.id)) return true;
        if (depth === 'Basic') return false;
        const unit = owningUnit(row);
        if (unit === undefined) return false;
        return depth === 'Local' ? unit === this.businessUnitId : this.deepUnits.has(unit);
    }

    /** Rows of the table the caller may read, or undefined when it reads every row. Throws without read privilege. */
    readFilter(table: SimTable): ((row: SimRow) => boolean) | undefined {
        const d = this.requirePrivilege(table, 'read');
        if (d === 'Global' || !ownerAttribute(table)) return undefined;
        const teams = this.teamsNow();
        return (row) => this.reaches(table, row, d, teams);
    }

    /** The privilege at a depth that reaches the row, or the service's refusal (PrivilegeDenied, else SecLib's). */
    requireRow(table: SimTable, row: SimRow, kind: AccessKind): void {
        const d = this.requirePrivilege(table, kind);
        if (this.reaches(table, row, d)) return;
        throw accessDenied(this.userId, table, rowFacts(table, row), accessRightName(kind));
    }
}

export function ownerAttribute(table: SimTable): string | undefined {
    return table.attributes.find((a) => a.type === 'Owner')?.logicalName;
}

function ownerOf(table: SimTable, row: SimRow): SimLookupValue | undefined {
    const attr = ownerAttribute(table);
    const owner = attr ? row[attr] : undefined;
    return isLookupValue(owner) ? owner : undefined;
}

function owningUnit(row: SimRow): string | undefined {
    const bu = row.owningbusinessunit;
    return isLookupValue(bu) ? bu.id : undefined;
}

function rowFacts(table: SimTable, row: SimRow): RowFacts {
    const owner = ownerOf(table, row);
    return {
        id: row[table.primaryIdAttribute] as string,
        ownerId: owner?.id ?? '00000000-0000-0000-0000-000000000000',
        ownerType: owner?.table === 'team' ? 9 : 8,
        businessUnitId: owningUnit(row) ?? '00000000-0000-0000-0000-000000000000',
    };
}

export { DEPTHS };
