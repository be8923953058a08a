/**
 * An activity with more parties than a single-level `$expand` returns (5,000 a row, unpaged: join-tables.md): the copy
 * reads the rest from `activityparties`, so the target gets every party, verify finds them equal and a second run
 * writes nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataverseClient, type DataverseWriteClient } from '../../src/dataverse/index.js';
import { runJson, simulatorPair, verifyJson, writeSpec, type Pair } from './run-helpers.js';

describe('an e-mail with more parties than one expanded collection holds', () => {
    let pair: Pair;
    let target: DataverseWriteClient;
    let specPath: string;
    const email = randomUUID();
    const recipients = 5004;

    beforeAll(async () => {
        pair = await simulatorPair(
            { schema: 'crm', rows: 0, seed: 13 },
            { schema: 'crm', rows: 0, seed: 13, empty: true },
        );
        const source = createDataverseClient({ url: pair.source.url });
        target = createDataverseClient({ url: pair.target.url });
        await source.create({ logicalName: 'email', entitySetName: 'emails' }, email, {
            subject: 'newsletter',
            email_activity_parties: Array.from({ length: recipients }, (_, i) => ({
                participationtypemask: 2,
                addressused: `reader${i}@example.com`,
            })),
        });
        specPath = await writeSpec(pair, { name: 'parties', tables: [{ name: 'email' }] });
    });
    afterAll(() => pair?.close());

    it('copies every party, verify finds them equal, a second run writes nothing', async () => {
        const first = await runJson(pair, specPath);
        expect(first.code, first.stderr).toBe(0);
        const count = async () => {
            let n = 0;
            for await (const page of target.queryPages('activityparties', {
                select: ['addressused'],
                filter: `_activityid_value eq ${email}`,
            }))
                n += page.length;
            return n;
        };
        expect(await count()).toBe(recipients);
        expect((await verifyJson(pair, specPath)).report.identical).toBe(true);
        pair.target.resetStats();
        const second = await runJson(pair, specPath);
        expect(second.code, second.stderr).toBe(0);
        expect(pair.target.stats().rowsWritten).toBe(0);
    });
});
