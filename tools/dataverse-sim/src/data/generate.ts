/**
 * Generates a dataset for any schema: deterministic by seed, realistic values by column type and
 * name, every lookup pointing to an existing row, self-references as acyclic hierarchies, cycles
 * between tables (account.primarycontactid <-> contact.parentcustomerid), about 10% inactive rows,
 * and many-to-many associations (security roles as the users and teams of each business unit hold
 * them). Rows stay lean for 1,000,000-row datasets: all rows of a table
 * share one property order (one hidden class), columns that would always be null are left out,
 * and a lookup value object is shared by every row that points to the same row (treat as immutable).
 */
import type {
    SimAttribute,
    SimDataset,
    SimLookupValue,
    SimManyToMany,
    SimRow,
    SimSchema,
    SimTable,
    SimValue,
} from '../model.js';
import { hasNoProperty, isLookupType } from '../model.js';
import { isExactNumber, numberFromLiteral } from '../exact-number.js';
import { Prng } from '../prng.js';
import { isSystemTable } from './system-tables.js';
import { ACTIVITY_WEIGHTS, addActivityContent } from './generate-activities.js';
import { asciiSlug, generateSystemRows, lookupRef, type SystemRefs } from './system-rows.js';
import {
    CITIES,
    COMPANY_PARTS,
    COMPANY_SUFFIXES,
    FIRST_NAMES,
    JOB_TITLES,
    LAST_NAMES,
    PRODUCTS,
    SENTENCES,
    STREETS,
    WORDS,
} from './words.js';

export interface GenerateOptions {
    /** Number of business rows in total, split over the business tables. */
    rows: number;
    seed: number | string;
    /**
     * Also e-mails, appointments, phone calls, tasks with their parties, and notes with small files (crm schema;
     * generate-activities.ts). Off by default, so existing datasets keep their rows.
     */
    activities?: boolean;
}

/** Share of the business rows per table in the crm schema (roughly what a sales org holds). */
const CRM_WEIGHTS: Record<string, number> = {
    account: 0.2,
    contact: 0.45,
    lead: 0.2,
    opportunity: 0.15,
    // Close activities come from WinOpportunity / LoseOpportunity in the target, not from the generator.
    opportunityclose: 0,
    // The state-machine tables start empty, so the default dataset stays as it was; tests write their rows.
    quote: 0,
    salesorder: 0,
    incident: 0,
    quoteclose: 0,
    orderclose: 0,
    incidentresolution: 0,
    email: 0,
    // Activities with parties, notes and attachments start empty too (tests write them), so the dataset stays as it was.
    appointment: 0,
    phonecall: 0,
    task: 0,
    activityparty: 0,
    annotation: 0,
    activitymimeattachment: 0,
};

const START = Date.UTC(2019, 0, 1);
const END = Date.UTC(2025, 5, 1);
const DAY = 86_400_000;

/** Per-row context: values several columns derive from. */
interface RowContext {
    index: number;
    created: number;
    first: string;
    last: string;
    city: [string, string, string];
    currency: number;
    ownerIsTeam: boolean;
    owner: number;
    /** Index of the row's statecode among the table's states (0 = the state a create leaves). */
    state: number;
}

/** Generates one column's value; `row` holds the columns generated before it. */
type ColumnGen = (ctx: RowContext, rng: Prng, row: SimRow) => SimValue;

/** ISO-8601 UTC without fractional seconds, as one flat string (slice + concat would keep three objects). */
function isoSeconds(ms: number): string {
    return new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z');
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export function businessTables(schema: SimSchema): SimTable[] {
    return schema.tables.filter((t) => !isSystemTable(t.logicalName) && t.isIntersect !== true);
}

/** Splits `total` over tables: crm weights where known, otherwise tables that reference more get more rows. */
export function splitRows(schema: SimSchema, total: number, activities = false): Map<string, number> {
    const tables = businessTables(schema);
    const weights = tables.map((t) => {
        const known = (activities ? ACTIVITY_WEIGHTS[t.logicalName] : undefined) ?? CRM_WEIGHTS[t.logicalName];
        if (known !== undefined) return known;
        const refs = new Set<string>();
        for (const a of t.attributes)
            if (isLookupType(a.type) && a.validForCreate !== false)
                for (const target of a.targets ?? [])
                    if (!isSystemTable(target) && target !== t.logicalName) refs.add(target);
        return (1 + refs.size) / 4;
    });
    const sum = weights.reduce((a, b) => a + b, 0);
    const exact = weights.map((w) => (sum === 0 ? 0 : (total * w) / sum));
    const counts = exact.map(Math.floor);
    let left = total - counts.reduce((a, b) => a + b, 0);
    const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (const [, i] of order) {
        if (left <= 0) break;
        counts[i]!++;
        left--;
    }
    return new Map(tables.map((t, i) => [t.logicalName, counts[i]!]));
}

class Generator {
    private readonly refs = new Map<string, SimLookupValue[]>();
    private version = 10_000;

    constructor(
        private readonly schema: SimSchema,
        private readonly sys: SystemRefs,
        private readonly counts: Map<string, number>,
        private readonly rng: Prng,
    ) {
        for (const t of businessTables(schema)) {
            const n = counts.get(t.logicalName) ?? 0;
            const list = new Array<SimLookupValue>(n);
            for (let i = 0; i < n; i++) list[i] = lookupRef(t.logicalName, rng.guid());
            this.refs.set(t.logicalName, list);
        }
        const systemLists: Record<string, SimLookupValue[]> = {
            systemuser: sys.users,
            team: sys.teams,
            businessunit: sys.businessUnits,
            transactioncurrency: sys.currencies,
            organization: [sys.organization],
            role: sys.roles,
        };
        for (const [name, list] of Object.entries(systemLists)) this.refs.set(name, list);
    }

    ids(table: string): SimLookupValue[] {
        return this.refs.get(table) ?? [];
    }

    table(t: SimTable): SimRow[] {
        const n = this.counts.get(t.logicalName) ?? 0;
        const own = this.ids(t.logicalName);
        const keyColumns = new Set((t.keys ?? []).flatMap((k) => k.keyAttributes));
        const plan: Array<[string, ColumnGen]> = [];
        for (const a of t.attributes) {
            if (a.logicalName === t.primaryIdAttribute) continue;
            const gen = this.column(t, a, keyColumns.has(a.logicalName));
            if (gen) plan.push([a.logicalName, gen]);
        }
        // Money `_base` columns derive from their source column, so they come after all others.
        plan.sort((x, y) => Number(isBaseColumn(t, x[0])) - Number(isBaseColumn(t, y[0])));
        const drawState = stateDraw(t.attributes.find((a) => a.type === 'State')?.options?.length ?? 0);
        const rows = new Array<SimRow>(n);
        const rng = this.rng;
        const sys = this.sys;
        // All rows of a table are clones of one fast-mode template (JSON.parse builds one), so they share a
        // hidden class with in-object fields; adding ~50 keyed properties one by one would fall into
        // dictionary mode at about 3 KB per row.
        const template = JSON.parse(
            JSON.stringify(Object.fromEntries([[t.primaryIdAttribute, null], ...plan.map(([name]) => [name, null])])),
        ) as SimRow;
        // Rows closed by a message (opportunity won/lost) carry what the message sets: a close date and, when won,
        // the actual revenue.
        const closes = t.dedicatedStateMessages !== undefined && 'actualclosedate' in template;
        for (let i = 0; i < n; i++) {
            const ownerIsTeam = rng.chance(0.15);
            const ctx: RowContext = {
                index: i,
                created: START + Math.floor(rng.next() * (END - START)),
                first: rng.pick(FIRST_NAMES),
                last: rng.pick(LAST_NAMES),
                city: rng.pick(CITIES),
                currency: rng.chance(0.8) ? 0 : rng.int(1, sys.currencies.length - 1),
                ownerIsTeam,
                owner: ownerIsTeam ? rng.int(0, sys.teams.length - 1) : rng.int(0, sys.users.length - 1),
                state: drawState ? drawState(rng.next()) : 0,
            };
            const row: SimRow = { ...template };
            row[t.primaryIdAttribute] = own[i]!.id;
            for (const [name, gen] of plan) row[name] = gen(ctx, rng, row);
            if (closes && ctx.state !== 0) closeValues(row, ctx, sys.currencyRates[ctx.currency]!);
            rows[i] = row;
        }
        return rows;
    }

    /** The value generator of one column, or undefined to leave the column out (always null). */
    private column(t: SimTable, a: SimAttribute, unique: boolean): ColumnGen | undefined {
        const name = a.logicalName;
        const sys = this.sys;
        if (
            a.attributeOf !== undefined ||
            hasNoProperty(a.type) ||
            a.type === 'EntityName' ||
            a.type === 'Image' ||
            a.type === 'File' ||
            isFileNameColumn(t, a)
        )
            return undefined;
        const fullScale = fullScaleColumn(t, a);
        if (fullScale) return fullScale;
        switch (name) {
            case 'createdon':
                return (c) => isoSeconds(c.created);
            case 'modifiedon':
                return (c, r) => isoSeconds(Math.min(END + 30 * DAY, c.created + Math.floor(r.next() * 400 * DAY)));
            case 'createdby':
            case 'modifiedby':
                return (_c, r) => r.pick(sys.users);
            case 'versionnumber':
                return () => this.version++;
            case 'ownerid':
                return (c) => (c.ownerIsTeam ? sys.teams[c.owner]! : sys.users[c.owner]!);
            case 'owninguser':
                return (c) => (c.ownerIsTeam ? null : sys.users[c.owner]!);
            case 'owningteam':
                return (c) => (c.ownerIsTeam ? sys.teams[c.owner]! : null);
            case 'owningbusinessunit':
                return (c) => (c.ownerIsTeam ? sys.teamBusinessUnits[c.owner]! : sys.userBusinessUnits[c.owner]!);
            case 'organizationid':
                return () => sys.organization;
            case 'transactioncurrencyid':
                return (c) => sys.currencies[c.currency]!;
            case 'exchangerate':
                return (c) => sys.currencyRates[c.currency]!;
            case 'createdonbehalfby':
            case 'modifiedonbehalfby':
            case 'overriddencreatedon':
            case 'importsequencenumber':
            case 'timezoneruleversionnumber':
            case 'utcconversiontimezonecode':
                return undefined;
        }
        const states = t.attributes.find((b) => b.type === 'State')?.options ?? [];
        if (a.type === 'State') return (c) => states[c.state]?.value ?? 0;
        if (a.type === 'Status') {
            // The status reasons of each state, so that every row's pair is consistent.
            const byState = states.map((s) => (a.options ?? []).filter((o) => (o.state ?? 0) === s.value));
            const fallback = (a.options ?? []).filter((o) => (o.state ?? 0) === 0);
            return (c, r) => {
                const list = (byState[c.state]?.length ?? 0) > 0 ? byState[c.state]! : fallback;
                return list.length > 0 ? r.pick(list).value : 1;
            };
        }
        if (isLookupType(a.type)) return this.lookupColumn(t, a);
        const required = isRequired(a);
        // Person names are always set: fullname (read-only, computed by the service) is first + last.
        const isName = a.isPrimaryName === true || name === 'firstname' || name === 'lastname';
        const optional = (p: number, gen: ColumnGen): ColumnGen =>
            required || isName || unique ? gen : (c, r, row) => (r.chance(p) ? gen(c, r, row) : null);
        switch (a.type) {
            case 'String':
                return optional(0.85, this.stringColumn(t, a, unique));
            case 'Memo':
                return optional(0.4, (_c, r) => r.pick(SENTENCES).slice(0, a.maxLength ?? 2000));
            case 'Integer':
                if (unique) return (c) => c.index + 1;
                return optional(0.7, (_c, r) => integerFor(name, r));
            case 'BigInt':
                return optional(0.5, (c, r) => r.int(0, 1_000_000) * 1000 + c.index);
            case 'Decimal': {
                const p = a.precision ?? 2;
                return optional(0.7, (_c, r) => round(name.includes('percent') ? r.next() * 30 : r.next() * 10_000, p));
            }
            case 'Double': {
                const p = a.precision ?? 5;
                if (name.endsWith('latitude')) return optional(0.6, (_c, r) => round(r.next() * 180 - 90, p));
                if (name.endsWith('longitude')) return optional(0.6, (_c, r) => round(r.next() * 360 - 180, p));
                return optional(0.7, (_c, r) => round(r.next() * 10_000, p));
            }
            case 'Money': {
                const p = a.precision ?? 2;
                if (isBaseColumn(t, name)) {
                    const source = name.slice(0, -5);
                    // Base amount = amount / exchange rate, as the service computes it (source is generated first).
                    return (c, _r, row) => {
                        const amount = row[source];
                        return typeof amount === 'number' || isExactNumber(amount)
                            ? round(Number(amount) / sys.currencyRates[c.currency]!, p)
                            : null;
                    };
                }
                return optional(0.7, (_c, r) => round(1000 + r.next() * r.pick([10_000, 250_000, 5_000_000]), p));
            }
            case 'Boolean':
                return (_c, r) => r.chance(0.3);
            case 'DateTime':
                if (name === 'birthdate')
                    return optional(0.5, (_c, r) =>
                        isoSeconds(Date.UTC(1950, 0, 1) + Math.floor(r.next() * 50 * 365) * DAY),
                    );
                return optional(0.6, (c, r) => isoSeconds(c.created + Math.floor(r.next() * 365) * DAY));
            case 'Picklist': {
                const options = a.options ?? [];
                if (options.length === 0) return undefined;
                return optional(0.8, (_c, r) => r.pick(options).value);
            }
            case 'MultiSelectPicklist': {
                const options = a.options ?? [];
                if (options.length === 0) return undefined;
                return optional(0.5, (_c, r) => {
                    const chosen = options.filter(() => r.chance(0.4)).map((o) => o.value);
                    return (chosen.length > 0 ? chosen : [options[0]!.value]).join(',');
                });
            }
            case 'Uniqueidentifier':
                return undefined;
            default:
                return undefined;
        }
    }

    private stringColumn(t: SimTable, a: SimAttribute, unique: boolean): ColumnGen {
        const max = a.maxLength ?? 100;
        const cut = (s: string): string => (s.length > max ? s.slice(0, max) : s);
        const name = a.logicalName;
        const person = t.attributes.some((b) => b.logicalName === 'firstname');
        if (unique) {
            const prefix = t.logicalName
                .replace(/^[a-z0-9]+_/, '')
                .slice(0, 3)
                .toUpperCase();
            return (c) => cut(`${prefix}-${String(c.index + 1).padStart(7, '0')}`);
        }
        if (name === 'firstname') return (c) => cut(c.first);
        if (name === 'lastname') return (c) => cut(c.last);
        if (name === 'fullname' || (a.isPrimaryName === true && person)) return (c) => cut(`${c.first} ${c.last}`);
        if (name.startsWith('emailaddress') || name.endsWith('email') || name === 'internalemailaddress')
            return person
                ? (c) => cut(`${asciiSlug(c.first)}.${asciiSlug(c.last)}${c.index}@example.com`)
                : (c) => cut(`info${c.index}@example.com`);
        if (name.startsWith('telephone') || name === 'mobilephone' || name === 'fax' || name.endsWith('phone'))
            return (_c, r) => cut(`+1 ${r.int(200, 989)}-555-${String(r.int(0, 9999)).padStart(4, '0')}`);
        if (name.endsWith('_city')) return (c) => cut(c.city[0]);
        if (name.endsWith('_stateorprovince')) return (c) => cut(c.city[1]);
        if (name.endsWith('_country')) return (c) => cut(c.city[2]);
        if (name.endsWith('_postalcode')) return (_c, r) => cut(String(r.int(10000, 99999)));
        if (name.endsWith('_line1')) return (_c, r) => cut(`${r.int(1, 999)} ${r.pick(STREETS)}`);
        if (name === 'websiteurl') return (c) => cut(`https://www.example${c.index}.com`);
        if (name === 'jobtitle' || name === 'title') return (_c, r) => cut(r.pick(JOB_TITLES));
        if (name === 'companyname' || (a.isPrimaryName === true && t.logicalName === 'account'))
            return (_c, r) => cut(`${r.pick(COMPANY_PARTS)} ${r.pick(COMPANY_SUFFIXES)}`);
        if (name === 'subject' || (a.isPrimaryName === true && t.logicalName === 'opportunity'))
            return (_c, r) => cut(`${r.int(2, 500)} ${r.pick(PRODUCTS)}`);
        if (a.isPrimaryName === true) return (c, r) => cut(`${r.pick(WORDS)} ${c.index + 1}`);
        return (_c, r) => cut(`${r.pick(WORDS)} ${r.pick(WORDS)}`);
    }

    private lookupColumn(t: SimTable, a: SimAttribute): ColumnGen | undefined {
        if (a.validForCreate === false && a.validForUpdate === false) return undefined;
        const targets = (a.targets ?? []).filter((x) => this.ids(x).length > 0);
        if (targets.length === 0) return undefined;
        const required = isRequired(a);
        const self = t.logicalName;
        // Share of rows that get a value, and the chance of each target for polymorphic lookups.
        let weights = targets.map(() => 1);
        let p = 0.6;
        if (a.type === 'Customer') {
            weights = targets.map((x) => (x === 'account' ? 3 : 1));
            p = 0.85;
        } else if (targets.length === 1 && targets[0] === self) p = 0.35;
        else if (targets.every(isSystemTable)) p = 0.3;
        if (a.logicalName === 'primarycontactid') p = 0.75;
        if (required) p = 1;
        const total = weights.reduce((x, y) => x + y, 0);
        return (c, r) => {
            if (!r.chance(p)) return null;
            let w = r.next() * total;
            let target = targets[targets.length - 1]!;
            for (let k = 0; k < targets.length; k++) {
                w -= weights[k]!;
                if (w < 0) {
                    target = targets[k]!;
                    break;
                }
            }
            const list = this.ids(target);
            // A self-reference points to an earlier row, so hierarchies never loop (as Dataverse requires).
            if (target === self) return c.index === 0 ? null : list[r.int(0, c.index - 1)]!;
            return list[r.int(0, list.length - 1)]!;
        };
    }
}

/**
 * A closed opportunity as WinOpportunity / LoseOpportunity leave it: closed on a date (actualclosedate), and a won
 * one with its actual revenue ("defaults to the Est. Revenue value when an opportunity is won").
 */
function closeValues(row: SimRow, ctx: RowContext, rate: number): void {
    if (row.actualclosedate === null) row.actualclosedate = isoSeconds(ctx.created + 30 * DAY);
    if (ctx.state === 1 && 'actualvalue' in row && row.actualvalue === null) {
        const value = typeof row.estimatedvalue === 'number' ? row.estimatedvalue : 10_000;
        row.actualvalue = value;
        if ('actualvalue_base' in row) row.actualvalue_base = round(value / rate, 4);
    }
}

/**
 * The state of a row from one uniform draw, for a table of `count` states (undefined below two): two states
 * (active/inactive) 90/10; more (lead open / qualified / disqualified, opportunity open / won / lost) 70% in the
 * first and the rest shared out, the later ones a little less. The weights are worked out once per table.
 */
function stateDraw(count: number): ((u: number) => number) | undefined {
    if (count < 2) return undefined;
    if (count === 2) return (u) => (u < 0.9 ? 0 : 1);
    const rest = count - 1;
    const weights = Array.from({ length: rest }, (_, i) => rest - i);
    const total = weights.reduce((x, y) => x + y, 0);
    return (u) => {
        if (u < 0.7) return 0;
        let w = ((u - 0.7) / 0.3) * total;
        for (let i = 0; i < rest; i++) {
            w -= weights[i]!;
            if (w < 0) return i + 1;
        }
        return rest;
    };
}

function integerFor(name: string, r: Prng): number {
    if (name === 'numberofemployees') return r.int(1, 50_000);
    if (name === 'closeprobability') return r.int(0, 100);
    if (name === 'numberofchildren') return r.int(0, 5);
    return r.int(0, 1000);
}

function isRequired(a: SimAttribute): boolean {
    return a.requiredLevel === 'SystemRequired' || a.requiredLevel === 'ApplicationRequired';
}

/** A Money `_base` twin: derived from its source column. */
function isBaseColumn(t: SimTable, name: string): boolean {
    return name.endsWith('_base') && t.attributes.some((b) => b.logicalName === name.slice(0, -5));
}

/**
 * The security roles principals hold, whatever the relationship is called (systemuserroles_association, or the
 * intersect name a CMT file gives it): users and owner teams hold the roles of their own business unit, as the
 * classic business unit model allows, not random ones.
 */
function roleAssignments(m: SimManyToMany, sys: SystemRefs): Array<[string, string]> | undefined {
    const held: Record<string, Array<[SimLookupValue, SimLookupValue]>> = {
        systemuser: sys.userRoles,
        team: sys.teamRoles,
    };
    if (m.entity2LogicalName === 'role' && held[m.entity1LogicalName])
        return held[m.entity1LogicalName]!.map(([p, r]) => [p.id, r.id]);
    if (m.entity1LogicalName === 'role' && held[m.entity2LogicalName])
        return held[m.entity2LogicalName]!.map(([p, r]) => [r.id, p.id]);
    return undefined;
}

function associations(
    schema: SimSchema,
    gen: Generator,
    sys: SystemRefs,
    rng: Prng,
): Record<string, Array<[string, string]>> {
    const out: Record<string, Array<[string, string]>> = {};
    for (const m of schema.manyToMany) {
        const roles = roleAssignments(m, sys);
        if (roles) {
            out[m.schemaName] = roles;
            continue;
        }
        const a = gen.ids(m.entity1LogicalName);
        const b = gen.ids(m.entity2LogicalName);
        const pairs: Array<[string, string]> = [];
        out[m.schemaName] = pairs;
        if (a.length === 0 || b.length === 0) continue;
        const wanted = Math.max(1, Math.floor(Math.min(a.length, b.length) * 0.3));
        const seen = new Set<number>();
        for (let k = 0; k < wanted * 2 && pairs.length < wanted; k++) {
            const i = rng.int(0, a.length - 1);
            const j = rng.int(0, b.length - 1);
            if (m.entity1LogicalName === m.entity2LogicalName && i === j) continue;
            const key = i * b.length + j;
            if (seen.has(key)) continue;
            seen.add(key);
            pairs.push([a[i]!.id, b[j]!.id]);
        }
    }
    return out;
}

/** Generates system rows and `rows` business rows for the schema, deterministically from the seed. */
export function generateDataset(schema: SimSchema, options: GenerateOptions): SimDataset {
    if (!Number.isInteger(options.rows) || options.rows < 0)
        throw new Error(`generateDataset: rows must be a non-negative integer, got ${options.rows}`);
    const rng = new Prng(options.seed);
    const system = generateSystemRows(schema, rng);
    const counts = splitRows(schema, options.rows, options.activities === true);
    const gen = new Generator(schema, system.refs, counts, rng);
    const rows: Record<string, SimRow[]> = { ...system.rows };
    for (const t of businessTables(schema)) {
        rows[t.logicalName] = gen.table(t);
    }
    if (options.activities === true) addActivityContent(schema, rows, options.seed);
    return { schema, rows, associations: associations(schema, gen, system.refs, rng) };
}

/**
 * The crm sample's full-scale number columns (account.new_externalsequence, new_exchangefactor, new_portfoliovalue):
 * two rows in three get a value a double cannot hold. Drawn from the row's index, not the shared generator, so the
 * other columns' values stay as they were before these columns existed.
 */
function fullScaleColumn(t: SimTable, a: SimAttribute): ColumnGen | undefined {
    if (t.logicalName !== 'account') return undefined;
    const every = (gen: (i: number) => string): ColumnGen => {
        return (c) => (c.index % 3 === 2 ? null : numberFromLiteral(gen(c.index)));
    };
    const digits = (i: number, n: number) => String((i * 7_919 + 1_234_567) % 10 ** n).padStart(n, '0');
    switch (a.logicalName) {
        case 'new_externalsequence':
            // 2^53 + an odd number: beyond what a double holds, below SQL bigint's 9,223,372,036,854,775,807.
            return every((i) => String(2n ** 53n + BigInt(i * 2 + 1)));
        case 'new_exchangefactor':
            return every((i) => `${10_000_000_000 + i}.${digits(i, 9)}1`);
        case 'new_portfoliovalue':
            return every((i) => `${900_000_000_000_000 + i * 37}.${digits(i, 3)}7`);
        default:
            return undefined;
    }
}

/** `<file column>_name`: the name of the file the column holds, set by its upload only (file-column-data.md). */
function isFileNameColumn(t: SimTable, a: SimAttribute): boolean {
    return (
        a.logicalName.endsWith('_name') &&
        t.attributes.some((f) => f.type === 'File' && `${f.logicalName}_name` === a.logicalName)
    );
}
