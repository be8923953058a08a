/**
 * Spec validation that reports EVERY problem at once: zod's shape problems plus the cross-field
 * rules below, which run on the raw document even when its shape has problems elsewhere.
 */
import { z } from 'zod';
import { didYouMean } from '../util/suggest.js';
import { formatPath, type InputProblem } from './problems.js';
import { isLoopbackUrl } from '../util/url.js';
import { maskingTableProblems } from './masking.js';
import { migrationSpecSchema, type MigrationSpec } from './schema.js';
import { subsetProblems } from './subset.js';

export type SpecResult = { ok: true; spec: MigrationSpec } | { ok: false; problems: InputProblem[] };

/** Every key the spec format knows, read off the schema itself, for "did you mean" hints on unknown keys. */
const KNOWN_KEYS: readonly string[] = (() => {
    const keys = new Set<string>();
    const walk = (node: unknown): void => {
        if (typeof node !== 'object' || node === null) return;
        const properties = (node as { properties?: unknown }).properties;
        if (typeof properties === 'object' && properties !== null)
            for (const key of Object.keys(properties)) keys.add(key);
        for (const child of Object.values(node)) walk(child);
    };
    walk(z.toJSONSchema(migrationSpecSchema, { io: 'input', unrepresentable: 'any' }));
    return [...keys];
})();

const SECRET_LIKE_KEY = /secret|password|key|token/i;

function unknownKeyMessage(key: string): string {
    if (SECRET_LIKE_KEY.test(key) && !KNOWN_KEYS.includes(key)) {
        return `unknown key '${key}': a spec never holds secrets; name the setting that holds it (secretSetting, certificatePathSetting)`;
    }
    return `unknown key '${key}'${didYouMean(key, KNOWN_KEYS)}`;
}

function valueAt(doc: unknown, path: ReadonlyArray<PropertyKey>): unknown {
    let value = doc;
    for (const key of path) {
        if (typeof value !== 'object' || value === null) return undefined;
        value = (value as Record<PropertyKey, unknown>)[key];
    }
    return value;
}

function zodProblems(error: z.ZodError, doc: unknown): InputProblem[] {
    const problems: InputProblem[] = [];
    for (const issue of error.issues) {
        if (issue.code === 'unrecognized_keys') {
            for (const key of issue.keys)
                problems.push({ path: formatPath([...issue.path, key]), message: unknownKeyMessage(key) });
        } else if (issue.code === 'invalid_type' && valueAt(doc, issue.path) === undefined) {
            problems.push({ path: formatPath(issue.path), message: `required: ${issue.message}` });
        } else {
            problems.push({ path: formatPath(issue.path), message: issue.message });
        }
    }
    return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function duplicateProblems(values: unknown, path: string, what: string): InputProblem[] {
    const problems: InputProblem[] = [];
    if (!Array.isArray(values)) return problems;
    const seen = new Map<string, number>();
    values.forEach((value, i) => {
        if (typeof value !== 'string') return;
        const first = seen.get(value);
        if (first === undefined) seen.set(value, i);
        else
            problems.push({
                path: `${path}[${i}]`,
                message: `${what} '${value}' is listed twice (first at ${path}[${first}])`,
            });
    });
    return problems;
}

function tableProblems(table: Record<string, unknown>, index: number): InputProblem[] {
    const path = `tables[${index}]`;
    const problems = duplicateProblems(table.columns, `${path}.columns`, 'column');
    const columns = Array.isArray(table.columns) ? new Set(strings(table.columns)) : undefined;
    if (!isRecord(table.rename)) return problems;
    const targets = new Map<string, string>();
    for (const [from, to] of Object.entries(table.rename)) {
        const at = formatPath(['tables', index, 'rename', from]);
        if (typeof to !== 'string') continue;
        if (columns && !columns.has(from))
            problems.push({ path: at, message: `renames '${from}', which is not in columns` });
        const previous = targets.get(to);
        if (previous !== undefined) {
            problems.push({ path: at, message: `renames to '${to}', which '${previous}' is already renamed to` });
        } else if (columns?.has(to) && !(to in table.rename)) {
            problems.push({
                path: at,
                message: `renames to '${to}', which is also listed in columns as a column of its own`,
            });
        }
        targets.set(to, from);
    }
    return problems;
}

function environmentProblems(env: unknown, path: string): InputProblem[] {
    if (!isRecord(env) || typeof env.url !== 'string') return [];
    const url = env.url;
    const listed: Array<[string, unknown]> = [[`${path}.credential`, env.credential]];
    if (Array.isArray(env.additionalCredentials))
        env.additionalCredentials.forEach((c, i) => listed.push([`${path}.additionalCredentials[${i}]`, c]));
    const problems: InputProblem[] = [];
    const seen = new Map<string, string>();
    for (const [at, credential] of listed) {
        if (!isRecord(credential)) continue;
        if ((credential.type === 'none' || credential.type === 'loopbackUser') && !isLoopbackUrl(url)) {
            const what =
                credential.type === 'none' ? "type 'none' (no token)" : "type 'loopbackUser' (an unsigned token)";
            problems.push({ path: at, message: `${what} is only allowed for loopback simulator URLs, not ${url}` });
        }
        // One user twice would share one budget: the second adds nothing, and most likely a copy-paste slip.
        const same = JSON.stringify(credential, Object.keys(credential).sort());
        const first = seen.get(same);
        if (first !== undefined)
            problems.push({ path: at, message: `the same identity as ${first}: list each user once` });
        else seen.set(same, at);
    }
    if (listed.length > 1 && env.credential === undefined && isLoopbackUrl(url))
        problems.push({
            path: `${path}.credential`,
            message:
                'with additionalCredentials, give the first identity too (without one a loopback URL sends no token)',
        });
    if (listed.length > 1 && listed.some(([, c]) => isRecord(c) && c.type === 'none'))
        problems.push({
            path: `${path}.additionalCredentials`,
            message: "several identities need a token each: type 'none' cannot be one of them (use loopbackUser)",
        });
    return problems;
}

function origin(url: unknown): string | undefined {
    if (typeof url !== 'string') return undefined;
    try {
        return new URL(url).origin;
    } catch {
        return undefined;
    }
}

/** A run whose source is its target copies rows onto themselves: only when the spec says it means that. */
function sameEnvironmentProblems(doc: Record<string, unknown>): InputProblem[] {
    const source = isRecord(doc.source) ? origin(doc.source.url) : undefined;
    const target = isRecord(doc.target) ? origin(doc.target.url) : undefined;
    const allowed = isRecord(doc.options) && doc.options.allowSameEnvironment === true;
    if (source === undefined || source !== target || allowed) return [];
    return [
        {
            path: 'target.url',
            message: `is the source environment too (${source}): a run would write onto the rows it reads; set options.allowSameEnvironment to true if that is what you mean`,
        },
    ];
}

/**
 * `load: "new"` creates the table under the source's own names, so it cannot load into another table name; a solution
 * named for created components with no table that creates any is a mistake worth saying.
 */
function loadProblems(doc: Record<string, unknown>): InputProblem[] {
    const tables = Array.isArray(doc.tables) ? doc.tables : [];
    const problems: InputProblem[] = [];
    tables.forEach((t: unknown, i) => {
        if (!isRecord(t) || t.load !== 'new' || typeof t.targetName !== 'string' || t.targetName === t.name) return;
        problems.push({
            path: `tables[${i}].targetName`,
            message: `load 'new' creates the table under its source name '${String(t.name)}': drop targetName '${t.targetName}', or create that table first and load it as 'existing'`,
        });
    });
    const solution = isRecord(doc.options) ? doc.options.solutionUniqueName : undefined;
    if (typeof solution === 'string' && !tables.some((t: unknown) => isRecord(t) && t.load === 'new')) {
        problems.push({
            path: 'options.solutionUniqueName',
            message: `names the solution that created tables and columns join, but no table has load 'new': remove it, or set load 'new' on the tables to create`,
        });
    }
    return problems;
}

/** The cross-field rules: duplicates, renames, credentials that need a loopback URL, source equal to target. */
function crossFieldProblems(doc: unknown): InputProblem[] {
    if (!isRecord(doc)) return [];
    const problems = [
        ...environmentProblems(doc.source, 'source'),
        ...environmentProblems(doc.target, 'target'),
        ...sameEnvironmentProblems(doc),
        ...loadProblems(doc),
        ...maskingTableProblems(doc),
        ...subsetProblems(doc),
    ];
    if (Array.isArray(doc.tables)) {
        const names = doc.tables.map((t) => (isRecord(t) && typeof t.name === 'string' ? t.name : undefined));
        problems.push(...duplicateProblems(names, 'tables', 'table').map((p) => ({ ...p, path: `${p.path}.name` })));
        const targetNames = doc.tables.map((t, i) =>
            isRecord(t) ? (typeof t.targetName === 'string' ? t.targetName : names[i]) : undefined,
        );
        doc.tables.forEach((t, i) => {
            const target = targetNames[i];
            const first = targetNames.indexOf(target);
            if (isRecord(t) && typeof t.targetName === 'string' && first !== i && names[i] !== names[first]) {
                problems.push({
                    path: `tables[${i}].targetName`,
                    message: `target table '${target}' is also written by tables[${first}]`,
                });
            }
            if (isRecord(t)) problems.push(...tableProblems(t, i));
        });
    }
    const relationships = Array.isArray(doc.manyToMany)
        ? doc.manyToMany.map((r: unknown) => (isRecord(r) && typeof r.name === 'string' ? r.name : r))
        : doc.manyToMany;
    problems.push(...duplicateProblems(relationships, 'manyToMany', 'relationship'));
    return problems;
}

/** Validates a parsed JSON document as a migration spec; defaults applied on success. */
export function validateSpec(doc: unknown): SpecResult {
    const parsed = migrationSpecSchema.safeParse(doc);
    const problems = [...(parsed.success ? [] : zodProblems(parsed.error, doc)), ...crossFieldProblems(doc)];
    if (problems.length > 0 || !parsed.success) return { ok: false, problems };
    return { ok: true, spec: parsed.data };
}
