/**
 * Every real CMT export of the corpus loads in the three ways a user starts a simulator from it: the schema alone
 * with generated rows, the schema with its data.xml, and the `--empty` target of either; each time every table,
 * field and many-to-many relationship of the file is in the environment, every lookup value and association
 * resolves, guesses are warnings (one line each) and never refusals, and the environment answers over HTTP.
 */
import { describe, expect, it } from 'vitest';
import type { SimDataset } from '../src/index.js';
import {
    checkIntegrity,
    emptyCounterpart,
    generateDataset,
    isLookupType,
    loadCmtData,
    loadSchemaFile,
    startSimulator,
} from '../src/index.js';
import { corpus, rawData, rawSchema, type CorpusExport } from './corpus-helpers.js';

const exports = corpus();

/** Loads an export's schema, collecting the warnings. */
function schemaOf(e: CorpusExport) {
    const warnings: string[] = [];
    const schema = loadSchemaFile(e.schemaPath, (w) => warnings.push(w));
    return { schema, warnings };
}

/** Every table, field and many-to-many relationship the file lists is in the dataset's schema. */
function expectFileModeled(e: CorpusExport, dataset: SimDataset): void {
    const tables = new Map(dataset.schema.tables.map((t) => [t.logicalName, t]));
    for (const entity of rawSchema(e.schemaPath)) {
        const table = tables.get(entity.name.toLowerCase());
        expect(table, `${e.name}: table ${entity.name}`).toBeDefined();
        const names = new Set(table!.attributes.map((a) => a.logicalName));
        for (const f of entity.fields)
            expect(names.has(f.name.toLowerCase()), `${e.name}: ${entity.name}.${f.name}`).toBe(true);
        for (const m of entity.manyToMany) {
            // CMT names system relationships by their intersect table (systemuserroles for systemuserroles_association).
            const rel = dataset.schema.manyToMany.find(
                (r) => r.schemaName === m.name || r.intersectEntityName === m.name,
            );
            expect(rel, `${e.name}: many-to-many ${m.name}`).toBeDefined();
            expect(tables.has(m.target.toLowerCase()), `${e.name}: ${m.name} target ${m.target}`).toBe(true);
        }
    }
    // Lookups point to tables that exist (as in a real org), and every intersect table exists.
    for (const t of dataset.schema.tables)
        for (const a of t.attributes)
            if (isLookupType(a.type))
                for (const target of a.targets ?? [])
                    expect(tables.has(target), `${t.logicalName}.${a.logicalName} -> ${target}`).toBe(true);
    for (const m of dataset.schema.manyToMany)
        expect(tables.has(m.intersectEntityName), m.intersectEntityName).toBe(true);
}

function expectOneLineWarnings(warnings: string[]): void {
    for (const w of warnings) expect(w).not.toMatch(/\n/);
}

/** Starts the dataset as an environment and reads every file table's rows back over HTTP. */
async function expectServed(e: CorpusExport, dataset: SimDataset): Promise<void> {
    const sim = await startSimulator({ dataset: structuredClone(dataset) });
    try {
        const api = `${sim.url}/api/data/v9.2/`;
        const defs = (await (await fetch(`${api}EntityDefinitions?$select=LogicalName,EntitySetName`)).json()) as {
            value: Array<{ LogicalName: string; EntitySetName: string }>;
        };
        const sets = new Map(defs.value.map((d) => [d.LogicalName, d.EntitySetName]));
        for (const entity of rawSchema(e.schemaPath)) {
            const set = sets.get(entity.name.toLowerCase());
            expect(set, `${e.name}: ${entity.name} in EntityDefinitions`).toBeDefined();
            const res = await fetch(`${api}${set}?$count=true`, { headers: { Prefer: 'odata.maxpagesize=5000' } });
            expect(res.status, `${e.name}: GET ${set}`).toBe(200);
            const body = (await res.json()) as { value: unknown[] };
            expect(body.value.length, `${e.name}: rows of ${set}`).toBe(
                dataset.rows[entity.name.toLowerCase()]?.length ?? 0,
            );
        }
    } finally {
        await sim.close();
    }
}

describe.each(exports.map((e) => [e.name, e] as const))('CMT export %s', (_name, e) => {
    it('loads as a schema alone, with generated rows whose lookups all resolve', async () => {
        const { schema, warnings } = schemaOf(e);
        const dataset = generateDataset(schema, { rows: 300, seed: 3 });
        expectFileModeled(e, dataset);
        expect(checkIntegrity(dataset)).toEqual([]);
        expectOneLineWarnings(warnings);
        await expectServed(e, dataset);
    });

    it('gives an --empty target with the same system rows under new ids and no business rows', async () => {
        const { schema } = schemaOf(e);
        const source = e.dataPath
            ? loadCmtData(schema, e.dataPath, () => undefined)
            : generateDataset(schema, { rows: 0, seed: 3 });
        const target = emptyCounterpart(source, { seed: 3 });
        expect(checkIntegrity(target)).toEqual([]);
        expectFileModeled(e, target);
        const logins = (d: SimDataset) => (d.rows.systemuser ?? []).map((u) => u.domainname).sort();
        expect(logins(target)).toEqual(logins(source));
        const sourceIds = new Set((source.rows.systemuser ?? []).map((u) => u.systemuserid));
        expect((target.rows.systemuser ?? []).some((u) => sourceIds.has(u.systemuserid))).toBe(false);
        for (const entity of rawSchema(e.schemaPath))
            if (
                !['systemuser', 'team', 'businessunit', 'transactioncurrency', 'organization', 'role'].includes(
                    entity.name,
                )
            )
                expect(target.rows[entity.name] ?? [], `${e.name}: ${entity.name} is empty`).toEqual([]);
        // The same as a running environment started with empty: true.
        const sim = await startSimulator({
            schema: e.schemaPath,
            ...(e.dataPath ? { data: e.dataPath } : {}),
            empty: true,
            onWarning: () => undefined,
        });
        try {
            expect(
                sim
                    .dump('systemuser')
                    .map((u) => u.domainname)
                    .sort(),
            ).toEqual(logins(source));
        } finally {
            await sim.close();
        }
    });
});

const withData = exports.flatMap((e) => (e.dataPath ? [[e.name, { ...e, dataPath: e.dataPath }] as const] : []));

describe.each(withData)('CMT export %s with its data', (_name, e) => {
    it('loads with its data.xml: every record, every pair, every lookup resolved', async () => {
        const { schema, warnings } = schemaOf(e);
        const dataset = loadCmtData(schema, e.dataPath, (w) => warnings.push(w));
        expectFileModeled(e, dataset);
        expect(checkIntegrity(dataset)).toEqual([]);
        expectOneLineWarnings(warnings);
        const raw = rawData(e.dataPath);
        for (const r of raw.records) {
            const table = dataset.schema.tables.find((t) => t.logicalName === r.table)!;
            expect(
                dataset.rows[r.table]?.some((row) => row[table.primaryIdAttribute] === r.id),
                `${e.name}: ${r.table}(${r.id})`,
            ).toBe(true);
        }
        const pairs = Object.values(dataset.associations).reduce((n, list) => n + list.length, 0);
        expect(pairs).toBe(raw.pairs);
        await expectServed(e, dataset);
    });
});

describe('the corpus', () => {
    it('holds at least 6 exports from at least 3 producers', async () => {
        const { readFileSync } = await import('node:fs');
        // The first word of each SOURCE.md's "Producer:" line: Microsoft, Capgemini, PPDS.
        const producers = new Set(
            exports
                .map((e) => readFileSync(e.schemaPath.replace(/data_schema\.xml$/, 'SOURCE.md'), 'utf8'))
                .map((text) => /^Producer: ([A-Za-z]+)/m.exec(text)?.[1])
                .filter((p) => p !== undefined),
        );
        expect(exports.length).toBeGreaterThanOrEqual(6);
        expect(producers.size).toBeGreaterThanOrEqual(3);
    });
});
