/**
 * The client's metadata writes against the simulator's (README "Metadata writes"): a definition joins the solution the
 * MSCRM.SolutionUniqueName header names (an unknown one is refused), a customization lock is waited out and counted,
 * a key is waited for until Active and a Failed index is a clear error, and what already exists is read back.
 */
import { startSimulator } from 'dataverse-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataverseClient, type DataverseWriteClient } from '../../src/dataverse/index.js';
import { DataverseError } from '../../src/dataverse/errors.js';
import {
    createDefinition,
    KeyIndexFailedError,
    publishTables,
    readExistingSchema,
    waitForKeyIndex,
} from '../../src/dataverse/metadata-writes.js';
import { FAST_RETRY } from './dataverse-helpers.js';
import { minimalTableBody } from './new-table-helpers.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let sim: Sim;
let client: DataverseWriteClient;
const wait = { baseDelayMs: 1, maxDelayMs: 5 };

beforeAll(async () => {
    sim = await startSimulator({
        schema: 'crm',
        rows: 0,
        empty: true,
        customizations: {
            publishers: [{ uniqueName: 'contoso', prefix: 'contoso' }],
            solutions: [{ uniqueName: 'ContosoMigration', publisher: 'contoso' }],
            // Every write after one that succeeded meets the lock once: the writer must wait and send again.
            metadataLock: { refusalsAfterWrite: 1 },
        },
    });
    client = createDataverseClient({ url: sim.url, credential: { type: 'none' }, retry: FAST_RETRY });
});
afterAll(() => sim?.close());

describe('metadata writes', () => {
    it('creates in the named solution, waiting out the customization lock, and refuses an unknown solution', async () => {
        const first = await createDefinition(client, 'EntityDefinitions', minimalTableBody('contoso_Site'), {
            solution: 'ContosoMigration',
            wait,
        });
        expect(first.entityId).toMatch(/EntityDefinitions\(/);
        const second = await createDefinition(client, 'EntityDefinitions', minimalTableBody('contoso_Room'), {
            solution: 'ContosoMigration',
            wait,
        });
        expect(second.lockWaits).toBe(1);
        const components = await client.get<{ value: unknown[] }>(
            'solutioncomponents?$select=componenttype&$filter=componenttype eq 1',
        );
        expect(components.value.length).toBeGreaterThanOrEqual(2);
        const refused = await createDefinition(client, 'EntityDefinitions', minimalTableBody('contoso_Floor'), {
            solution: 'NoSuchSolution',
            wait,
        }).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(DataverseError);
        expect(refused).toMatchObject({ status: 404, code: '0x80040217' });
        expect((await publishTables(client, ['contoso_site', 'contoso_room'], { wait })).lockWaits).toBeLessThanOrEqual(
            1,
        );
    });

    it('gives up on a lock held through every wait, naming it', async () => {
        const held = sim.holdCustomizationLock();
        try {
            await expect(
                createDefinition(client, 'EntityDefinitions', minimalTableBody('contoso_Desk'), {
                    wait: { ...wait, maxWaits: 2 },
                }),
            ).rejects.toThrow(/another customization held the target's lock through 2 waits/);
        } finally {
            held.release();
        }
    });

    it('waits for a key until Active, and reports a Failed index clearly', async () => {
        const keys = `EntityDefinitions(LogicalName='contoso_site')/Keys`;
        await createDefinition(
            client,
            keys,
            { SchemaName: 'contoso_NameKey', KeyAttributes: ['contoso_name'] },
            { wait },
        );
        expect((await waitForKeyIndex(client, 'contoso_site', 'contoso_namekey', { wait })).polls).toBeGreaterThan(1);

        for (let i = 0; i < 2; i++) await client.post('contoso_rooms', { contoso_name: 'Same' });
        await createDefinition(
            client,
            `EntityDefinitions(LogicalName='contoso_room')/Keys`,
            {
                SchemaName: 'contoso_RoomKey',
                KeyAttributes: ['contoso_name'],
            },
            { wait },
        );
        const failed = await waitForKeyIndex(client, 'contoso_room', 'contoso_roomkey', { wait }).catch(
            (e: unknown) => e,
        );
        expect(failed).toBeInstanceOf(KeyIndexFailedError);
        expect((failed as Error).message).toMatch(
            /^alternate key 'contoso_roomkey' of 'contoso_room' failed to build its index/,
        );
    });

    it('reads what of a schema exists: an absent table, columns, keys, relationships and global choices', async () => {
        const existing = await readExistingSchema(client, ['contoso_site', 'contoso_nothing']);
        expect(existing.tables.get('contoso_nothing')).toBeUndefined();
        const site = existing.tables.get('contoso_site')!;
        expect(site.columns.has('contoso_name')).toBe(true);
        expect(site.keys.get('contoso_namekey')).toBe('Active');
        expect(existing.optionSets).toBeInstanceOf(Map);
    });
});
