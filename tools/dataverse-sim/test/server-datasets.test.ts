import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { DATAVERSE_LIMITS, startSimulator } from '../src/index.js';
import { Client } from './server-helpers.js';

// A real CMT export, kept in the repository (see test/fixtures/README.md).
const CMT = new URL('../../../test/fixtures/cmt-small', import.meta.url).pathname;
const started: Simulator[] = [];

async function start(options: Parameters<typeof startSimulator>[0]): Promise<Simulator> {
    const sim = await startSimulator(options);
    started.push(sim);
    return sim;
}

afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
});

describe('datasets behind startSimulator', () => {
    it('serves a CMT export loaded from data_schema.xml and data.xml', async () => {
        const sim = await start({ schema: `${CMT}/data_schema.xml`, data: `${CMT}/data.xml` });
        const client = new Client(sim);
        const tables = sim.schema.tables.filter((t) => !t.isIntersect && sim.dump(t.logicalName).length > 0);
        expect(tables.length).toBeGreaterThan(0);
        for (const t of tables) {
            const r = await client.get(`${t.entitySetName}?$select=${t.primaryIdAttribute}`);
            expect(r.status).toBe(200);
            expect(r.json.value).toHaveLength(sim.dump(t.logicalName).length);
        }
    });

    it('makes the empty target: the same system rows under new ids, no business rows', async () => {
        const source = await start({ schema: 'crm', rows: 30, seed: 5 });
        const target = await start({ schema: 'crm', rows: 30, seed: 5, empty: true });
        expect(target.dump('account')).toHaveLength(0);
        const names = (s: Simulator) =>
            s
                .dump('systemuser')
                .map((u) => u.fullname)
                .sort();
        expect(names(target)).toEqual(names(source));
        const ids = new Set(source.dump('systemuser').map((u) => u.systemuserid));
        expect(target.dump('systemuser').some((u) => ids.has(u.systemuserid))).toBe(false);
        const who = await new Client(target).get('WhoAmI');
        expect(target.dump('systemuser').some((u) => u.systemuserid === who.json.UserId)).toBe(true);
    });
});

describe('gate wiring', () => {
    it('answers 429 with Retry-After once the request limit is exceeded, and x-ms-dop-hint otherwise', async () => {
        const sim = await start({ limits: { ...DATAVERSE_LIMITS, maxRequestsPerWindow: 3 } });
        const client = new Client(sim);
        const statuses: number[] = [];
        let throttled: Awaited<ReturnType<Client['get']>> | undefined;
        for (let i = 0; i < 6; i++) {
            const r = await client.get('WhoAmI');
            statuses.push(r.status);
            if (r.status === 200) expect(r.headers.get('x-ms-dop-hint')).not.toBeNull();
            if (r.status === 429) throttled = r;
        }
        expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
        expect(throttled?.json.error.code).toBe('0x80072322');
        expect(Number(throttled?.headers.get('Retry-After'))).toBeGreaterThan(0);
        expect(sim.stats().statuses['429']).toBeGreaterThan(0);
        expect(sim.stats().throttled).toBeDefined();
    });

    it('answers 401 without a bearer token under strict auth', async () => {
        const sim = await start({ auth: 'strict' });
        const r = await new Client(sim).get('WhoAmI');
        expect(r.status).toBe(401);
    });

    it("keeps users' Entra object ids in a same-tenant target (the default) and changes them in another tenant", async () => {
        const source = await start({ schema: 'crm', rows: 0, seed: 5 });
        const same = await start({ schema: 'crm', rows: 0, seed: 5, empty: true });
        const other = await start({ schema: 'crm', rows: 0, seed: 5, empty: true, sameTenant: false });
        const byLogin = (s: Simulator) =>
            new Map(s.dump('systemuser').map((u) => [u.domainname, u.azureactivedirectoryobjectid]));
        const src = byLogin(source);
        expect([...src.values()].every((v) => typeof v === 'string' && v.length === 36)).toBe(true);
        expect(byLogin(same)).toEqual(src);
        const moved = byLogin(other);
        expect([...moved.keys()].sort()).toEqual([...src.keys()].sort());
        for (const [login, oid] of moved) expect(oid, login as string).not.toBe(src.get(login));
    });
});
