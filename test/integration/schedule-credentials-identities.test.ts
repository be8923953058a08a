/** "Credentials required" checks every identity of an environment: a further one the environment rejects is named. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestJwt, startSimulator, type Simulator } from 'dataverse-sim';
import { createDataverseClient, dataverseEnvironments } from '../../src/dataverse/index.js';
import { credentialProblem } from '../../src/schedule/credentials.js';
import { validateSpec } from '../../src/spec/index.js';
import { FakeIdentity, FAST_RETRY } from './dataverse-helpers.js';

let sim: Simulator;
beforeAll(async () => {
    sim = await startSimulator({ schema: 'crm', rows: 0, empty: true, auth: 'strict' });
});
afterAll(() => sim.close());

describe('the credentials check of a spec with several identities', () => {
    it('names the environment and the identity whose token is rejected', async () => {
        dataverseEnvironments.reset();
        const first = { type: 'loopbackUser' as const, oid: 'aaaaaaaa-0000-0000-0000-000000000001' };
        const validated = validateSpec({
            name: 'identities',
            source: { url: sim.url, credential: first },
            target: { url: sim.url, credential: first },
            tables: [{ name: 'account' }],
            options: { allowSameEnvironment: true },
        });
        if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
        // A token for another environment: the simulator's strict auth answers 401, as the service would.
        const wrongAudience = new FakeIdentity(() =>
            makeTestJwt({ aud: 'https://other.crm.dynamics.com', oid: 'bbbbbbbb-0000-0000-0000-000000000002' }),
        );
        const connect = () => ({
            source: createDataverseClient({ url: sim.url, credential: first, retry: FAST_RETRY }),
            target: createDataverseClient({
                url: sim.url,
                credential: first,
                additionalCredentials: [wrongAudience],
                retry: FAST_RETRY,
            }),
        });
        const problem = await credentialProblem(validated.spec, connect);
        expect(problem?.environments).toEqual(['target']);
        expect(problem?.detail).toMatch(
            new RegExp(`^target ${sim.url} \\(additionalCredentials\\[0\\]\\): Dataverse 401`),
        );
    });
});
