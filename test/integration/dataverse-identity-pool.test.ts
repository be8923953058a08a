import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type LimitsConfig, type Simulator } from 'dataverse-sim';
import { createDataverseClient, dataverseEnvironments, type CredentialSpec } from '../../src/dataverse/index.js';
import { FAST_RETRY } from './dataverse-helpers.js';

const USER_A = 'aaaaaaaa-0000-0000-0000-000000000001';
const USER_B = 'bbbbbbbb-0000-0000-0000-000000000002';
const userA: CredentialSpec = { type: 'loopbackUser', oid: USER_A };
const userB: CredentialSpec = { type: 'loopbackUser', oid: USER_B };

/**
 * Ten requests a user per window of 300 simulated seconds at time scale 1: a user past them waits minutes, far longer
 * than the test, so a request that completes went as the other user.
 */
const TEN_PER_WINDOW: LimitsConfig = {
    windowSeconds: 300,
    maxRequestsPerWindow: 10,
    maxExecutionMsPerWindow: 1_200_000,
    maxConcurrentRequests: 52,
    dopHint: 4,
    keepSendingPenaltySeconds: 1,
    serverTime: { fixedMsPerRequest: 0, msPerRowRead: 0, msPerRowWritten: 0 },
};

describe('an identity pool against the simulator with limits per user', () => {
    let sim: Simulator;
    beforeAll(async () => {
        sim = await startSimulator({ schema: 'crm', rows: 5, auth: 'strict', limits: TEN_PER_WINDOW, timeScale: 1 });
    });
    afterAll(() => sim.close());
    beforeEach(() => dataverseEnvironments.reset());

    it('moves the work of a throttled identity to the other one; each user counted apart', async () => {
        const client = createDataverseClient({
            url: sim.url,
            credential: userA,
            additionalCredentials: [userB],
            retry: FAST_RETRY,
        });
        expect(client.identityCount).toBe(2);
        // User A spends its whole window alone: its next request is the 11th, answered 429 for minutes.
        const onlyA = client.forIdentity?.(0);
        for (let i = 0; i < 10; i++) await onlyA?.whoAmI();
        expect(sim.stats().gate.requestsPerUser[USER_A]).toBe(10);

        const answers = await Promise.all(Array.from({ length: 8 }, () => client.whoAmI()));
        expect(answers.every((a) => typeof a.UserId === 'string')).toBe(true);
        const stats = client.stats();
        const [a, b] = stats.concurrency.identities ?? [];
        expect(a).toMatchObject({ index: 0 });
        expect(a?.throttles).toBeGreaterThanOrEqual(1);
        expect(b).toMatchObject({ index: 1, throttles: 0 });
        // Every answer came from B: A is paused past the end of the test.
        expect(b?.granted).toBe(8);
        const gate = sim.stats().gate;
        expect(gate.throttled.requests).toBeGreaterThanOrEqual(1);
        expect(gate.requestsPerUser[USER_B]).toBe(8);
    });

    it('spreads requests across free identities', async () => {
        const USER_C = 'cccccccc-0000-0000-0000-000000000003';
        const USER_D = 'dddddddd-0000-0000-0000-000000000004';
        const client = createDataverseClient({
            url: sim.url,
            credential: { type: 'loopbackUser', oid: USER_C },
            additionalCredentials: [{ type: 'loopbackUser', oid: USER_D }],
            maxConcurrency: 2,
        });
        // Two slots each (the limiter starts at min(maxConcurrency, 4)): eight at once fill both identities' slots.
        await Promise.all(Array.from({ length: 8 }, () => client.whoAmI()));
        const perUser = sim.stats().gate.requestsPerUser;
        expect(perUser[USER_C]).toBeGreaterThanOrEqual(2);
        expect(perUser[USER_D]).toBeGreaterThanOrEqual(2);
        expect((perUser[USER_C] ?? 0) + (perUser[USER_D] ?? 0)).toBe(8);
    });

    it('answers each identity as its own user (WhoAmI through forIdentity)', async () => {
        const client = createDataverseClient({ url: sim.url, credential: userA, additionalCredentials: [userB] });
        expect(() => client.forIdentity?.(2)).toThrow(/identity 2 does not exist: this client has 2/);
        const before = sim.stats().gate.requestsPerUser[USER_B] ?? 0;
        await client.forIdentity?.(1).whoAmI();
        expect(sim.stats().gate.requestsPerUser[USER_B]).toBe(before + 1);
    });
});
