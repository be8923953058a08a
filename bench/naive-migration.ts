/**
 * The baseline: the same crm migration written the way users write it today with DynamicsWebApi, one request
 * at a time, table by table in a hand-written order. Owners and currencies are mapped once by natural key
 * (users by domain name, teams by name, currencies by ISO code), the columns to copy come from the attribute
 * metadata (creatable, not a lookup), ids are kept; then: accounts without their primary contact and parent
 * account, contacts (without a parent that is a contact), a second pass over accounts and contacts for those
 * lookups, leads, opportunities, a second pass over leads for their qualifying opportunity, and the
 * associations one by one. It sets no state (inactive,
 * won, lost rows stay open): less work per row than the product does, so the comparison favours it.
 */
import { DynamicsWebApi } from 'dynamics-web-api';
import { z } from 'zod';

type Row = Record<string, unknown>;

const FALLBACK_OWNER = 'avery.admin@contoso.onmicrosoft.com';
const NOT_COPIED_TYPES = new Set(['Lookup', 'Customer', 'Owner', 'State', 'Status', 'EntityName']);
/** Entity sets of the tables the migration copies or binds to, written out as a user would. */
const COLLECTIONS = {
    account: 'accounts',
    contact: 'contacts',
    lead: 'leads',
    opportunity: 'opportunities',
    systemuser: 'systemusers',
} as const;

/** A lookup column of a copied table; `later` holds it back for the second pass (for the rows it says). */
interface Lookup {
    column: string;
    polymorphic?: boolean;
    later?: (row: Row) => boolean;
}

const attributeSchema = z.object({
    LogicalName: z.string(),
    AttributeType: z.string(),
    IsValidForCreate: z.boolean(),
    AttributeOf: z.string().nullable().optional(),
    AttributeTypeName: z.object({ Value: z.string() }).nullable().optional(),
});

/** One table's creates, one second pass, or one relationship's associations. */
export interface NaiveStep {
    step: string;
    requests: number;
    seconds: number;
}

export interface NaiveResult {
    /** Business rows created (the four tables). */
    rows: number;
    /** Per step, to show the rate is steady (each step's writes per second). */
    steps: NaiveStep[];
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
    readonly steps: NaiveStep[] = [];

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

    /** The creatable, non-lookup columns of a table, from its attribute metadata; file content needs its own requests. */
    private async columns(table: string): Promise<string[]> {
        const response = await this.source.retrieveAttributes<unknown>({
            entityKey: `LogicalName='${table}'`,
            select: ['LogicalName', 'AttributeType', 'IsValidForCreate', 'AttributeOf', 'AttributeTypeName'],
        });
        return z
            .array(attributeSchema)
            .parse(response.value)
            .filter(
                (a) =>
                    a.IsValidForCreate &&
                    !a.AttributeOf &&
                    !NOT_COPIED_TYPES.has(a.AttributeType) &&
                    a.AttributeTypeName?.Value !== 'FileType',
            )
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

    /** Binds a lookup: users through the user map, copied tables by their kept ids (`<column>_<table>` if polymorphic). */
    private bind(row: Row, data: Row, lookup: Lookup): boolean {
        const value = this.lookup(row, lookup.column);
        if (!value) return false;
        const id = value.table === 'systemuser' ? this.users.get(value.id) : value.id;
        const collection = (COLLECTIONS as Record<string, string | undefined>)[value.table];
        if (id === undefined || collection === undefined) return false;
        const property = lookup.polymorphic ? `${lookup.column}_${value.table}` : lookup.column;
        data[`${property}@odata.bind`] = `/${collection}(${id})`;
        return true;
    }

    /** Times one step and counts its writes. */
    private async step<T>(name: string, work: () => Promise<T>): Promise<T> {
        const [requests, started] = [this.requests, performance.now()];
        const result = await work();
        this.steps.push({
            step: name,
            requests: this.requests - requests,
            seconds: (performance.now() - started) / 1000,
        });
        return result;
    }

    private async send(write: Promise<unknown>): Promise<void> {
        this.requests++;
        await write;
    }

    /**
     * Reads a whole table, then creates its rows one at a time with their owner, currency and lookups, except
     * the lookups `later` holds back (they point at rows that may not exist yet). Returns the rows read.
     */
    private copyTable(table: keyof typeof COLLECTIONS, lookups: Lookup[]): Promise<Row[]> {
        return this.step(`create ${table}`, () => this.createAll(table, lookups));
    }

    private async createAll(table: keyof typeof COLLECTIONS, lookups: Lookup[]): Promise<Row[]> {
        const collection = COLLECTIONS[table];
        const columns = await this.columns(table);
        const read = ['ownerid', 'transactioncurrencyid', ...lookups.map((l) => l.column)].map((c) => `_${c}_value`);
        const rows = await this.readAll(collection, columns, read);
        for (const row of rows) {
            const data = this.copyColumns(row, columns);
            this.bindOwner(row, data);
            for (const lookup of lookups) if (!lookup.later?.(row)) this.bind(row, data, lookup);
            await this.send(this.target.create({ collection, data }));
        }
        return rows;
    }

    /** The second pass: the held-back lookups, one update per row that has any. */
    private patchLater(table: keyof typeof COLLECTIONS, rows: Row[], lookups: Lookup[]): Promise<void> {
        return this.step(`patch ${table}`, () => this.patchAll(table, rows, lookups));
    }

    private async patchAll(table: keyof typeof COLLECTIONS, rows: Row[], lookups: Lookup[]): Promise<void> {
        const collection = COLLECTIONS[table];
        for (const row of rows) {
            const data: Row = {};
            let any = false;
            for (const lookup of lookups) if (lookup.later?.(row) && this.bind(row, data, lookup)) any = true;
            const key = text(row, `${table}id`);
            if (any && key !== undefined) await this.send(this.target.update({ collection, key, data }));
        }
    }

    /** Reads an intersect table and associates its pairs in the target one request at a time. */
    private async associateAll(intersect: string, side: 'account' | 'contact', relationship: string): Promise<number> {
        const pairs = await this.source.retrieveAll<Row>({ collection: intersect, select: [`${side}id`, 'leadid'] });
        for (const pair of pairs.value) {
            await this.send(
                this.target.associate({
                    collection: COLLECTIONS[side],
                    primaryKey: text(pair, `${side}id`) ?? '',
                    relationshipName: relationship,
                    relatedCollection: COLLECTIONS.lead,
                    relatedKey: text(pair, 'leadid') ?? '',
                }),
            );
        }
        return pairs.value.length;
    }

    async run(): Promise<{ rows: number; associations: number }> {
        const always = () => true;
        // A contact's parent customer may be a contact not created yet.
        const parentIsContact = (row: Row) => this.lookup(row, 'parentcustomerid')?.table === 'contact';
        const accountLookups: Lookup[] = [
            { column: 'preferredsystemuserid' },
            { column: 'primarycontactid', later: always },
            { column: 'parentaccountid', later: always },
        ];
        const contactLookups: Lookup[] = [{ column: 'parentcustomerid', polymorphic: true, later: parentIsContact }];
        const leadLookups: Lookup[] = [
            { column: 'parentaccountid' },
            { column: 'parentcontactid' },
            { column: 'customerid', polymorphic: true },
            { column: 'qualifyingopportunityid', later: always },
        ];
        const accounts = await this.copyTable('account', accountLookups);
        const contacts = await this.copyTable('contact', contactLookups);
        await this.patchLater('account', accounts, accountLookups);
        await this.patchLater('contact', contacts, contactLookups);
        const leads = await this.copyTable('lead', leadLookups);
        const opportunities = await this.copyTable('opportunity', [
            { column: 'customerid', polymorphic: true },
            { column: 'parentaccountid' },
            { column: 'parentcontactid' },
            { column: 'originatingleadid' },
        ]);
        await this.patchLater('lead', leads, leadLookups);

        let associations = 0;
        for (const [intersect, side, relationship] of [
            ['accountleadscollection', 'account', 'accountleads_association'],
            ['contactleadscollection', 'contact', 'contactleads_association'],
        ] as const) {
            associations += await this.step(`associate ${relationship}`, () =>
                this.associateAll(intersect, side, relationship),
            );
        }
        return { rows: accounts.length + contacts.length + leads.length + opportunities.length, associations };
    }
}

/** Runs the naive migration from `sourceUrl` into the empty `targetUrl`; timed from the first request. */
export async function naiveMigration(sourceUrl: string, targetUrl: string): Promise<NaiveResult> {
    const started = performance.now();
    const migration = new NaiveMigration(sourceUrl, targetUrl);
    await migration.prepare();
    const { rows, associations } = await migration.run();
    return {
        rows,
        steps: migration.steps,
        associations,
        requests: migration.requests,
        seconds: (performance.now() - started) / 1000,
    };
}
