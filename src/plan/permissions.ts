/**
 * The permissions preflight, pure: given what each identity holds (RetrieveUserPrivileges of the caller), what a
 * plan needs of them. The source identity reads every run table: security trims each query to the rows its read
 * depth reaches (Security concepts in Dataverse: "Basic / Local / Deep / Global"), so less than Global read copies
 * part of a table and must never decide what is missing (deleteMissing). The target identity creates and updates
 * rows, assigns owners, sets lookups (Append on the row's table, AppendTo on the table it points to), deletes
 * (deleteMissing) and sends the bypass header (prvBypassCustomBusinessLogic, "Bypass custom Dataverse logic").
 * Every missing privilege of every table is one problem, all listed at once.
 */
import type { TableMetadata } from '../dataverse/metadata-types.js';
import type { CallerPrivileges, PrivilegeDepth } from '../dataverse/user-privileges.js';
import type { Plan, PlanIssue, SourceRead, TablePlan } from './types.js';

export type Verb = 'Create' | 'Read' | 'Write' | 'Delete' | 'Append' | 'AppendTo' | 'Assign';

/** What the preflight learned of one identity: its privileges, or why they could not be read. */
export type IdentityCheck = { ok: true; privileges: CallerPrivileges } | { ok: false; reason: string };

export interface PermissionTables {
    /** Metadata by logical name, of the tables the plan reads (source) or writes and points to (target). */
    source: ReadonlyMap<string, TableMetadata>;
    target: ReadonlyMap<string, TableMetadata>;
}

/**
 * The privilege a verb on a table needs, as the table's metadata names it (EntityMetadata.Privileges: users' are
 * prvReadUser..., notes' prvReadNote..., some tables share their parent's); where the service gives none,
 * `prv<Verb><SchemaName>`, activities sharing `prv<Verb>Activity` (privileges by entity reference).
 */
export function privilegeName(table: TableMetadata, verb: Verb): string {
    return table.privileges?.[verb] ?? `prv${verb}${table.tableType === 'Activity' ? 'Activity' : table.schemaName}`;
}

export const BYPASS_BUSINESS_LOGIC = 'prvBypassCustomBusinessLogic';

function held(identity: CallerPrivileges, name: string): PrivilegeDepth | undefined {
    return identity.depths.get(name.toLowerCase());
}

/** Organization-owned rows have no owner: any read depth reaches all of them. */
function ownerless(table: TableMetadata): boolean {
    return table.ownershipType === 'OrganizationOwned' || table.ownershipType === 'None';
}

function who(side: 'source' | 'target', identity: CallerPrivileges): string {
    return `the ${side} identity (systemuser ${identity.userId})`;
}

const VISIBLE: Record<Exclude<PrivilegeDepth, 'Global'>, string> = {
    Basic: 'only rows the identity owns',
    Local: "only rows owned by the identity's business unit",
    Deep: "only rows owned by the identity's business unit and the units below it",
};

/** The source identity's view of one table. */
export function sourceReadOf(check: IdentityCheck, table: TableMetadata): SourceRead {
    if (!check.ok)
        return { complete: false, reason: `the source identity's read could not be checked (${check.reason})` };
    const name = privilegeName(table, 'Read');
    const depth = held(check.privileges, name);
    if (!depth) return { complete: false, reason: `${who('source', check.privileges)} lacks ${name}` };
    if (depth === 'Global' || ownerless(table)) return { complete: true, depth };
    return {
        complete: false,
        depth,
        reason: `${who('source', check.privileges)} has ${depth} read (${name}): ${VISIBLE[depth]} are visible to it`,
    };
}

interface Need {
    table: TableMetadata;
    verb: Verb;
    why: string;
    /** Path of the spec entry that asks for it. */
    path: string;
    /** The run table (source name) it is for. */
    runTable?: string;
}

/** Lookup columns the target sets through `@odata.bind` (owners are an Assign, not an Append). */
function boundLookups(table: TablePlan) {
    return table.columns.filter(
        (c) =>
            c.kind === 'lookup' && c.type !== 'Owner' && c.lookup?.targets.some((t) => t.binding.kind !== 'unresolved'),
    );
}

function targetTableOf(binding: { kind: string; targetTable?: string; table: string }): string {
    return binding.kind === 'reference' ? binding.table : (binding.targetTable ?? binding.table);
}

function targetNeeds(plan: Plan, paths: ReadonlyMap<string, string>, tables: PermissionTables['target']): Need[] {
    const needs: Need[] = [];
    for (const table of Object.values(plan.tables)) {
        const meta = tables.get(table.target.logicalName);
        if (!meta) continue;
        const path = paths.get(table.name) ?? 'tables';
        const need = (verb: Verb, why: string, on = meta) =>
            needs.push({ table: on, verb, why, path, runTable: table.name });
        need('Create', 'to create its rows');
        need('Write', 'to update its rows');
        if (table.columns.some((c) => c.target === 'ownerid')) need('Assign', 'to set the owners of its rows');
        const lookups = boundLookups(table);
        if (lookups.length > 0) need('Append', `to set its lookups (${lookups.map((c) => c.target).join(', ')})`);
        for (const column of lookups) {
            for (const t of column.lookup!.targets) {
                if (t.binding.kind === 'unresolved') continue;
                const other = tables.get(targetTableOf(t.binding));
                if (other) need('AppendTo', `for '${table.target.logicalName}.${column.target}' to point to it`, other);
            }
        }
        if (table.deleteMissing) need('Delete', 'to delete the rows missing in the source (deleteMissing)');
    }
    plan.manyToMany.forEach((m, i) => {
        const one = tables.get(m.target.entity1.table);
        const two = tables.get(m.target.entity2.table);
        const path = `manyToMany[${i}]`;
        if (one) needs.push({ table: one, verb: 'Append', why: `to associate the pairs of ${m.name}`, path });
        if (two) needs.push({ table: two, verb: 'AppendTo', why: `to associate the pairs of ${m.name}`, path });
    });
    return needs;
}

/** One problem per missing privilege (with every reason it is needed), one warning per depth that falls short. */
function checkTarget(
    plan: Plan,
    paths: ReadonlyMap<string, string>,
    tables: PermissionTables['target'],
    target: CallerPrivileges,
) {
    const problems: PlanIssue[] = [];
    const warnings: PlanIssue[] = [];
    const byPrivilege = new Map<string, Need[]>();
    for (const need of targetNeeds(plan, paths, tables)) {
        const name = privilegeName(need.table, need.verb);
        byPrivilege.set(name, [...(byPrivilege.get(name) ?? []), need]);
    }
    for (const [name, needs] of byPrivilege) {
        const first = needs[0]!;
        const table = first.table.logicalName;
        const why = [...new Set(needs.map((n) => n.why))].join('; ');
        const depth = held(target, name);
        const base = { path: first.path, table };
        if (!depth) {
            problems.push({
                ...base,
                message: `${who('target', target)} lacks ${name} (${first.verb} on '${table}'), needed ${why}`,
            });
        } else if (
            depth !== 'Global' &&
            !ownerless(first.table) &&
            first.verb !== 'Create' &&
            first.verb !== 'Append'
        ) {
            warnings.push({
                ...base,
                message: `${who('target', target)} has ${depth} ${first.verb} on '${table}' (${name}): ${VISIBLE[depth]} can be reached, the others are refused row by row; needed ${why}`,
            });
        }
    }
    const bypassing = Object.values(plan.tables).filter((t) => (t.bypass?.businessLogic?.length ?? 0) > 0);
    if (bypassing.length > 0 && !held(target, BYPASS_BUSINESS_LOGIC)) {
        problems.push({
            path: `${paths.get(bypassing[0]!.name) ?? 'tables'}.bypass.businessLogic`,
            message: `${who('target', target)} lacks ${BYPASS_BUSINESS_LOGIC}, needed for the MSCRM.BypassBusinessLogicExecution header the spec asks for on ${bypassing.map((t) => `'${t.name}'`).join(', ')}`,
        });
    }
    return { problems, warnings };
}

function checkSource(
    plan: Plan,
    paths: ReadonlyMap<string, string>,
    tables: PermissionTables['source'],
    source: IdentityCheck,
) {
    const problems: PlanIssue[] = [];
    const warnings: PlanIssue[] = [];
    for (const table of Object.values(plan.tables)) {
        const meta = tables.get(table.name);
        if (!meta) continue;
        const read = sourceReadOf(source, meta);
        table.sourceRead = read;
        if (read.complete || !source.ok) continue;
        const path = paths.get(table.name) ?? 'tables';
        if (read.depth === undefined) {
            problems.push({ path, table: table.name, message: `${read.reason}: '${table.name}' cannot be read` });
            continue;
        }
        const tracking = plan.options.incremental
            ? '; incremental refresh (change tracking) needs Global read too'
            : '';
        warnings.push({ path, table: table.name, message: `${read.reason}: the others are not copied${tracking}` });
        if (table.deleteMissing) {
            problems.push({
                path: `${path}.deleteMissing`,
                table: table.name,
                message: `deleteMissing needs Global read of '${table.name}' in the source, or target rows the source identity cannot see are deleted: ${read.reason}`,
            });
        }
    }
    plan.manyToMany.forEach((m) => {
        const views = [m.source.entity1.table, m.source.entity2.table].map((t) => {
            const meta = tables.get(t);
            return meta
                ? sourceReadOf(source, meta)
                : { complete: false, reason: `the metadata of '${t}' was not read` };
        });
        m.sourceRead = views.find((v) => !v.complete) ?? views[0]!;
    });
    return { problems, warnings };
}

/**
 * Adds the preflight's problems and warnings to the plan and records each table's source view (`sourceRead`).
 * An identity whose privileges could not be read is a warning: the plan goes on, and no delete runs.
 */
export function applyPermissions(
    plan: Plan,
    specPaths: ReadonlyMap<string, string>,
    tables: PermissionTables,
    source: IdentityCheck,
    target: IdentityCheck,
    /** Check what the target identity may write (false: the caller only reads the target, as verify does). */
    targetWrites = true,
): void {
    const checks = [checkSource(plan, specPaths, tables.source, source)];
    if (target.ok && targetWrites) checks.push(checkTarget(plan, specPaths, tables.target, target.privileges));
    const deleting = Object.values(plan.tables)
        .filter((t) => t.deleteMissing)
        .map((t) => `'${t.name}'`);
    if (!source.ok) {
        const deletes =
            deleting.length > 0
                ? `: ${deleting.join(', ')} will not delete rows missing in the source, since a complete view is not established`
                : '';
        plan.warnings.push({
            message: `could not check the source identity's privileges (${source.reason})${deletes}`,
        });
    }
    if (!target.ok && targetWrites)
        plan.warnings.push({ message: `could not check the target identity's privileges (${target.reason})` });
    for (const check of checks) {
        plan.problems.push(...check.problems);
        plan.warnings.push(...check.warnings);
    }
}
