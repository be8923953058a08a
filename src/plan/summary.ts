/** The plan as the CLI shows it: the `--json` shape and a human rendering readable at a glance. */
import type { Collation } from '../dataverse/collation.js';
import { COUNT_LIMIT } from '../dataverse/record-counts.js';
import { bulkWritesText } from './bulk-writes.js';
import type { RequestEstimates } from './request-estimates.js';
import { schemaJson, schemaLines } from './schema-summary.js';
import type {
    ManyToManySideMatch,
    Plan,
    PlanEstimates,
    PlanIssue,
    PlanSummaryJson,
    ReferencePlan,
    TableEstimate,
} from './types.js';

/** The `--json` shape; each tier table carries its rows and pages when they were counted. */
export function planSummaryJson(plan: Plan, estimates?: PlanEstimates, requests?: RequestEstimates): PlanSummaryJson {
    return {
        tiers: plan.tiers.map((tier) => ({
            tables: tier.tables.map((name) => ({
                name,
                deferred: [...(plan.tables[name]?.deferred ?? [])],
                ...(plan.tables[name]?.bulkWrites ? { bulkWrites: { ...plan.tables[name].bulkWrites } } : {}),
                ...(estimates?.[name] ?? {}),
                ...(requests?.tables[name] ? { requests: requests.tables[name] } : {}),
            })),
        })),
        manyToMany: plan.manyToMany.map((m) => ({
            name: m.name,
            tables: [m.source.entity1.table, m.source.entity2.table],
            match: [m.match[0].kind, m.match[1].kind],
            deleteMissing: m.deleteMissing === true,
        })),
        deletes: [...plan.deletePhase],
        ...(plan.schema ? { schema: schemaJson(plan.schema) } : {}),
        ...(requests ? { requests: { ...requests.total, unknown: requests.unknown } } : {}),
        warnings: plan.warnings,
        problems: plan.problems,
    };
}

/** The estimated requests of the run per environment, and the tables left out (rows unknown). */
export function requestLines(requests: RequestEstimates): string[] {
    const line = `Requests (estimated, plan included): ~${requests.total.source.toLocaleString('en-US')} to the source, ~${requests.total.target.toLocaleString('en-US')} to the target`;
    return requests.unknown.length > 0
        ? [line, `  not counted (rows unknown): ${requests.unknown.join(', ')}`]
        : [line];
}

/** How one side of a many-to-many relationship is found in the target, in words. */
/** How the target compares the key's strings, when the plan read it (dataverse/collation.ts). */
function collationText(collation: Collation | undefined): string {
    if (!collation) return '';
    return collation === 'CI_AI' ? ' (case- and accent-insensitive)' : ' (case-insensitive, accent-sensitive)';
}

function sideMatchText(plan: Plan, match: ManyToManySideMatch): string {
    if (match.kind === 'run') {
        const table = plan.tables[match.table];
        return table?.match.kind === 'key'
            ? `copied in this run, matched on key ${table.match.key}`
            : 'copied in this run, same id';
    }
    const rule = plan.references.find((r) => r.table === match.table);
    if (!rule) return 'matched in the target';
    return `${referenceText(rule)}; pairs whose ${match.table} has no match are skipped`;
}

/** A reference rule in words: by which columns, within which scope, with which fallback. */
function referenceText(r: ReferencePlan): string {
    const scope = r.scope ? ` within the ${r.scope.table} its ${r.scope.column} matches` : '';
    const how = r.singleton ? "the target's single row" : `matched by ${r.matchOn.join(', then ')}${scope}`;
    const extra = [r.rootColumn ? 'root to root' : '', r.fallback ? `fallback '${r.fallback}'` : ''].filter(Boolean);
    return `${how}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

function issueLine(issue: PlanIssue): string {
    return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

function count(n: number, what: string): string {
    return `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
}

/** A table's rows and pages in words: `~12,000 rows, ~3 pages` for an estimate, `9,000 rows in 5 pages` exact. */
function estimateText(e: TableEstimate): string {
    if (e.moreThan !== undefined) {
        const more = `more than ${count(e.moreThan, 'row')}`;
        return e.rows === null || e.pages === null
            ? more
            : `${more} (at most ~${e.rows.toLocaleString('en-US')}), up to ~${count(e.pages, 'page')}`;
    }
    if (e.rows === null || e.pages === null) return 'rows unknown';
    if (!e.estimate) return `${count(e.rows, 'row')} in ${count(e.pages, 'page')}`;
    const about = e.exact ? '' : '~';
    return `${about}${count(e.rows, 'row')}, ${about}${count(e.pages, 'page')}`;
}

/** The total over every table, with what it leaves out, and where estimated counts come from. */
function totalLines(estimates: TableEstimate[]): string[] {
    const known = estimates.filter((e) => e.rows !== null && e.pages !== null);
    const rows = known.reduce((sum, e) => sum + (e.rows ?? 0), 0);
    const pages = known.reduce((sum, e) => sum + (e.pages ?? 0), 0);
    const unknown = estimates.length - known.length;
    if (estimates.every((e) => !e.estimate)) return [`Total: ${count(rows, 'row')} in ${count(pages, 'page')}`];
    const about = known.every((e) => e.exact) ? '' : '~';
    // A filtered table past the $count limit adds its whole table: the total is then only a bound.
    const bound = known.some((e) => e.moreThan !== undefined) ? 'at most ' : '';
    const left = unknown > 0 ? ` (and ${count(unknown, 'table')} not counted)` : '';
    const lines = [`Total: ${bound}${about}${count(rows, 'row')}, ${about}${count(pages, 'page')}${left}`];
    const sources: string[] = [];
    if (estimates.some((e) => e.basis === 'snapshot' || (e.moreThan !== undefined && e.rows !== null)))
        sources.push("  without a filter: the service's row count snapshot, up to 24 h old");
    if (estimates.some((e) => e.basis === 'count'))
        sources.push(`  with a filter: $count, exact up to ${COUNT_LIMIT.toLocaleString('en-US')} rows`);
    if (sources.length > 0) lines.push('Row counts are estimates; the run lists the exact pages.', ...sources);
    return lines;
}

/** Plain text, no colours: the CLI adds them when writing to a terminal. */
export function renderPlan(plan: Plan, estimates?: PlanEstimates, requests?: RequestEstimates): string {
    const lines: string[] = [`Plan '${plan.name}': ${plan.sourceUrl} -> ${plan.targetUrl}`];
    const names = plan.tiers.flatMap((t) => t.tables);
    const width = Math.max(0, ...names.map((n) => n.length));
    lines.push(...schemaLines(plan.schema));
    plan.tiers.forEach((tier, i) => {
        lines.push('', `Tier ${i + 1}`);
        for (const name of tier.tables) {
            const table = plan.tables[name];
            const parts: string[] = [];
            if (table && table.target.logicalName !== name) parts.push(`-> ${table.target.logicalName}`);
            const estimate = estimates?.[name];
            if (estimate) parts.push(estimateText(estimate));
            if (table) parts.push(count(table.columns.length, 'column'));
            if (table && table.match.kind === 'key')
                parts.push(`matched on key ${table.match.key}${collationText(table.match.collation)}`);
            if (table?.filter) parts.push(`filter: ${table.filter}`);
            const bulk = bulkWritesText(table?.bulkWrites);
            if (bulk) parts.push(bulk);
            lines.push(`  ${name.padEnd(width)}  ${parts.join(', ')}`);
            if (table && table.deferred.length > 0)
                lines.push(`  ${''.padEnd(width)}  deferred: ${table.deferred.join(', ')}`);
            if (table?.parties)
                lines.push(
                    `  ${''.padEnd(width)}  parties: ${table.parties.lists.join(', ')} (with each row, as ${table.parties.targetNavigation})`,
                );
        }
    });
    if (plan.deferredPhase.length > 0) {
        lines.push('', 'Deferred lookups (patched after all tiers)');
        for (const entry of plan.deferredPhase) lines.push(`  ${entry.table}: ${entry.columns.join(', ')}`);
    }
    if (plan.manyToMany.length > 0) {
        lines.push('', 'Many-to-many');
        for (const m of plan.manyToMany) {
            const sides = [m.source.entity1.table, m.source.entity2.table];
            const sync = m.deleteMissing ? ', pairs the source no longer has are removed (deleteMissing)' : '';
            lines.push(`  ${m.name} (${sides.join(' <-> ')})${sync}`);
            m.match.forEach((match, i) => lines.push(`    ${sides[i]}: ${sideMatchText(plan, match)}`));
        }
    }
    if (plan.deletePhase.length > 0) {
        lines.push('', 'Delete target rows missing in the source');
        lines.push(`  ${plan.deletePhase.join(', ')}`);
    }
    if (plan.references.length > 0) {
        lines.push('', 'Reference tables (matched, not copied)');
        for (const r of plan.references) lines.push(`  ${r.table}: ${referenceText(r)}`);
        if (plan.fallbackOwner) lines.push(`  owners without a match fall back to: ${plan.fallbackOwner}`);
    }
    const counted = Object.keys(plan.tables).flatMap((name) => (estimates?.[name] ? [estimates[name]] : []));
    if (counted.length > 0) lines.push('', ...totalLines(counted));
    if (requests) lines.push(...requestLines(requests));
    const routine = plan.warnings.filter((w) => w.routine);
    const notable = plan.warnings.filter((w) => !w.routine);
    if (routine.length > 0) {
        const perTable = new Map<string, number>();
        for (const w of routine) {
            const columns = w.columns?.length ?? 1;
            perTable.set(w.table ?? '', (perTable.get(w.table ?? '') ?? 0) + columns);
        }
        const list = [...perTable].map(([table, n]) => `${table} ${n}`).join(', ');
        lines.push('', `System columns not copied (platform-maintained; --json lists them): ${list}`);
    }
    if (notable.length > 0) {
        lines.push('', `Warnings (${notable.length})`);
        for (const w of notable) lines.push(`  - ${issueLine(w)}`);
    }
    if (plan.problems.length > 0) {
        lines.push('', `Problems (${plan.problems.length}): nothing will be written until they are fixed`);
        for (const p of plan.problems) lines.push(`  - ${issueLine(p)}`);
    } else {
        lines.push('', 'No problems.');
    }
    return lines.join('\n');
}
