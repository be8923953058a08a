/**
 * The baseline: the same crm migration written the way users write it today with DynamicsWebApi, one request
 * at a time, table by table in a hand-written order. Owners and currencies are mapped once by natural key
 * (users by domain name, teams by name, currencies by ISO code), the columns to copy come from the attribute
 * metadata (creatable, not a lookup), ids are kept; then: accounts without their primary contact and parent
 * account, contacts, a second pass over accounts for those two lookups, leads, opportunities, a second pass
 * over leads for their qualifying opportunity, and the associations one by one. It sets no state (inactive,
 * won, lost rows stay open): less work per row than the product does, so the comparison favours it.
 */
import { DynamicsWebApi } from 'dynamics-web-api';
import { z } from 'zod';

type Row = Record<string, unknown>;

const FALLBACK_OWNER = 'avery.admin@contoso.onmicrosoft.com';
const NOT_COPIED_TYPES = new Set(['Lookup', 'Customer', 'Owner', 'State', 'Status', 'EntityName']);

const attributeSchema = z.object({
    LogicalName: z.string(),
    AttributeType: z.string(),
    IsValidForCreate: z.boolean(),
    AttributeOf: z.string().nullable().optional(),
});

export interface NaiveResult {
    /** Business rows created (the four tables). */
    rows: number;
    associations: number;
    /** Requests sent to the target. */
    requests: number;
    seconds: number;
}

function connect(url: string): DynamicsWebApi {
    return new DynamicsWebApi({
        serverUrl: url,
        dataApi: { version: '9.2' },
        onTokenRefresh: () => Promise.resolve('naive-user'),
    });
}

function text(row: Row, column: string): string | undefined {
    const value = row[column];
    return typeof value === 'string' ? value : undefined;
}

function mapBy(rows: Row[], id: string, key: string): Map<string, string> {
    const byKey = new Map<string, string>();
    for (const row of rows) {
        const k = text(row, key);
        const v = text(row, id);
        if (k !== undefined && v !== undefined) byKey.set(k.toLowerCase(), v);
    }
    return byKey;
}

/** Source id -> target id of the rows both sides have under the same natural key. */
async function referenceMap(
    source: DynamicsWebApi,
    target: DynamicsWebApi,
    collection: string,
    id: string,
    key: string,
): Promise<Map<string, string>> {
    const read = (api: DynamicsWebApi) => api.retrieveAll<Row>({ collection, select: [id, key] }).then((r) => r.value);
    const [fromRows, toRows] = await Promise.all([read(source), read(target)]);
    const targetByKey = mapBy(toRows, id, key);
    const map = new Map<string, string>();
    for (const [k, sourceId] of mapBy(fromRows, id, key)) {
        const targetId = targetByKey.get(k);
        if (targetId !== undefined) map.set(sourceId, targetId);
    }
    return map;
}

class NaiveMigration {
    private readonly source: DynamicsWebApi;
    private readonly target: DynamicsWebApi;
    private users = new Map<string, string>();
    private teams = new Map<string, string>();
    private currencies = new Map<string, string>();
    private fallbackOwner = '';
    requests = 0;

    constructor(sourceUrl: string, targetUrl: string) {
        this.source = connect(sourceUrl);
        this.target = connect(targetUrl);
    }

    async prepare(): Promise<void> {
        this.users = await referenceMap(this.source, this.target, 'systemusers', 'systemuserid', 'domainname');
        this.teams = await referenceMap(this.source, this.target, 'teams', 'teamid', 'name');
        this.currencies = await referenceMap(
            this.source,
            this.target,
            'transactioncurrencies',
            'transactioncurrencyid',
            'isocurrencycode',
        );
        const admins = await this.target.retrieveAll<Row>({
            collection: 'systemusers',
            select: ['systemuserid'],
            filter: `domainname eq '${FALLBACK_OWNER}'`,
        });
        const admin = admins.value[0] ? text(admins.value[0], 'systemuserid') : undefined;
        if (admin === undefined) throw new Error(`naive migration: no user ${FALLBACK_OWNER} in the target`);
        this.fallbackOwner = admin;
    }

    /** The creatable, non-lookup columns of a table, from its attribute metadata. */
    private async columns(table: string): Promise<string[]> {
        const response = await this.source.retrieveAttributes<unknown>({
            entityKey: `LogicalName='${table}'`,
            select: ['LogicalName', 'AttributeType', 'IsValidForCreate', 'AttributeOf'],
        });
        return z
            .array(attributeSchema)
            .parse(response.value)
            .filter((a) => a.IsValidForCreate && !a.AttributeOf && !NOT_COPIED_TYPES.has(a.AttributeType))
            .map((a) => a.LogicalName)
            .filter((name) => name !== 'overriddencreatedon');
    }

    private async readAll(collection: string, columns: string[], lookups: string[]): Promise<Row[]> {
        const response = await this.source.retrieveAll<Row>({
            collection,
            select: [...columns, ...lookups],
            includeAnnotations: 'Microsoft.Dynamics.CRM.lookuplogicalname',
            maxPageSize: 5000,
        });
        return response.value;
    }

    private copyColumns(row: Row, columns: string[]): Row {
        const data: Row = {};
        for (const column of columns) if (row[column] !== undefined && row[column] !== null) data[column] = row[column];
        return data;
    }

    /** The id a lookup column holds in a row read with lookup annotations, and the table it points to. */
    private lookup(row: Row, column: string): { id: string; table: string } | undefined {
        const id = text(row, `_${column}_value`);
        const table = text(row, `_${column}_value_LogicalName`);
        return id !== undefined && table !== undefined ? { id, table } : undefined;
    }

    private bindOwner(row: Row, data: Row): void {
        const owner = this.lookup(row, 'ownerid');
        const team = owner?.table === 'team' ? this.teams.get(owner.id) : undefined;
        if (team !== undefined) data['ownerid@odata.bind'] = `/teams(${team})`;
        else {
            const user = owner ? this.users.get(owner.id) : undefined;
            data['ownerid@odata.bind'] = `/systemusers(${user ?? this.fallbackOwner})`;
        }
        const currency = this.lookup(row, 'transactioncurrencyid');
        const mapped = currency ? this.currencies.get(currency.id) : undefined;
        if (mapped !== undefined) data['transactioncurrencyid@odata.bind'] = `/transactioncurrencies(${mapped})`;
    }

    /** Binds a lookup to a copied table (ids are kept); polymorphic ones by `<column>_<table>`. */
    private bind(row: Row, data: Row, column: string, polymorphic = false): boolean {
        const value = this.lookup(row, column);
        if (!value) return false;
        const set = value.table === 'account' ? 'accounts' : value.table === 'contact' ? 'contacts' : `${value.table}s`;
        const collection = value.table === 'opportunity' ? 'opportunities' : set;
        data[`${polymorphic ? `${column}_${value.table}` : column}@odata.bind`] = `/${collection}(${value.id})`;
        return true;
    }

    private async create(collection: string, data: Row): Promise<void> {
        this.requests++;
        await this.target.create({ collection, data });
    }

    private async update(collection: string, key: string, data: Row): Promise<void> {
        this.requests++;
        await this.target.update({ collection, key, data });
    }

    async run(): Promise<{ rows: number; associations: number }> {
        let rows = 0;
        const accountColumns = await this.columns('account');
        const accounts = await this.readAll('accounts', accountColumns, [
            '_ownerid_value',
            '_transactioncurrencyid_value',
            '_preferredsystemuserid_value',
            '_primarycontactid_value',
            '_parentaccountid_value',
        ]);
        for (const account of accounts) {
            const data = this.copyColumns(account, accountColumns);
            this.bindOwner(account, data);
            const preferred = this.lookup(account, 'preferredsystemuserid');
            const user = preferred ? this.users.get(preferred.id) : undefined;
            if (user !== undefined) data['preferredsystemuserid@odata.bind'] = `/systemusers(${user})`;
            await this.create('accounts', data);
            rows++;
        }

        const contactColumns = await this.columns('contact');
        const contacts = await this.readAll('contacts', contactColumns, [
            '_ownerid_value',
            '_transactioncurrencyid_value',
            '_parentcustomerid_value',
        ]);
        // A contact's parent customer may be a contact not created yet: those go in a second pass.
        const parentIsContact = (row: Row) => this.lookup(row, 'parentcustomerid')?.table === 'contact';
        for (const contact of contacts) {
            const data = this.copyColumns(contact, contactColumns);
            this.bindOwner(contact, data);
            if (!parentIsContact(contact)) this.bind(contact, data, 'parentcustomerid', true);
            await this.create('contacts', data);
            rows++;
        }

        for (const account of accounts) {
            const data: Row = {};
            const primary = this.bind(account, data, 'primarycontactid');
            const parent = this.bind(account, data, 'parentaccountid');
            if (primary || parent) await this.update('accounts', text(account, 'accountid') ?? '', data);
        }
        for (const contact of contacts.filter(parentIsContact)) {
            const data: Row = {};
            this.bind(contact, data, 'parentcustomerid', true);
            await this.update('contacts', text(contact, 'contactid') ?? '', data);
        }

        const leadColumns = await this.columns('lead');
        const leads = await this.readAll('leads', leadColumns, [
            '_ownerid_value',
            '_transactioncurrencyid_value',
            '_parentaccountid_value',
            '_parentcontactid_value',
            '_customerid_value',
            '_qualifyingopportunityid_value',
        ]);
        for (const lead of leads) {
            const data = this.copyColumns(lead, leadColumns);
            this.bindOwner(lead, data);
            this.bind(lead, data, 'parentaccountid');
            this.bind(lead, data, 'parentcontactid');
            this.bind(lead, data, 'customerid', true);
            await this.create('leads', data);
            rows++;
        }

        const opportunityColumns = await this.columns('opportunity');
        const opportunities = await this.readAll('opportunities', opportunityColumns, [
            '_ownerid_value',
            '_transactioncurrencyid_value',
            '_customerid_value',
            '_parentaccountid_value',
            '_parentcontactid_value',
            '_originatingleadid_value',
        ]);
        for (const opportunity of opportunities) {
            const data = this.copyColumns(opportunity, opportunityColumns);
            this.bindOwner(opportunity, data);
            this.bind(opportunity, data, 'customerid', true);
            this.bind(opportunity, data, 'parentaccountid');
            this.bind(opportunity, data, 'parentcontactid');
            this.bind(opportunity, data, 'originatingleadid');
            await this.create('opportunities', data);
            rows++;
        }

        for (const lead of leads) {
            const data: Row = {};
            if (this.bind(lead, data, 'qualifyingopportunityid')) {
                await this.update('leads', text(lead, 'leadid') ?? '', data);
            }
        }

        let associations = 0;
        for (const [collection, side, relationship] of [
            ['accountleadscollection', 'accounts', 'accountleads_association'],
            ['contactleadscollection', 'contacts', 'contactleads_association'],
        ] as const) {
            const idColumn = side === 'accounts' ? 'accountid' : 'contactid';
            const pairs = await this.source.retrieveAll<Row>({ collection, select: [idColumn, 'leadid'] });
            for (const pair of pairs.value) {
                this.requests++;
                await this.target.associate({
                    collection: side,
                    primaryKey: text(pair, idColumn) ?? '',
                    relationshipName: relationship,
                    relatedCollection: 'leads',
                    relatedKey: text(pair, 'leadid') ?? '',
                });
                associations++;
            }
        }
        return { rows, associations };
    }
}

/** Runs the naive migration from `sourceUrl` into the empty `targetUrl`; timed from the first request. */
export async function naiveMigration(sourceUrl: string, targetUrl: string): Promise<NaiveResult> {
    const started = performance.now();
    const migration = new NaiveMigration(sourceUrl, targetUrl);
    await migration.prepare();
    const { rows, associations } = await migration.run();
    return { rows, associations, requests: migration.requests, seconds: (performance.now() - started) / 1000 };
}
