/**
 * Tables a run cannot copy as rows, refused by `plan` with the reason at the table's spec path (exit 2, nothing
 * written): the reference tables (users, business units, the organization, roles) and elastic and virtual tables,
 * which the simulator describes by EntityMetadata.TableType as the service does.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmSchema, startSimulator, type SimTable, type Simulator } from 'dataverse-sim';
import { cli } from '../helpers/cli.js';

const table = (logicalName: string, tableType: 'Elastic' | 'Virtual'): SimTable => ({
    logicalName,
    entitySetName: `${logicalName}s`,
    primaryIdAttribute: `${logicalName}id`,
    primaryNameAttribute: 'new_name',
    ownershipType: 'UserOwned',
    changeTracking: false,
    tableType,
    attributes: [
        { logicalName: `${logicalName}id`, type: 'Uniqueidentifier', isPrimaryId: true, validForUpdate: false },
        { logicalName: 'new_name', type: 'String', maxLength: 100, isPrimaryName: true },
    ],
});

function schema() {
    const s = crmSchema();
    s.tables.push(table('new_reading', 'Elastic'), table('new_externalorder', 'Virtual'));
    return s;
}

describe('plan refuses tables that cannot be written as rows', () => {
    let source: Simulator;
    let target: Simulator;
    let dir: string;
    beforeAll(async () => {
        dir = await mkdtemp(join(tmpdir(), 'dvm-plan-unwritable-'));
        [source, target] = await Promise.all([
            startSimulator({ schema: schema(), rows: 40, seed: 3 }),
            startSimulator({ schema: schema(), rows: 40, seed: 3, empty: true }),
        ]);
    });
    afterAll(async () => {
        await Promise.all([source?.close(), target?.close()]);
    });

    it('names each with its reason at its spec path, exit 2, nothing written', async () => {
        const names = [
            'account',
            'systemuser',
            'businessunit',
            'organization',
            'role',
            'new_reading',
            'new_externalorder',
        ];
        const file = join(dir, 'spec.json');
        await writeFile(
            file,
            JSON.stringify({
                name: 'unwritable',
                source: { url: source.url },
                target: { url: target.url },
                tables: names.map((name) => ({ name })),
            }),
        );
        const before = source.stats().rowsWritten + target.stats().rowsWritten;
        const { code, stdout, stderr } = await cli(['plan', '--spec', file]);
        expect(code).toBe(2);
        expect(stdout).toBe('');
        expect(stderr).toMatch(
            /tables\[1\]\.name: 'systemuser' is not copied as rows: users are created from Microsoft Entra ID.*references\.systemuser\.matchOn/,
        );
        expect(stderr).toMatch(/tables\[2\]\.name: 'businessunit' is not copied as rows/);
        expect(stderr).toMatch(/tables\[3\]\.name: 'organization' is not copied as rows/);
        expect(stderr).toMatch(/tables\[4\]\.name: 'role' is not copied as rows: security roles come with solutions/);
        expect(stderr).toMatch(
            /tables\[5\]\.name: 'new_reading' is an elastic table in the source \(TableType Elastic\)/,
        );
        expect(stderr).toMatch(
            /tables\[6\]\.name: 'new_externalorder' is a virtual table in the source \(TableType Virtual\)/,
        );
        expect(stderr).not.toMatch(/tables\[0\]\.name/);
        expect(source.stats().rowsWritten + target.stats().rowsWritten).toBe(before);
    });
});
