/**
 * Measures what loading CMT exports and paging large deltas cost (kept out of the test suite). Build, then:
 *   node tools/dataverse-sim/dist/data/measure-cmt.js test/fixtures/cmt-corpus [deltaRows] (from the repository root)
 * Prints, per export, the time to read the schema, to load its data.xml, and to generate 10,000 rows for it; then
 * the time to page a delta of `deltaRows` (default 20,000) new contacts at 5,000 a page.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator } from '../index.js';
import { loadCmtData } from './cmt-data.js';
import { generateDataset } from './generate.js';
import { loadSchemaFile } from './schema-file.js';

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const quiet = (): void => undefined;

function exports(folder: string): string[] {
    return readdirSync(folder, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(folder, d.name, 'data_schema.xml')))
        .map((d) => join(folder, d.name));
}

async function deltaPaging(rows: number): Promise<void> {
    const sim = await startSimulator({ schema: 'crm', rows: 0 });
    try {
        const api = `${sim.url}/api/data/v9.2/`;
        const first = (await (
            await fetch(`${api}contacts?$select=lastname`, { headers: { Prefer: 'odata.track-changes' } })
        ).json()) as {
            '@odata.deltaLink': string;
        };
        for (let i = 0; i < rows; i += 1000) {
            const Targets = Array.from({ length: Math.min(1000, rows - i) }, (_, k) => ({
                '@odata.type': 'Microsoft.Dynamics.CRM.contact',
                lastname: `delta ${i + k}`,
            }));
            await fetch(`${api}contacts/Microsoft.Dynamics.CRM.CreateMultiple`, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ Targets }),
            });
        }
        const start = process.hrtime.bigint();
        let link: string | undefined = first['@odata.deltaLink'];
        let pages = 0;
        let seen = 0;
        while (link) {
            const page = (await (await fetch(link, { headers: { Prefer: 'odata.maxpagesize=5000' } })).json()) as {
                value: unknown[];
                '@odata.nextLink'?: string;
            };
            pages++;
            seen += page.value.length;
            link = page['@odata.nextLink'];
        }
        console.log(`delta of ${seen} changes: ${pages} pages in ${ms(start).toFixed(0)} ms`);
    } finally {
        await sim.close();
    }
}

const folder = process.argv[2] ?? 'test/fixtures/cmt-corpus';
for (const dir of exports(folder)) {
    let start = process.hrtime.bigint();
    const schema = loadSchemaFile(join(dir, 'data_schema.xml'), quiet);
    const schemaMs = ms(start);
    let dataText = '';
    if (existsSync(join(dir, 'data.xml'))) {
        start = process.hrtime.bigint();
        const data = loadCmtData(schema, join(dir, 'data.xml'), quiet);
        const n = Object.values(data.rows).reduce((k, r) => k + r.length, 0);
        dataText = `, data.xml ${ms(start).toFixed(0)} ms (${n} rows)`;
    }
    start = process.hrtime.bigint();
    generateDataset(schema, { rows: 10_000, seed: 1 });
    console.log(
        `${dir.split('/').pop()}: ${schema.tables.length} tables, schema ${schemaMs.toFixed(0)} ms${dataText}, 10,000 generated rows ${ms(start).toFixed(0)} ms`,
    );
}
await deltaPaging(Number(process.argv[3] ?? 20_000));
