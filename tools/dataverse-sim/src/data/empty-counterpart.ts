/**
 * The matching TARGET environment for `--empty`: the same schema and the same system rows
 * (users, teams, business units, security roles, currencies, organization) with the same names and
 * natural keys, but new ids, as a second real environment has them (every business unit with its own
 * copy of each role); no business rows and no associations.
 * Users keep their Entra ID object ids when both environments are in one tenant (the default, as in
 * a geo-migration); in another tenant the same people have other object ids.
 */
import type { SimDataset, SimLookupValue, SimRow, SimValue } from '../model.js';
import { isLookupValue } from '../model.js';
import { Prng } from '../prng.js';
import { entraObjectId, lookupRef } from './system-rows.js';
import { isSystemTable, SYSTEM_TABLE_NAMES } from './system-tables.js';

function idOf(row: SimRow, column: string): string {
    const v = row[column];
    if (typeof v !== 'string') throw new Error(`emptyCounterpart: row without a string id in '${column}'`);
    return v;
}

export interface EmptyCounterpartOptions {
    seed: number | string;
    /** Source and target in one Entra ID tenant (default true): users keep their object ids. */
    sameTenant?: boolean;
}

export function emptyCounterpart(source: SimDataset, options: EmptyCounterpartOptions): SimDataset {
    const sameTenant = options.sameTenant ?? true;
    // A distinct stream from the generator's, so that the target's ids never repeat the source's for the same seed.
    const rng = new Prng(`empty-counterpart:${String(options.seed)}`);
    const newIds = new Map<string, string>();
    const tables = new Map(source.schema.tables.map((t) => [t.logicalName, t]));
    for (const name of SYSTEM_TABLE_NAMES) {
        const t = tables.get(name);
        if (!t) continue;
        for (const row of source.rows[name] ?? []) newIds.set(`${name}:${idOf(row, t.primaryIdAttribute)}`, rng.guid());
    }
    const refs = new Map<string, SimLookupValue>();
    const remap = (v: SimValue): SimValue => {
        if (!isLookupValue(v)) return v;
        if (!isSystemTable(v.table)) return null; // business rows do not exist in the target
        const key = `${v.table}:${v.id}`;
        const id = newIds.get(key);
        if (id === undefined) return null;
        let r = refs.get(key);
        if (!r) {
            r = lookupRef(v.table, id);
            refs.set(key, r);
        }
        return r;
    };
    const rows: Record<string, SimRow[]> = {};
    for (const t of source.schema.tables) {
        if (t.isIntersect) continue;
        if (!isSystemTable(t.logicalName)) {
            rows[t.logicalName] = [];
            continue;
        }
        rows[t.logicalName] = (source.rows[t.logicalName] ?? []).map((row) => {
            const copy: SimRow = {};
            for (const [k, v] of Object.entries(row))
                copy[k] = k === t.primaryIdAttribute ? newIds.get(`${t.logicalName}:${idOf(row, k)}`)! : remap(v);
            if (!sameTenant && typeof copy.azureactivedirectoryobjectid === 'string')
                copy.azureactivedirectoryobjectid = entraObjectId(idOf(copy, t.primaryIdAttribute), 'other-tenant');
            return copy;
        });
    }
    const associations: Record<string, Array<[string, string]>> = {};
    for (const m of source.schema.manyToMany) associations[m.schemaName] = [];
    return { schema: structuredClone(source.schema), rows, associations };
}
