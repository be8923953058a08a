import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import { createDataverseClient, DataverseError } from '../../src/dataverse/index.js';
import { collect, duplicates, SEQUENTIAL_LIMITS, SEQUENTIAL_TIME_SCALE, STORM_LIMITS } from './dataverse-helpers.js';

/** One request per long window: after the first request everything is throttled for minutes. */
const ONE_REQUEST_LIMITS = { ...STORM_LIMITS, windowSeconds: 300, maxRequestsPerWindow: 1 };

let sim: Simulator | undefined;
afterEach(async () => {
    await sim?.close();
    sim = undefined;
});

describe('the run budget', () => {
    it('never counts 429s as failures: a storm succeeds even with a single transient attempt allowed', async () => {
        sim = await startSimulator({
            schema: 'crm',
            rows: 600,
            seed: 21,
            limits: SEQUENTIAL_LIMITS,
            timeScale: SEQUENTIAL_TIME_SCALE,
        });
        const client = createDataverseClient({ url: sim.url, retry: { maxTransientAttempts: 1 } });
        const rows = await collect(client.queryPages('contacts', { select: ['contactid'] }, { pageSize: 20 }));
        const ids = rows.map((row) => row.contactid as string);
        expect(duplicates(ids)).toEqual([]);
        expect(ids).toHaveLength(sim.dump('contact').length);
        expect(client.stats().throttled).toBeGreaterThan(0);
        expect(client.stats().failed).toBe(0);
    });

    it('stops waiting on a throttle that outlasts the deadline, with a throttled error', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 10, limits: ONE_REQUEST_LIMITS, timeScale: 1 });
        const client = createDataverseClient({ url: sim.url, deadline: Date.now() + 2000 });
        await client.whoAmI();
        const started = Date.now();
        const error = await client.whoAmI().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DataverseError);
        expect(error).toMatchObject({ kind: 'throttled', status: 429, code: '0x80072322' });
        expect((error as DataverseError).isThrottle).toBe(true);
        expect((error as Error).message).toContain("still throttled at the run's deadline");
        expect(Date.now() - started).toBeLessThan(2000);
    });

    it('ends a throttle wait when the run is cancelled', async () => {
        sim = await startSimulator({ schema: 'crm', rows: 10, limits: ONE_REQUEST_LIMITS, timeScale: 1 });
        const controller = new AbortController();
        const client = createDataverseClient({ url: sim.url, signal: controller.signal });
        await client.whoAmI();
        const pending = client.whoAmI().catch((e: unknown) => e);
        setTimeout(() => controller.abort(new Error('run cancelled')), 100);
        const error = await pending;
        expect(error).toMatchObject({ name: 'DataverseError', kind: 'throttled', status: 429 });
        expect((error as Error).message).toContain('run cancelled');
    });

    it('retries attempts that time out, and still reads every row once', async () => {
        sim = await startSimulator({
            schema: 'crm',
            rows: 300,
            seed: 13,
            faults: { seed: 2, slow: { rate: 0.2, extraMs: 600 } },
        });
        const client = createDataverseClient({
            url: sim.url,
            retry: { attemptTimeoutMs: 150, baseDelayMs: 5, maxDelayMs: 20, maxTransientAttempts: 12 },
        });
        const rows = await collect(client.queryPages('contacts', { select: ['contactid'] }, { pageSize: 5 }));
        const ids = rows.map((row) => row.contactid as string);
        expect(duplicates(ids)).toEqual([]);
        expect(ids).toHaveLength(sim.dump('contact').length);
        expect(sim.stats().faults.slow).toBeGreaterThan(0);
        expect(client.stats().transientRetries).toBeGreaterThan(0);
    });
});
