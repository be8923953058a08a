/**
 * The currency of a row with money values (src/copy/row-plan.ts): the platform gives a row with money and no currency
 * its base currency, so the copy never clears the currency of such a row. An unmatched currency fails the row with
 * UnmatchedCurrency naming the ISO code, under onUnresolvedLookup 'clear' and 'fail' alike; a source row without a
 * currency leaves the target's alone; a row without money values is handled as any unresolved lookup. Pure: the
 * resolver's clients refuse any I/O (the copy against the simulator: test/integration/copy-unmatched-currency.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/dataverse/client-types.js';
import {
    decideRow,
    expectedRow,
    UNMATCHED_CURRENCY_CODE,
    UNRESOLVED_LOOKUP_CODE,
    type DecideOptions,
    type RowDecision,
} from '../../src/copy/row-plan.js';
import { buildPlan } from '../../src/plan/build.js';
import type { StoredReferences } from '../../src/run/run-context.js';
import { lookupOf, newResolver } from '../helpers/row-logic.js';
import { crmTables, environment, spec } from './plan-fixture.js';

const ACCOUNT = 'a1000000-0000-4000-8000-000000000001';
const SOURCE_USER = '51000000-0000-4000-8000-000000000001';
const TARGET_USER = '71000000-0000-4000-8000-000000000001';
const SOURCE_EURO = '5c000000-0000-4000-8000-000000000001';
const TARGET_EURO = '7c000000-0000-4000-8000-000000000001';
const SOURCE_GOLD = '5c000000-0000-4000-8000-000000000002';

const plan = buildPlan(
    spec({ tables: [{ name: 'account' }] }),
    environment('s', crmTables()),
    environment('t', crmTables()),
);
const account = plan.tables.account!;
const references: StoredReferences = {
    tables: {
        systemuser: { map: { [SOURCE_USER]: TARGET_USER } },
        transactioncurrency: { map: { [SOURCE_EURO]: TARGET_EURO }, unmatched: { [SOURCE_GOLD]: 'XAU' } },
    },
};
const resolver = newResolver({ plan, references });
const clear: DecideOptions = { onUnresolvedLookup: 'clear' };
const fail: DecideOptions = { onUnresolvedLookup: 'fail' };

function sourceAccount(currency: string | null, revenue: number | null): Row {
    return {
        accountid: ACCOUNT,
        name: 'Contoso',
        revenue,
        ...lookupOf('ownerid', SOURCE_USER, 'systemuser'),
        ...lookupOf('primarycontactid', null),
        ...lookupOf('parentaccountid', null),
        ...lookupOf('originatingleadid', null),
        ...lookupOf('transactioncurrencyid', currency, currency === null ? undefined : 'transactioncurrency'),
    };
}

function targetAccount(revenue: number | null): Row {
    return {
        accountid: ACCOUNT,
        name: 'Contoso',
        revenue,
        ...lookupOf('ownerid', TARGET_USER, 'systemuser'),
        ...lookupOf('transactioncurrencyid', TARGET_EURO, 'transactioncurrency'),
    };
}

function decide(source: Row, target: Row | undefined, options: DecideOptions): RowDecision {
    return decideRow(account, expectedRow(account, source, resolver), target, resolver, options);
}

const goldFailure = {
    action: 'fail',
    failure: {
        code: UNMATCHED_CURRENCY_CODE,
        column: 'transactioncurrencyid',
        message:
            `transactioncurrencyid points to transactioncurrency 'XAU' (${SOURCE_GOLD}), which has no match in the ` +
            'target, and the row has money values (revenue): without its currency the target would keep the same ' +
            'amounts in its base currency, so the row is not written; create the currency in the target, or map it ' +
            'with references.transactioncurrency',
    },
};

describe('the currency of a row with money values', () => {
    it('fails a new row whose currency has no match, under either onUnresolvedLookup', () => {
        expect(decide(sourceAccount(SOURCE_GOLD, 10), undefined, clear)).toMatchObject(goldFailure);
        expect(decide(sourceAccount(SOURCE_GOLD, 10), undefined, fail)).toMatchObject(goldFailure);
    });

    it('fails an existing row moved to an unmatched currency instead of clearing its currency', () => {
        expect(decide(sourceAccount(SOURCE_GOLD, 10), targetAccount(10), clear)).toMatchObject(goldFailure);
    });

    it('leaves the target’s currency alone when the source row has none', () => {
        const decision = decide(sourceAccount(null, 10), targetAccount(10), clear);
        expect(decision.action).toBe('none');
        expect(decision.cleared).toEqual([]);
    });

    it('binds a matched currency as before', () => {
        const decision = decide(sourceAccount(SOURCE_EURO, 10), undefined, clear);
        expect(decision.payload).toMatchObject({
            'transactioncurrencyid@odata.bind': `/transactioncurrencys(${TARGET_EURO})`,
        });
    });
});

describe('the currency of a row without money values', () => {
    it('is cleared under onUnresolvedLookup clear, and fails the row as any lookup under fail', () => {
        const cleared = decide(sourceAccount(SOURCE_GOLD, null), targetAccount(null), clear);
        expect(cleared).toMatchObject({ action: 'update', cleared: ['transactioncurrencyid'] });
        expect(cleared.payload).toMatchObject({ 'transactioncurrencyid@odata.bind': null });
        expect(decide(sourceAccount(SOURCE_GOLD, null), undefined, fail)).toMatchObject({
            action: 'fail',
            failure: { code: UNRESOLVED_LOOKUP_CODE, column: 'transactioncurrencyid' },
        });
    });
});
