/**
 * The rows a CMT data file loads into, and what completes them into a whole environment: the rows lookups and
 * many-to-many rows point to but the file lacks (users, teams, business units, currencies, the organization and
 * any other row, named from `lookupentityname`), the rows every org has (with the standard security roles of every
 * business unit), and the system columns every real row
 * carries but exports leave out (created/modified on and by, owner, organization, state, Entra object id).
 */
import type { SimAttribute, SimLookupValue, SimRow, SimSchema, SimTable, SimValue } from '../model.js';
import { isLookupValue } from '../model.js';
import { readDate } from './cmt-values.js';
import { asciiSlug, DEFAULT_TRACKING_DAYS, entraObjectId, lookupRef, putter } from './system-rows.js';
import { standardRoleRows } from './system-roles.js';

const CURRENCY_CODES: Record<string, [string, string]> = {
    'us dollar': ['USD', '$'],
    euro: ['EUR', '€'],
    'pound sterling': ['GBP', '£'],
    'british pound': ['GBP', '£'],
    'canadian dollar': ['CAD', 'CA$'],
    'australian dollar': ['AUD', 'A$'],
    'swiss franc': ['CHF', 'CHF'],
    yen: ['JPY', '¥'],
    'japanese yen': ['JPY', '¥'],
};

/** Missing system rows are created in this order, so that later ones can point to earlier ones. */
const CREATION_ORDER = ['organization', 'transactioncurrency', 'businessunit', 'team', 'systemuser', 'role'];

interface Reference {
    table: string;
    id: string;
    name?: string;
}

const text = (v: SimValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

type Put = (row: SimRow, column: string, value: SimValue) => void;

/** What filling a table's rows needs, found once per table rather than once per row. */
interface TableColumns {
    put: Put;
    /** Sets a column only when the table has it and the row has no value yet. */
    putMissing: Put;
    owner?: SimAttribute;
    state?: SimAttribute;
    status?: SimAttribute;
}

export class LoadedRows {
    readonly rows: Record<string, SimRow[]> = {};
    readonly tables: Map<string, SimTable>;
    private readonly byId = new Map<string, SimRow>();
    private readonly references = new Map<string, Reference>();
    private readonly refObjects = new Map<string, SimLookupValue>();
    private readonly tableColumns = new Map<SimTable, TableColumns>();
    /** Rows read from the file (the others are made here and complete already). */
    private readonly fromFile: Array<[SimTable, SimRow]> = [];
    /** Exchange rate per currency id, as the records show it. */
    readonly rates = new Map<string, number>();
    private version = 1000;
    /** createdon / modifiedon of rows that have none: the export's timestamp. */
    private readonly created: string;

    constructor(schema: SimSchema, timestamp: string) {
        this.tables = new Map(schema.tables.map((t) => [t.logicalName, t]));
        // The export's timestamp, in any form a date value takes (older CMT versions wrote `4/5/2019 8:59:23 AM`).
        this.created = readDate(timestamp) ?? '2020-01-01T00:00:00Z';
    }

    private columnsOf(t: SimTable): TableColumns {
        let c = this.tableColumns.get(t);
        if (!c) {
            const put = putter(t);
            c = {
                put,
                putMissing: (row, column, value) => {
                    if (row[column] === undefined || row[column] === null) put(row, column, value);
                },
            };
            const owner = t.attributes.find((a) => a.type === 'Owner');
            const state = t.attributes.find((a) => a.type === 'State');
            const status = t.attributes.find((a) => a.type === 'Status');
            if (owner) c.owner = owner;
            if (state) c.state = state;
            if (status) c.status = status;
            this.tableColumns.set(t, c);
        }
        return c;
    }

    /** One shared lookup value per row (rows hold them by reference; never mutated). */
    ref(table: string, id: string): SimLookupValue {
        const key = `${table}:${id}`;
        let r = this.refObjects.get(key);
        if (!r) {
            r = lookupRef(table, id);
            this.refObjects.set(key, r);
        }
        return r;
    }

    /** Notes a row some value points to, with its name when the file gives one. */
    remember(table: string, id: string, name: string | undefined): void {
        const key = `${table}:${id}`;
        const known = this.references.get(key);
        if (!known) this.references.set(key, name === undefined ? { table, id } : { table, id, name });
        else if (known.name === undefined && name !== undefined) known.name = name;
    }

    has(table: string, id: string): boolean {
        return this.byId.has(`${table}:${id}`);
    }

    nextVersion(): number {
        return this.version++;
    }

    /** Adds a row read from the file. */
    addFromFile(t: SimTable, row: SimRow): void {
        this.push(t, row);
        this.fromFile.push([t, row]);
        const currency = row.transactioncurrencyid;
        if (typeof row.exchangerate === 'number' && isLookupValue(currency))
            this.rates.set(currency.id, row.exchangerate);
    }

    private push(t: SimTable, row: SimRow): void {
        (this.rows[t.logicalName] ??= []).push(row);
        this.byId.set(`${t.logicalName}:${row[t.primaryIdAttribute] as string}`, row);
    }

    /** Creates the rows that references point to but the file lacks, plus the system rows every org has. */
    completeMissing(): void {
        const missing = [...this.references.values()].filter((r) => !this.has(r.table, r.id));
        const rank = (table: string) => {
            const i = CREATION_ORDER.indexOf(table);
            return i < 0 ? 99 : i;
        };
        missing.sort((x, y) => rank(x.table) - rank(y.table));
        for (const r of missing) this.add(r.table, r.id, r.name);
        // Every org has an organization row, a root business unit, a base currency, a default team per unit and a user.
        const orgName = text(this.rows.organization?.[0]?.name) ?? text(this.rows.businessunit?.[0]?.name) ?? 'org';
        if (!this.rows.organization?.length) this.add('organization', syntheticId(1), orgName);
        if (!this.rows.businessunit?.length) this.add('businessunit', syntheticId(2), orgName);
        if (!this.rows.transactioncurrency?.length) this.add('transactioncurrency', syntheticId(3), 'US Dollar');
        for (const bu of this.rows.businessunit ?? []) {
            const hasDefault = (this.rows.team ?? []).some(
                (t) => t.isdefault === true && (t.businessunitid as SimLookupValue | null)?.id === bu.businessunitid,
            );
            if (!hasDefault)
                this.add(
                    'team',
                    syntheticId(4 + (this.rows.team?.length ?? 0)),
                    text(bu.name),
                    bu.businessunitid as string,
                );
        }
        if (!this.rows.systemuser?.length) this.add('systemuser', syntheticId(100), 'Migration Admin');
        this.addStandardRoles();
    }

    /** Every business unit holds its copy of each standard security role, as in every org. */
    private addStandardRoles(): void {
        const t = this.tables.get('role');
        if (!t) return;
        const units = (this.rows.businessunit ?? []).map((bu) => {
            const parent = bu.parentbusinessunitid;
            return { id: bu.businessunitid as string, parentId: isLookupValue(parent) ? parent.id : null };
        });
        const { put } = this.columnsOf(t);
        const rows = standardRoleRows(units, t, (row) => {
            put(row, 'createdon', this.created);
            put(row, 'modifiedon', this.created);
            put(row, 'versionnumber', this.nextVersion());
        });
        for (const row of rows) if (!this.has('role', row.roleid as string)) this.push(t, row);
    }

    /**
     * The system columns real rows always have, where the file left them out: created/modified on (the export's
     * timestamp) and by, the owner (the org's first user) with its owning columns, the organization, the state a
     * create leaves, and a user's Entra ID object id.
     */
    fillSystemColumns(): void {
        const user = this.rows.systemuser?.[0];
        const userRef = user ? this.ref('systemuser', user.systemuserid as string) : null;
        const org = this.rows.organization?.[0];
        const orgRef = org ? this.ref('organization', org.organizationid as string) : null;
        const created = this.created;
        for (const [t, row] of this.fromFile) {
            const { putMissing: put, owner, state, status } = this.columnsOf(t);
            put(row, 'createdon', created);
            put(row, 'modifiedon', text(row.createdon) ?? created);
            put(row, 'createdby', userRef);
            put(row, 'modifiedby', userRef);
            put(row, 'organizationid', orgRef);
            if (owner && !isLookupValue(row[owner.logicalName]) && userRef) row[owner.logicalName] = userRef;
            const ownerValue = owner ? row[owner.logicalName] : undefined;
            if (isLookupValue(ownerValue)) {
                put(row, 'owninguser', ownerValue.table === 'systemuser' ? ownerValue : null);
                put(row, 'owningteam', ownerValue.table === 'team' ? ownerValue : null);
                const bu = this.byId.get(`${ownerValue.table}:${ownerValue.id}`)?.businessunitid;
                put(row, 'owningbusinessunit', isLookupValue(bu) ? bu : null);
            }
            if (state && row[state.logicalName] == null) {
                const first = state.options?.[0];
                row[state.logicalName] = first?.value ?? 0;
                if (status && row[status.logicalName] == null) row[status.logicalName] = first?.defaultStatus ?? 1;
            }
            if (t.logicalName === 'systemuser')
                put(row, 'azureactivedirectoryobjectid', entraObjectId(row.systemuserid as string));
        }
    }

    private add(table: string, id: string, name: string | undefined, teamBusinessUnit?: string): void {
        const t = this.tables.get(table);
        if (!t || this.has(table, id)) return;
        const { put, state } = this.columnsOf(t);
        const row: SimRow = { [t.primaryIdAttribute]: id };
        const display = name ?? `${table} ${id.slice(0, 8)}`;
        const root = this.rows.businessunit?.[0];
        const rootRef = root ? this.ref('businessunit', root.businessunitid as string) : null;
        const orgSlug = asciiSlug(text(this.rows.organization?.[0]?.name) ?? 'org') || 'org';
        switch (table) {
            case 'systemuser': {
                const parts = display.replace(/^#\s*/, '').split(/\s+/);
                const first = parts.length > 1 ? parts.slice(0, -1).join(' ') : '';
                const last = parts[parts.length - 1] ?? display;
                const login = `${asciiSlug(first) ? `${asciiSlug(first)}.` : ''}${asciiSlug(last) || id.slice(0, 8)}@${orgSlug}.onmicrosoft.com`;
                put(row, 'fullname', display);
                put(row, 'firstname', first || null);
                put(row, 'lastname', last);
                put(row, 'domainname', login);
                put(row, 'internalemailaddress', login);
                put(row, 'azureactivedirectoryobjectid', entraObjectId(id));
                put(row, 'businessunitid', rootRef);
                put(row, 'isdisabled', false);
                break;
            }
            case 'team':
                put(row, 'name', display);
                put(row, 'businessunitid', teamBusinessUnit ? this.ref('businessunit', teamBusinessUnit) : rootRef);
                put(row, 'teamtype', 0);
                put(row, 'isdefault', teamBusinessUnit !== undefined);
                break;
            case 'businessunit':
                put(row, 'name', display);
                put(row, 'parentbusinessunitid', rootRef);
                put(row, 'isdisabled', false);
                break;
            case 'transactioncurrency': {
                const [iso, symbol] = CURRENCY_CODES[display.toLowerCase()] ?? [
                    asciiSlug(display).slice(0, 3).toUpperCase() || 'XXX',
                    '¤',
                ];
                put(row, 'currencyname', display);
                put(row, 'isocurrencycode', iso);
                put(row, 'currencysymbol', symbol);
                put(row, 'exchangerate', this.rates.get(id) ?? 1);
                put(row, 'currencyprecision', 2);
                break;
            }
            case 'organization':
                put(row, 'name', display);
                put(row, 'expirechangetrackingindays', DEFAULT_TRACKING_DAYS);
                break;
            case 'role':
                // A role the file points to but does not hold: a role of the root business unit.
                put(row, 'name', display);
                put(row, 'businessunitid', rootRef);
                put(row, 'parentrootroleid', this.ref('role', id));
                break;
            default: {
                row[t.primaryNameAttribute] = display;
                const parts = display.split(/\s+/);
                if (parts.length > 1) {
                    put(row, 'firstname', parts.slice(0, -1).join(' '));
                    put(row, 'lastname', parts[parts.length - 1]!);
                } else put(row, 'lastname', display);
                const owner = this.rows.systemuser?.[0];
                if (owner) {
                    const ownerRef = this.ref('systemuser', owner.systemuserid as string);
                    put(row, 'ownerid', ownerRef);
                    put(row, 'owninguser', ownerRef);
                    put(row, 'owningbusinessunit', rootRef);
                }
                const org = this.rows.organization?.[0];
                if (org) put(row, 'organizationid', this.ref('organization', org.organizationid as string));
            }
        }
        if (state) {
            const first = state.options?.[0];
            put(row, 'statecode', first?.value ?? 0);
            put(row, 'statuscode', first?.defaultStatus ?? 1);
        }
        put(row, 'createdon', this.created);
        put(row, 'modifiedon', this.created);
        put(row, 'versionnumber', this.nextVersion());
        this.push(t, row);
        if (table === 'transactioncurrency' || table === 'organization') this.linkBaseCurrency();
    }

    private linkBaseCurrency(): void {
        const org = this.rows.organization?.[0];
        const currencies = this.rows.transactioncurrency ?? [];
        if (
            !org ||
            currencies.length === 0 ||
            !this.tables.get('organization')?.attributes.some((a) => a.logicalName === 'basecurrencyid')
        )
            return;
        const base = currencies.find((c) => c.exchangerate === 1) ?? currencies[0]!;
        org.basecurrencyid = this.ref('transactioncurrency', base.transactioncurrencyid as string);
    }
}

/** A stable id for a system row the file never mentions (no randomness: loading is deterministic). */
function syntheticId(n: number): string {
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}
