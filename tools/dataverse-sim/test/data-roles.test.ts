/**
 * Security roles as every org has them: a copy of each standard role in every business unit (same name, its own id,
 * linked to the parent and root units' copies), kept under new ids by the `--empty` counterpart, and, when a schema
 * has users' or teams' roles, assigned to users and owner teams from their own business unit. A CMT file's
 * `systemuserroles` is the documented systemuserroles_association, served over HTTP with `$ref` associations.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isLookupValue, type SimDataset, type SimRow } from '../src/model.js';
import {
    checkIntegrity,
    cmtSchemaFromText,
    crmSchema,
    emptyCounterpart,
    generateDataset,
    STANDARD_ROLES,
} from '../src/data/index.js';
import { startSimulator } from '../src/index.js';

const FIXTURES = new URL('../../../test/fixtures/cmt-corpus/', import.meta.url).pathname;
const rowsOf = (d: SimDataset, t: string): SimRow[] => d.rows[t] ?? [];
const idOf = (v: SimRow[string] | undefined): string | undefined => (isLookupValue(v) ? v.id : undefined);
/** A plain column value as text (names, ids). */
const text = (v: SimRow[string] | undefined): string => (typeof v === 'string' ? v : JSON.stringify(v));
const usersRolesSchema = () =>
    cmtSchemaFromText(
        readFileSync(`${FIXTURES}capgemini-users-roles/data_schema.xml`, 'utf8'),
        'users-roles',
        () => undefined,
    );

describe('standard security roles', () => {
    const data = generateDataset(crmSchema(), { rows: 0, seed: 7 });
    const bus = rowsOf(data, 'businessunit');
    const roles = rowsOf(data, 'role');
    const root = bus.find((b) => b.parentbusinessunitid === null)!;

    it('has a copy of every standard role in every business unit, each with its own id', () => {
        expect(roles).toHaveLength(STANDARD_ROLES.length * bus.length);
        for (const bu of bus) {
            const names = roles.filter((r) => idOf(r.businessunitid) === bu.businessunitid).map((r) => r.name);
            expect(names.sort()).toEqual([...STANDARD_ROLES].sort());
        }
        expect(new Set(roles.map((r) => r.roleid)).size).toBe(roles.length);
        expect(checkIntegrity(data)).toEqual([]);
    });

    it("links each copy to its parent unit's copy and to the root unit's", () => {
        const byId = new Map(roles.map((r) => [r.roleid, r]));
        for (const r of roles) {
            const rootCopy = byId.get(idOf(r.parentrootroleid))!;
            expect(rootCopy.name).toBe(r.name);
            expect(idOf(rootCopy.businessunitid)).toBe(root.businessunitid);
            if (idOf(r.businessunitid) === root.businessunitid) {
                expect(r.parentroleid).toBeNull();
                expect(rootCopy).toBe(r);
            } else expect(byId.get(idOf(r.parentroleid))?.name).toBe(r.name);
        }
    });

    it('keeps the roles under new ids, per business unit name, in the --empty counterpart, with no assignments', () => {
        const source = generateDataset(usersRolesSchema(), { rows: 0, seed: 7 });
        const target = emptyCounterpart(source, { seed: 7 });
        const names = (d: SimDataset) => {
            const buName = new Map(rowsOf(d, 'businessunit').map((b) => [b.businessunitid, b.name]));
            return rowsOf(d, 'role')
                .map((r) => `${text(buName.get(idOf(r.businessunitid)))}/${text(r.name)}`)
                .sort();
        };
        expect(names(target)).toEqual(names(source));
        const sourceIds = new Set(rowsOf(source, 'role').map((r) => r.roleid));
        expect(rowsOf(target, 'role').some((r) => sourceIds.has(r.roleid))).toBe(false);
        expect(target.associations.systemuserroles_association).toEqual([]);
        expect(checkIntegrity(target)).toEqual([]);
    });
});

describe("users' security roles", () => {
    const schema = usersRolesSchema();
    const data = generateDataset(schema, { rows: 0, seed: 7 });
    const pairs = data.associations.systemuserroles_association ?? [];
    const users = new Map(rowsOf(data, 'systemuser').map((u) => [u.systemuserid as string, u]));
    const roles = new Map(rowsOf(data, 'role').map((r) => [r.roleid as string, r]));

    it("reads the CMT file's systemuserroles as the documented systemuserroles_association", () => {
        expect(schema.manyToMany).toContainEqual({
            schemaName: 'systemuserroles_association',
            entity1LogicalName: 'systemuser',
            entity2LogicalName: 'role',
            intersectEntityName: 'systemuserroles',
            entity1IntersectAttribute: 'systemuserid',
            entity2IntersectAttribute: 'roleid',
            entity1NavigationPropertyName: 'systemuserroles_association',
            entity2NavigationPropertyName: 'systemuserroles_association',
        });
        expect(schema.tables.find((t) => t.logicalName === 'systemuserroles')?.entitySetName).toBe(
            'systemuserrolescollection',
        );
    });

    it('gives every enabled user Basic User and the roles of their title, from their own business unit', () => {
        expect(pairs.length).toBeGreaterThan(users.size);
        for (const [userId, roleId] of pairs) {
            const user = users.get(userId)!;
            const role = roles.get(roleId)!;
            expect(idOf(role.businessunitid), `${text(user.fullname)} holds ${text(role.name)}`).toBe(
                idOf(user.businessunitid),
            );
        }
        const held = (u: SimRow) => pairs.filter(([id]) => id === u.systemuserid).map(([, r]) => roles.get(r)!.name);
        for (const user of users.values()) {
            if (user.isdisabled === true) expect(held(user)).toEqual([]);
            else expect(held(user)).toContain('Basic User');
        }
        const admin = [...users.values()].find((u) => u.title === 'System Administrator')!;
        expect(held(admin)).toEqual(['Basic User', 'System Administrator']);
        expect(checkIntegrity(data)).toEqual([]);
    });

    it('serves the roles and associates them over $ref, refusing a pair twice', async () => {
        const sim = await startSimulator({ schema: `${FIXTURES}capgemini-users-roles/data_schema.xml`, seed: 7 });
        try {
            const api = `${sim.url}/api/data/v9.2/`;
            const get = async (path: string) => (await (await fetch(`${api}${path}`)).json()) as { value: SimRow[] };
            const salespeople = await get(`roles?$select=roleid,_businessunitid_value&$filter=name eq 'Salesperson'`);
            expect(salespeople.value).toHaveLength(3);
            const intersect = await get('systemuserrolescollection?$select=systemuserid,roleid');
            expect(intersect.value).toHaveLength(pairs.length);
            // The administrator gets the Delegate role of their own business unit, which they do not hold yet.
            const admin = [...users.values()].find((u) => u.title === 'System Administrator')!;
            const delegate = await get(
                `roles?$select=roleid&$filter=name eq 'Delegate' and _businessunitid_value eq ${String(idOf(admin.businessunitid))}`,
            );
            expect(delegate.value).toHaveLength(1);
            const role = delegate.value[0]!.roleid as string;
            const associate = () =>
                fetch(`${api}systemusers(${text(admin.systemuserid)})/systemuserroles_association/$ref`, {
                    method: 'POST',
                    headers: { 'Content-Type': 'application/json' },
                    body: JSON.stringify({ '@odata.id': `${api}roles(${role})` }),
                });
            expect((await associate()).status).toBe(204);
            expect((await associate()).status).toBe(412);
            expect((await get('systemuserrolescollection?$select=roleid')).value).toHaveLength(pairs.length + 1);
        } finally {
            await sim.close();
        }
    });
});
