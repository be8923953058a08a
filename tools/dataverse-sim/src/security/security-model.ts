/**
 * The identity and security model of one environment: the configured callers become application users (systemuser
 * rows with their business unit, `applicationid` and `isdisabled`), each with the privileges of its roles. A caller the
 * configuration does not list, and any environment without one, stays an all-seeing System Administrator.
 */
import { createHash } from 'node:crypto';
import { putter, lookupRef } from '../data/row-values.js';
import { isLookupValue, type SimRow, type SimTable } from '../model.js';
import type { SchemaIndex } from '../server/schema-index.js';
import type { Store } from '../server/store.js';
import type { IdentityConfig, SecurityConfig } from './config.js';
import { SYSTEM_ADMINISTRATOR } from './config.js';
import { RestrictedPrincipal } from './principal.js';
import type { CallerColumns } from './column-security.js';
import { ColumnSecurity } from './column-security.js';
import { metadataId } from '../server/metadata.js';

export class SecurityModel {
    private readonly byCaller = new Map<string, IdentityConfig>();
    private readonly byUserId = new Map<string, RestrictedPrincipal>();
    private readonly identityOfUser = new Map<string, IdentityConfig>();
    readonly columns: ColumnSecurity;

    /**
     * A configuration was given (even `{}`): disabled callers and unfit owners are refused too. Without one the
     * environment keeps its pre-security behaviour whole (generated data has a disabled user owning rows).
     */
    readonly enforced: boolean;

    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
        private readonly config: SecurityConfig | undefined,
    ) {
        this.enforced = config !== undefined;
        this.columns = new ColumnSecurity(schema, config, (table, attribute) =>
            metadataId('attribute', table.logicalName, attribute.logicalName),
        );
        for (const identity of config?.identities ?? []) this.byCaller.set(identity.caller, identity);
        for (const identity of config?.identities ?? []) this.install(identity);
    }

    /** The systemuserid a configured caller acts as, if the configuration lists it. */
    userIdOf(caller: string): string | undefined {
        const identity = this.byCaller.get(caller);
        return identity ? userIdFor(identity) : undefined;
    }

    /** The restrictions of a gate user; undefined for an unrestricted (System Administrator) caller. */
    principalFor(caller: string): RestrictedPrincipal | undefined {
        const identity = this.byCaller.get(caller);
        return identity ? this.byUserId.get(userIdFor(identity)) : undefined;
    }

    /** The restrictions of a system user by id (a configured identity's user), else undefined (unrestricted). */
    principalOfUser(userId: string): RestrictedPrincipal | undefined {
        return this.byUserId.get(userId.toLowerCase());
    }

    /** The column security of a gate user; undefined when the environment secures no column. */
    columnsFor(caller: string): CallerColumns | undefined {
        if (!this.columns.any) return undefined;
        const identity = this.byCaller.get(caller);
        return this.columns.forIdentity(identity && !isAdministrator(identity) ? identity : undefined);
    }

    /** The column security of a system user by id (unconfigured users are unrestricted). */
    columnsOfUser(userId: string): CallerColumns {
        const identity = this.identityOfUser.get(userId.toLowerCase());
        return this.columns.forIdentity(identity && !isAdministrator(identity) ? identity : undefined);
    }

    /** Tables whose privileges exist (every table but the intersect tables, which follow their relationship). */
    privilegedTables(): SimTable[] {
        return [...this.schema.tables.values()].map((i) => i.table).filter((t) => !t.isIntersect);
    }

    private install(identity: IdentityConfig): void {
        const userId = userIdFor(identity);
        const unitId = this.unitOf(identity);
        const users = this.store.tableStore('systemuser');
        const existing = users.get(userId);
        if (!existing) {
            const put = putter(this.schema.table('systemuser')?.table);
            const name = identity.fullname ?? `# ${identity.caller}`;
            const login = `${createHash('sha1').update(identity.caller).digest('hex').slice(0, 12)}@application`;
            const row: SimRow = { systemuserid: userId };
            put(row, 'fullname', name);
            put(row, 'lastname', name);
            put(row, 'domainname', login);
            put(row, 'internalemailaddress', login);
            if (isGuid(identity.caller)) put(row, 'azureactivedirectoryobjectid', identity.caller.toLowerCase());
            put(row, 'applicationid', identity.applicationid?.toLowerCase() ?? null);
            put(row, 'businessunitid', lookupRef('businessunit', unitId));
            put(row, 'isdisabled', identity.isdisabled);
            put(row, 'accessmode', 4); // Non-interactive: an application user
            this.store.insert('systemuser', row);
        }
        const unit = isLookupValue(existing?.businessunitid) ? existing.businessunitid.id : unitId;
        this.identityOfUser.set(userId, identity);
        if (isAdministrator(identity)) return;
        const roles = identity.roles.map((name) => this.config!.roles[name]!);
        this.byUserId.set(
            userId,
            new RestrictedPrincipal(userId, unit, this.unitsBelow(unit), roles, this.privilegedTables(), identity, () =>
                this.teamsOf(userId),
            ),
        );
    }

    /** The teams a user is a member of (none when the schema has no teammembership relationship). */
    private teamsOf(userId: string): ReadonlySet<string> {
        const rel = this.schema.manyToMany.find((m) => m.intersectEntityName === 'teammembership');
        if (!rel) return new Set();
        return new Set(this.store.related(rel, rel.entity1LogicalName === 'systemuser' ? 1 : 2, userId));
    }

    private unitOf(identity: IdentityConfig): string {
        const units = [...this.store.tableStore('businessunit').scan()];
        const wanted = identity.businessUnit?.toLowerCase();
        const unit = wanted
            ? units.find((u) => u.businessunitid === wanted || (u.name as string).toLowerCase() === wanted)
            : units.find((u) => !isLookupValue(u.parentbusinessunitid));
        if (!unit) {
            throw new Error(
                `security config: identities[caller=${identity.caller}].businessUnit: no business unit named or with id '${identity.businessUnit}'`,
            );
        }
        return unit.businessunitid as string;
    }

    /** A unit and every unit below it. */
    private unitsBelow(root: string): Set<string> {
        const children = new Map<string, string[]>();
        for (const u of this.store.tableStore('businessunit').scan()) {
            const parent = u.parentbusinessunitid;
            if (isLookupValue(parent))
                children.set(parent.id, [...(children.get(parent.id) ?? []), u.businessunitid as string]);
        }
        const out = new Set<string>([root]);
        const queue = [root];
        while (queue.length > 0) {
            for (const c of children.get(queue.pop()!) ?? []) {
                if (!out.has(c)) {
                    out.add(c);
                    queue.push(c);
                }
            }
        }
        return out;
    }
}

function isAdministrator(identity: IdentityConfig): boolean {
    return identity.roles.includes(SYSTEM_ADMINISTRATOR);
}

function userIdFor(identity: IdentityConfig): string {
    if (identity.systemuserid) return identity.systemuserid.toLowerCase();
    const h = createHash('sha1').update(`applicationuser:${identity.caller}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function isGuid(text: string): boolean {
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}
