/**
 * Many-to-many relationships whose sides are matched (reference) tables: users and security roles with no copied
 * table at all, a copied table joined to matched users, a custom table matched by an explicit rule, and the
 * business-unit scope every security role is matched in.
 */
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build.js';
import { planSummaryJson, renderPlan } from '../../src/plan/summary.js';
import type { ManyToManyRelationshipMetadata } from '../../src/dataverse/metadata-types.js';
import { attr, crmTables, environment, spec, table } from './plan-fixture.js';

const source = () => environment('http://127.0.0.1:1', crmTables());
const target = () => environment('http://127.0.0.1:2', crmTables());

describe('a spec of users and security roles only', () => {
    // import-cmt writes the CMT name of the relationship: its intersect table.
    const plan = buildPlan(spec({ tables: [], manyToMany: ['systemuserroles'] }), source(), target());

    it('plans the relationship by its schema name, both sides matched, nothing copied', () => {
        expect(plan.problems).toEqual([]);
        expect(plan.tiers).toEqual([]);
        expect(plan.tables).toEqual({});
        expect(plan.manyToMany).toHaveLength(1);
        const [relationship] = plan.manyToMany;
        expect(relationship!.name).toBe('systemuserroles_association');
        expect(relationship!.match).toEqual([
            { kind: 'reference', table: 'systemuser' },
            { kind: 'reference', table: 'role' },
        ]);
        expect(relationship!.source.intersectEntitySet).toBe('systemuserrolescollection');
        // The $ref write addresses the matched tables' own entity sets and keys.
        expect(relationship!.target.entity1).toEqual({
            table: 'systemuser',
            entitySetName: 'systemusers',
            primaryId: 'systemuserid',
            intersectAttribute: 'systemuserid',
            navigationProperty: 'systemuserroles_association',
        });
        expect(relationship!.target.entity2).toMatchObject({
            table: 'role',
            entitySetName: 'roles',
            primaryId: 'roleid',
        });
    });

    it('matches roles by name within the matched business unit, and so matches business units too', () => {
        expect(plan.references.map((r) => r.table)).toEqual(['businessunit', 'role', 'systemuser']);
        const role = plan.references.find((r) => r.table === 'role')!;
        expect(role.matchOn).toEqual(['name']);
        expect(role.scope).toEqual({ column: 'businessunitid', table: 'businessunit' });
        // The root business unit is the one without a parent: it maps to the target's root, whatever the names.
        expect(plan.references.find((r) => r.table === 'businessunit')?.rootColumn).toBe('parentbusinessunitid');
        expect(plan.references.find((r) => r.table === 'systemuser')?.scope).toBeUndefined();
    });

    it('says how each side is matched, in the rendering and in --json', () => {
        const text = renderPlan(plan);
        expect(text).toContain('Many-to-many\n  systemuserroles_association (systemuser <-> role)\n');
        expect(text).toContain(
            '    systemuser: matched by domainname, then internalemailaddress, then fullname; pairs whose systemuser has no match are skipped',
        );
        expect(text).toContain(
            '    role: matched by name within the businessunit its businessunitid matches; pairs whose role has no match are skipped',
        );
        expect(text).toContain('  businessunit: matched by name (root to root)');
        expect(planSummaryJson(plan).manyToMany).toEqual([
            {
                name: 'systemuserroles_association',
                tables: ['systemuser', 'role'],
                match: ['reference', 'reference'],
                deleteMissing: false,
            },
        ]);
    });

    it('finds the same relationship by its schema name', () => {
        const bySchemaName = buildPlan(
            spec({ tables: [], manyToMany: ['systemuserroles_association'] }),
            source(),
            target(),
        );
        expect(bySchemaName.manyToMany).toEqual(plan.manyToMany);
    });
});

describe('a copied table joined to matched rows', () => {
    const projectUsers: ManyToManyRelationshipMetadata = {
        schemaName: 'new_project_systemuser',
        entity1LogicalName: 'new_project',
        entity2LogicalName: 'systemuser',
        intersectEntityName: 'new_project_systemuser',
        entity1IntersectAttribute: 'new_projectid',
        entity2IntersectAttribute: 'systemuserid',
        entity1NavigationPropertyName: 'new_project_systemuser',
        entity2NavigationPropertyName: 'new_project_systemuser',
    };
    const tables = () => {
        const all = crmTables();
        all.find((t) => t.logicalName === 'systemuser')!.manyToMany.push(projectUsers);
        all.push(
            table('new_project', { manyToMany: [projectUsers] }),
            table('new_project_systemuser', { system: false, isIntersect: true }),
        );
        return all;
    };

    it('translates the copied side by the id map and the user side by the user matches', () => {
        const plan = buildPlan(
            spec({ tables: [{ name: 'new_project' }], manyToMany: ['new_project_systemuser'] }),
            environment('s', tables()),
            environment('t', tables()),
        );
        expect(plan.problems).toEqual([]);
        expect(plan.manyToMany[0]!.match).toEqual([
            { kind: 'run', table: 'new_project' },
            { kind: 'reference', table: 'systemuser' },
        ]);
        expect(renderPlan(plan)).toContain(
            'new_project_systemuser (new_project <-> systemuser)\n    new_project: copied in this run, same id\n    systemuser: matched by',
        );
    });

    it('takes a table with an explicit reference rule as a matched side', () => {
        const plan = buildPlan(
            spec({
                tables: [{ name: 'contact' }],
                manyToMany: ['new_account_contact'],
                references: { account: { matchOn: ['accountnumber'] } },
            }),
            source(),
            target(),
        );
        expect(plan.problems).toEqual([]);
        expect(plan.manyToMany[0]!.match).toEqual([
            { kind: 'reference', table: 'account' },
            { kind: 'run', table: 'contact' },
        ]);
        expect(plan.references.find((r) => r.table === 'account')?.matchOn).toEqual(['accountnumber']);
    });
});

describe('role scoping', () => {
    it("is left out when an environment's roles have no business unit column", () => {
        const withoutColumn = crmTables();
        const role = withoutColumn.find((t) => t.logicalName === 'role')!;
        role.attributes = role.attributes.filter((a) => a.logicalName !== 'businessunitid');
        role.attributes.push(attr('description', 'String'));
        const plan = buildPlan(
            spec({ tables: [], manyToMany: ['systemuserroles'] }),
            source(),
            environment('t', withoutColumn),
        );
        const planned = plan.references.find((r) => r.table === 'role')!;
        expect(planned.scope).toBeUndefined();
        // Without the scope the business units are not needed.
        expect(plan.references.map((r) => r.table)).toEqual(['role', 'systemuser']);
    });

    it('keeps the scope under an explicit role rule', () => {
        const plan = buildPlan(
            spec({ tables: [], manyToMany: ['systemuserroles'], references: { role: { matchOn: ['name'] } } }),
            source(),
            target(),
        );
        expect(plan.references.find((r) => r.table === 'role')?.scope).toEqual({
            column: 'businessunitid',
            table: 'businessunit',
        });
    });
});
