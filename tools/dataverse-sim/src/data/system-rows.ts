/**
 * The system rows a real org has: the root business unit (named after the org) and two child
 * units, the base currency and a few others, ten users with domain names and emails, a default
 * team per business unit plus one owner team, the organization row, and every unit's copy of the
 * standard security roles (system-roles.ts) with the roles each user and the owner team hold.
 */
import { createHash } from 'node:crypto';
import type { SimLookupValue, SimRow, SimSchema, SimTable } from '../model.js';
import type { Prng } from '../prng.js';
import { DEFAULT_BLOCKED_ATTACHMENTS, DEFAULT_MAX_UPLOAD_FILE_SIZE } from './file-limits.js';
import { lookupRef, putter } from './row-values.js';
import { roleRef, standardRoleRows, userRoles } from './system-roles.js';

export interface SystemRefs {
    organization: SimLookupValue;
    businessUnits: SimLookupValue[];
    /** Enabled users, usable as owners and as createdby / modifiedby. */
    users: SimLookupValue[];
    /** The business unit of each entry of `users`. */
    userBusinessUnits: SimLookupValue[];
    teams: SimLookupValue[];
    teamBusinessUnits: SimLookupValue[];
    currencies: SimLookupValue[];
    /** Exchange rate to the base currency, per entry of `currencies` (the first is the base, rate 1). */
    currencyRates: number[];
    /** Every business unit's copy of every standard role (empty when the schema has no role table). */
    roles: SimLookupValue[];
    /** The roles each user holds (systemuserroles): [user, role], roles of the user's own business unit. */
    userRoles: Array<[SimLookupValue, SimLookupValue]>;
    /** The roles owner teams hold (teamroles): [team, role]. */
    teamRoles: Array<[SimLookupValue, SimLookupValue]>;
}

export const ORG_NAME = 'contoso';
/** Organization.ExpireChangeTrackingInDays as a new org has it. */
export const DEFAULT_TRACKING_DAYS = 7;
export const SYSTEM_CREATED_ON = '2019-01-07T08:00:00Z';

const USERS: Array<[string, string, string]> = [
    ['Avery', 'Admin', 'System Administrator'],
    ['Jonas', 'Berg', 'Sales Manager'],
    ['Chloé', 'Dupont', 'Account Manager'],
    ['Wei', 'Zhang', 'Account Manager'],
    ['Maria', 'García', 'Sales Representative'],
    ['Liam', "O'Connor", 'Sales Representative'],
    ['Ines', 'Müller', 'Service Manager'],
    ['Hiro', 'Tanaka', 'Service Agent'],
    ['Olivia', 'Smith', 'Marketing Specialist'],
    ['Sven', 'Larsson', 'Former Employee'],
];

const CURRENCIES: Array<[string, string, string, number]> = [
    ['USD', 'US Dollar', '$', 1],
    ['EUR', 'Euro', '€', 0.92],
    ['GBP', 'Pound Sterling', '£', 0.79],
    ['CAD', 'Canadian Dollar', 'CA$', 1.36],
];

/** ASCII-only lowercase form of a name, as used in sign-in names. */
export function asciiSlug(text: string): string {
    return text
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^A-Za-z0-9]+/g, '')
        .toLowerCase();
}

/**
 * A stable Entra ID object id for a user id (a name-based GUID: no PRNG draw, so adding the column changes no other
 * generated value); `tenant` tells tenants apart.
 */
export function entraObjectId(userId: string, tenant = 'source'): string {
    const h = createHash('sha1').update(`entra:${tenant}:${userId}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export { lookupRef, putter };

export function generateSystemRows(schema: SimSchema, rng: Prng): { rows: Record<string, SimRow[]>; refs: SystemRefs } {
    const table = (n: string): SimTable | undefined => schema.tables.find((t) => t.logicalName === n);
    const rows: Record<string, SimRow[]> = {
        businessunit: [],
        systemuser: [],
        team: [],
        transactioncurrency: [],
        organization: [],
        role: [],
    };
    const org = lookupRef('organization', rng.guid());
    const bus = [ORG_NAME, 'Sales', 'Service'].map(() => lookupRef('businessunit', rng.guid()));
    const users = USERS.map(() => lookupRef('systemuser', rng.guid()));
    const currencies = CURRENCIES.map(() => lookupRef('transactioncurrency', rng.guid()));
    let version = 1000;
    const audit = (put: ReturnType<typeof putter>, row: SimRow): void => {
        put(row, 'createdon', SYSTEM_CREATED_ON);
        put(row, 'modifiedon', SYSTEM_CREATED_ON);
        put(row, 'createdby', users[0] ?? null);
        put(row, 'modifiedby', users[0] ?? null);
        put(row, 'versionnumber', version++);
        put(row, 'organizationid', org);
    };

    const putBu = putter(table('businessunit'));
    [ORG_NAME, 'Sales', 'Service'].forEach((name, i) => {
        const row: SimRow = { businessunitid: bus[i]!.id };
        putBu(row, 'name', name);
        putBu(row, 'parentbusinessunitid', i === 0 ? null : bus[0]!);
        putBu(row, 'isdisabled', false);
        audit(putBu, row);
        rows.businessunit!.push(row);
    });

    const putCur = putter(table('transactioncurrency'));
    CURRENCIES.forEach(([iso, name, symbol, rate], i) => {
        const row: SimRow = { transactioncurrencyid: currencies[i]!.id };
        putCur(row, 'currencyname', name);
        putCur(row, 'isocurrencycode', iso);
        putCur(row, 'currencysymbol', symbol);
        putCur(row, 'exchangerate', rate);
        putCur(row, 'currencyprecision', 2);
        putCur(row, 'statecode', 0);
        putCur(row, 'statuscode', 1);
        audit(putCur, row);
        rows.transactioncurrency!.push(row);
    });

    const putUser = putter(table('systemuser'));
    const userBus: SimLookupValue[] = [];
    USERS.forEach(([first, last, title], i) => {
        const bu = i < 4 ? bus[0]! : i % 2 === 0 ? bus[1]! : bus[2]!;
        userBus.push(bu);
        const login = `${asciiSlug(first)}.${asciiSlug(last)}@${ORG_NAME}.onmicrosoft.com`;
        const row: SimRow = { systemuserid: users[i]!.id };
        putUser(row, 'fullname', `${first} ${last}`);
        putUser(row, 'firstname', first);
        putUser(row, 'lastname', last);
        putUser(row, 'domainname', login);
        putUser(row, 'internalemailaddress', login);
        putUser(row, 'azureactivedirectoryobjectid', entraObjectId(users[i]!.id));
        putUser(row, 'title', title);
        putUser(row, 'businessunitid', bu);
        putUser(row, 'isdisabled', i === USERS.length - 1);
        putUser(row, 'accessmode', 0);
        audit(putUser, row);
        rows.systemuser!.push(row);
    });

    const putTeam = putter(table('team'));
    const teams: SimLookupValue[] = [];
    const teamBus: SimLookupValue[] = [];
    const teamDefs: Array<[string, SimLookupValue, boolean]> = [
        [ORG_NAME, bus[0]!, true],
        ['Sales', bus[1]!, true],
        ['Service', bus[2]!, true],
        ['Key Accounts', bus[0]!, false],
    ];
    for (const [name, bu, isDefault] of teamDefs) {
        const ref = lookupRef('team', rng.guid());
        teams.push(ref);
        teamBus.push(bu);
        const row: SimRow = { teamid: ref.id };
        putTeam(row, 'name', name);
        putTeam(row, 'businessunitid', bu);
        putTeam(row, 'administratorid', users[0]!);
        putTeam(row, 'teamtype', 0);
        putTeam(row, 'isdefault', isDefault);
        audit(putTeam, row);
        rows.team!.push(row);
    }

    const putOrg = putter(table('organization'));
    const orgRow: SimRow = { organizationid: org.id };
    putOrg(orgRow, 'name', ORG_NAME);
    putOrg(orgRow, 'basecurrencyid', currencies[0]!);
    putOrg(orgRow, 'expirechangetrackingindays', DEFAULT_TRACKING_DAYS);
    putOrg(orgRow, 'maxuploadfilesize', DEFAULT_MAX_UPLOAD_FILE_SIZE);
    putOrg(orgRow, 'blockedattachments', DEFAULT_BLOCKED_ATTACHMENTS);
    audit(putOrg, orgRow);
    delete orgRow.organizationid;
    orgRow.organizationid = org.id;
    rows.organization!.push(orgRow);

    const roleTable = table('role');
    const putRole = putter(roleTable);
    rows.role = standardRoleRows(
        bus.map((bu, i) => ({ id: bu.id, parentId: i === 0 ? null : bus[0]!.id })),
        roleTable,
        (row) => audit(putRole, row),
    );
    const roleIds = new Set(rows.role.map((r) => r.roleid as string));
    const held: Array<[SimLookupValue, SimLookupValue]> = [];
    USERS.forEach(([, , title], i) => {
        for (const r of userRoles(userBus[i]!.id, title, i === USERS.length - 1))
            if (roleIds.has(r.id)) held.push([users[i]!, r]);
    });
    // The owner team works accounts: it holds the Salesperson role of its unit.
    const teamHeld: Array<[SimLookupValue, SimLookupValue]> = [];
    teamDefs.forEach(([, bu, isDefault], i) => {
        const salesperson = roleRef(bu.id, 'Salesperson');
        if (!isDefault && roleIds.has(salesperson.id)) teamHeld.push([teams[i]!, salesperson]);
    });

    // The last user is disabled: real orgs keep leavers, and nothing new can be assigned to them.
    const enabled = users.slice(0, -1);
    return {
        rows,
        refs: {
            organization: org,
            businessUnits: bus,
            users: enabled,
            userBusinessUnits: userBus.slice(0, -1),
            teams,
            teamBusinessUnits: teamBus,
            currencies,
            currencyRates: CURRENCIES.map((c) => c[3]),
            roles: rows.role.map((r) => lookupRef('role', r.roleid as string)),
            userRoles: held,
            teamRoles: teamHeld,
        },
    };
}
