/**
 * The plan's checks of the spec's masking (spec/masking.ts): a rule on a column the source table lacks, or of a kind
 * the column cannot hold (an e-mail on a number), is a problem; a masked column of the target's alternate keys needs a
 * rule that keeps values apart; and every copied column that holds personal data by its name and type (e-mail, phone,
 * address, names, birth dates) but has no rule is a warning, or a problem under `masking.requireAll`.
 */
import type { AttributeMetadata, AttributeType, EnvironmentMetadata } from '../dataverse/metadata-types.js';
import type { MaskRule, MigrationSpec } from '../spec/index.js';
import { longestMask } from '../masking/mask-value.js';
import { didYouMean } from '../util/suggest.js';
import type { PlanIssue, TablePlan } from './types.js';

const TEXT: readonly AttributeType[] = ['String', 'Memo'];
const NUMBER: readonly AttributeType[] = ['Integer', 'BigInt', 'Decimal', 'Double', 'Money'];

/** Well-known personal columns of the standard tables (contact, lead, account, systemuser), by logical name. */
const PERSONAL = [
    /email/,
    /phone|mobile|pager|(^|_)fax$/,
    /^address\d_/,
    /^(first|last|middle|full|nick|spouses|yomifirst|yomilast|yomimiddle|yomifull)name$/,
    /birth/,
    /governmentid/,
];
/** Types personal values come in; `address1_latitude` (Double) or `donotemail` (Boolean) are not personal data. */
const PERSONAL_TYPES: readonly AttributeType[] = ['String', 'Memo', 'DateTime'];

/** The types a rule can fill, or undefined when it fits any column that can be written. */
function typesFor(rule: MaskRule): readonly AttributeType[] {
    switch (rule.rule) {
        case 'fake':
        case 'hash':
            return TEXT;
        case 'dateShift':
            return ['DateTime'];
        case 'numberRange':
            return NUMBER;
        case 'fixed':
            return typeof rule.value === 'string' ? TEXT : typeof rule.value === 'number' ? NUMBER : ['Boolean'];
        case 'null':
            return [...TEXT, ...NUMBER, 'DateTime', 'Boolean', 'Picklist'];
    }
}

/** Rules whose masks of different values differ (64 bits of HMAC or more): the only ones an alternate key takes. */
function keepsApart(rule: MaskRule): boolean {
    return rule.rule === 'hash' || (rule.rule === 'fake' && (rule.kind === 'email' || rule.unique === true));
}

function describe(rule: MaskRule): string {
    return rule.rule === 'fake' ? `fake ${rule.kind}` : rule.rule;
}

function ruleProblems(table: TablePlan, attributes: Map<string, AttributeMetadata>, masks: Record<string, MaskRule>) {
    const problems: PlanIssue[] = [];
    for (const [column, rule] of Object.entries(masks)) {
        const path = `masking.tables.${table.name}.${column}`;
        const attribute = attributes.get(column);
        if (!attribute) {
            problems.push({
                path,
                table: table.name,
                column,
                message: `column '${column}' does not exist in source table '${table.name}'${didYouMean(column, attributes.keys())}`,
            });
            continue;
        }
        const fits = typesFor(rule);
        if (!fits.includes(attribute.attributeType)) {
            problems.push({
                path,
                table: table.name,
                column,
                message: `a ${describe(rule)} rule cannot mask '${column}', a ${attribute.attributeType} column (it takes ${fits.join(', ')})`,
            });
        } else if (attribute.maxLength !== undefined && longestMask(rule, attribute.maxLength) > attribute.maxLength) {
            problems.push({
                path,
                table: table.name,
                column,
                message: `a ${describe(rule)} rule can write ${longestMask(rule, attribute.maxLength)} characters; '${column}' holds at most ${attribute.maxLength}`,
            });
        } else if (
            rule.rule === 'null' &&
            ['SystemRequired', 'ApplicationRequired'].includes(attribute.requiredLevel)
        ) {
            problems.push({
                path,
                table: table.name,
                column,
                message: `'${column}' is required: it cannot be masked as null`,
            });
        }
    }
    return problems;
}

/** Masked source columns of the target's alternate keys (and the match key) that a rule could make collide. */
function keyProblems(table: TablePlan, target: EnvironmentMetadata, masks: Record<string, MaskRule>): PlanIssue[] {
    const sourceOf = new Map(table.columns.map((c) => [c.target, c.source]));
    const keys = target.tables.get(table.target.logicalName)?.keys ?? [];
    const problems: PlanIssue[] = [];
    for (const key of keys) {
        for (const part of key.keyAttributes) {
            const column = sourceOf.get(part) ?? part;
            const rule = masks[column];
            if (!rule || keepsApart(rule)) continue;
            problems.push({
                path: `masking.tables.${table.name}.${column}`,
                table: table.name,
                column,
                message: `'${column}' is part of alternate key '${key.logicalName}': a ${describe(rule)} rule would give different rows one key; use hash, fake email, or a fake rule with unique: true`,
            });
        }
    }
    return problems;
}

/** Copied columns that hold personal data by name and type, with no rule. */
function unmasked(table: TablePlan, attributes: Map<string, AttributeMetadata>, masks: Record<string, MaskRule>) {
    return table.columns
        .filter((c) => c.kind === 'plain' && !masks[c.source])
        .filter((c) => PERSONAL_TYPES.includes(attributes.get(c.source)?.attributeType ?? 'Virtual'))
        .filter((c) => PERSONAL.some((pattern) => pattern.test(c.source)))
        .map((c) => c.source);
}

export function maskingIssues(
    spec: MigrationSpec,
    tables: Record<string, TablePlan>,
    source: EnvironmentMetadata,
    target: EnvironmentMetadata,
): { warnings: PlanIssue[]; problems: PlanIssue[] } {
    const warnings: PlanIssue[] = [];
    const problems: PlanIssue[] = [];
    spec.tables.forEach((tableSpec, index) => {
        const table = tables[tableSpec.name];
        const metadata = source.tables.get(tableSpec.name);
        if (!table || !metadata) return;
        const attributes = new Map(metadata.attributes.map((a) => [a.logicalName, a]));
        const masks = spec.masking?.tables[table.name] ?? {};
        problems.push(...ruleProblems(table, attributes, masks), ...keyProblems(table, target, masks));
        const columns = unmasked(table, attributes, masks);
        if (columns.length === 0) return;
        const issue: PlanIssue = {
            path: `tables[${index}]`,
            table: table.name,
            columns,
            message: `personal data copied unmasked: ${columns.join(', ')}; give them rules in masking.tables.${table.name}`,
        };
        (spec.masking?.requireAll ? problems : warnings).push(issue);
    });
    return { warnings, problems };
}
