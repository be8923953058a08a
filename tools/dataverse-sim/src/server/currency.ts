/**
 * The transaction currency of a row with money columns, as the platform keeps it. "All money properties in a record
 * share the same transaction currency", the base currency is "stored in the Organization.BaseCurrencyID attribute",
 * and "the exchange rate is the value of a transaction currency equal to one base currency" (powerapps-docs,
 * developer/data-platform/transaction-currency-currency-entity.md); each such table's read-only `exchangerate` is the
 * "exchange rate for the currency associated with the entity with respect to the base currency" (table references).
 * A default currency "will be used unless a different currency is specified for a specific transaction" (Microsoft
 * Learn, "Currencies and currency management", Dynamics 365 Sales training).
 *
 * So a write that sets money values and leaves the row without a currency gives it the organization's base currency
 * [inferred: the service first tries the caller's personal currency (usersettings), which the simulator does not
 * model], and every write that touches the currency or a money column takes the exchange rate from the row's currency
 * as it is now [inferred]. The `_base` amounts are still not computed.
 */
import { isLookupType, isLookupValue, type SimAttribute, type SimRow, type SimValue } from '../model.js';
import type { TableInfo } from './schema-index.js';
import type { Store } from './store.js';

const CURRENCY_TABLE = 'transactioncurrency';

/** The row's currency lookup: a lookup to transactioncurrency (never the currency table's own primary key). */
function currencyColumn(info: TableInfo): SimAttribute | undefined {
    return info.table.attributes.find((a) => isLookupType(a.type) && a.targets?.includes(CURRENCY_TABLE) === true);
}

/** Money columns a client writes (not the read-only `_base` twins the platform computes). */
function writableMoney(info: TableInfo): SimAttribute[] {
    return info.table.attributes.filter(
        (a) => a.type === 'Money' && (a.validForCreate !== false || a.validForUpdate !== false),
    );
}

function baseCurrency(store: Store): SimValue | undefined {
    const org = store.tables.get('organization')?.rows.values().next().value;
    return org?.basecurrencyid;
}

/**
 * Completes `changes` (the whole row on a create, the changed columns on an update of `existing`) with the currency
 * the platform gives the row and its exchange rate.
 */
export function applyTransactionCurrency(
    info: TableInfo,
    store: Store,
    changes: SimRow,
    existing: SimRow | undefined,
): void {
    const currency = currencyColumn(info);
    if (!currency) return;
    const money = writableMoney(info);
    const column = currency.logicalName;
    const touched = column in changes || money.some((m) => m.logicalName in changes);
    if (!touched) return;
    const now = (name: string): SimValue | undefined => (name in changes ? changes[name] : existing?.[name]);
    let value = now(column);
    const hasMoney = money.some((m) => {
        const amount = now(m.logicalName);
        return amount !== null && amount !== undefined;
    });
    if (!isLookupValue(value) && hasMoney) {
        const base = baseCurrency(store);
        if (isLookupValue(base)) {
            value = { id: base.id, table: CURRENCY_TABLE };
            changes[column] = value;
        }
    }
    if (!info.attributes.has('exchangerate')) return;
    const rate = isLookupValue(value) ? store.get(CURRENCY_TABLE, value.id)?.exchangerate : undefined;
    changes.exchangerate = rate ?? null;
}
