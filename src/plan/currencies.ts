/**
 * Source currencies with no match in the target (matched by ISO code, spec/defaults.ts), weighed by the rows the run
 * copies. Without `transactioncurrencyid` the platform gives a row with money values the organization's base currency
 * (transaction-currency-currency-entity.md: "All money properties in a record share the same transaction currency";
 * the base currency is Organization.BaseCurrencyID), so the same amounts would land in another currency. A currency
 * that copied rows with money values use is therefore a plan problem; one that no such row uses is a warning. Rows
 * are counted with `$count` (exact up to 5,000), per run table, within the table's filter, and only for the currencies
 * that have no match (usually none, so usually no request at all).
 */
import type { DataverseClient, Row } from '../dataverse/client-types.js';
import { COUNT_LIMIT, countMatchingRows, type FilteredCount } from '../dataverse/record-counts.js';
import { isGuid } from '../dataverse/odata-url.js';
import type { ReferenceMatchResult } from './references.js';
import type { ColumnMapping, Plan, PlanIssue, ReferencePlan, TablePlan } from './types.js';

export const CURRENCY_TABLE = 'transactioncurrency';

/** A run table whose rows carry money values in the currency of a lookup bound through the currency matches. */
interface MoneyTable {
    table: TablePlan;
    currency: ColumnMapping;
    money: ColumnMapping[];
}

/** Is this lookup column a row's currency, translated through the reference matches? */
export function isCurrencyLookup(column: ColumnMapping): boolean {
    return column.kind === 'lookup' && (column.lookup?.targets.some((t) => t.table === CURRENCY_TABLE) ?? false);
}

function moneyTables(plan: Plan): MoneyTable[] {
    return Object.values(plan.tables).flatMap((table) => {
        const currency = table.columns.find(
            (c) =>
                isCurrencyLookup(c) &&
                c.lookup!.targets.some((t) => t.table === CURRENCY_TABLE && t.binding.kind === 'reference'),
        );
        const money = table.columns.filter((c) => c.kind === 'plain' && c.type === 'Money');
        return currency && money.length > 0 ? [{ table, currency, money }] : [];
    });
}

/** Rows of `table` in currency `id` that have a money value, within the table's filter. */
export function currencyRowsFilter(entry: MoneyTable, id: string): string {
    if (!isGuid(id)) throw new TypeError(`'${id}' is not a currency id`);
    const money = entry.money.map((c) => `${c.source} ne null`).join(' or ');
    const own = `_${entry.currency.source}_value eq ${id.toLowerCase()} and (${money})`;
    return entry.table.filter === undefined ? own : `${own} and (${entry.table.filter})`;
}

/** `'XAU' (Gold)`, from the ISO code the match used and the currency's name when the source gave it. */
function describeCurrency(row: Row, rule: ReferencePlan, names: ReadonlyMap<string, string>): string {
    const id = String(row[rule.source.primaryId]).toLowerCase();
    const code = rule.matchOn.map((c) => row[c]).find((v) => typeof v === 'string' && v.trim() !== '');
    const name = names.get(id);
    const label = typeof code === 'string' ? `'${code}'` : id;
    return name === undefined ? label : `${label} (${name})`;
}

/** Currency names by source id (the matching read only the ISO codes); none when the source will not give them. */
async function currencyNames(
    client: DataverseClient,
    rule: ReferencePlan,
    signal?: AbortSignal,
): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    try {
        const query = { select: [rule.source.primaryId, 'currencyname'] };
        for await (const page of client.queryPages(rule.source.entitySetName, query, { pageSize: 5000, signal }))
            for (const row of page)
                if (typeof row.currencyname === 'string')
                    names.set(String(row[rule.source.primaryId]).toLowerCase(), row.currencyname);
    } catch {
        // Names only make the message friendlier; the ISO code names the currency anyway.
    }
    return names;
}

function rowCount(counted: FilteredCount): string {
    if (counted.limitExceeded) return `more than ${COUNT_LIMIT.toLocaleString('en-US')} rows`;
    return `${counted.count.toLocaleString('en-US')} row${counted.count === 1 ? '' : 's'}`;
}

export interface CurrencyIssues {
    problems: PlanIssue[];
    warnings: PlanIssue[];
}

/**
 * Problems for the unmatched source currencies that copied rows with money values use (naming each currency, the
 * tables and how many rows), warnings for the unmatched ones no such row uses.
 */
export async function unmatchedCurrencyIssues(
    plan: Plan,
    matches: ReferenceMatchResult | undefined,
    source: DataverseClient,
    signal?: AbortSignal,
): Promise<CurrencyIssues> {
    const issues: CurrencyIssues = { problems: [], warnings: [] };
    const rule = plan.references.find((r) => r.table === CURRENCY_TABLE);
    const tables = moneyTables(plan);
    if (!rule || !matches || matches.unmatched.length === 0 || tables.length === 0) return issues;
    const names = await currencyNames(source, rule, signal);
    const by = rule.matchOn.join(', ');
    for (const row of matches.unmatched) {
        const id = row[rule.source.primaryId];
        if (typeof id !== 'string' || !isGuid(id)) continue;
        const currency = describeCurrency(row, rule, names);
        const counted = await Promise.all(
            tables.map(async (entry) => ({
                table: entry.table.name,
                counted: await countMatchingRows(
                    source,
                    { entitySetName: entry.table.source.entitySetName, primaryId: entry.table.source.primaryId },
                    currencyRowsFilter(entry, id),
                    signal ? { signal } : {},
                ),
            })),
        );
        const using = counted.filter((c) => c.counted.count > 0 || c.counted.limitExceeded);
        if (using.length === 0) {
            issues.warnings.push({
                table: CURRENCY_TABLE,
                message: `source currency ${currency} has no match in the target by ${by}; no copied row with money values uses it (within each table's filter)`,
            });
            continue;
        }
        const where = using.map((u) => `${u.table} (${rowCount(u.counted)})`).join(', ');
        issues.problems.push({
            table: CURRENCY_TABLE,
            message: `source currency ${currency} has no match in the target by ${by}, and copied rows with money values use it: ${where}. Without their currency the target would keep the same amounts in its base currency. Create the currency in the target, or map it: references.transactioncurrency.fallback names the ${by} of a target currency to use instead`,
        });
    }
    return issues;
}
