/** Shared fixtures for the odata-*.test.ts files: a small account table and an in-memory, counting RowSource. */
import { createHash } from 'node:crypto';
import { SimError } from '../src/errors.js';
import { compareSqlGuids } from '../src/guid-order.js';
import type { SimRow, SimSchema, SimTable } from '../src/model.js';
import type { RowSource } from '../src/odata/types.js';

export const account: SimTable = {
    logicalName: 'account',
    entitySetName: 'accounts',
    primaryIdAttribute: 'accountid',
    primaryNameAttribute: 'name',
    ownershipType: 'UserOwned',
    changeTracking: true,
    attributes: [
        { logicalName: 'accountid', type: 'Uniqueidentifier', isPrimaryId: true },
        { logicalName: 'name', type: 'String', isPrimaryName: true, maxLength: 160 },
        { logicalName: 'accountnumber', type: 'String' },
        { logicalName: 'numberofemployees', type: 'Integer' },
        { logicalName: 'revenue', type: 'Money' },
        { logicalName: 'creditonhold', type: 'Boolean' },
        { logicalName: 'createdon', type: 'DateTime', validForCreate: false, validForUpdate: false },
        { logicalName: 'statecode', type: 'State' },
        { logicalName: 'primarycontactid', type: 'Lookup', targets: ['contact'] },
        { logicalName: 'primarycontactidname', type: 'String', attributeOf: 'primarycontactid' },
        { logicalName: 'transactioncurrencyid', type: 'Lookup', targets: ['transactioncurrency'] },
        { logicalName: 'ownerid', type: 'Owner', targets: ['systemuser', 'team'] },
    ],
};

export const schema: SimSchema = { tables: [account], manyToMany: [] };

/** Rows in primary-key order; counts every row a scan hands out. */
export class CountingRowSource implements RowSource {
    readonly rows: SimRow[];
    touched = 0;

    constructor(
        rows: SimRow[],
        private readonly pk = 'accountid',
    ) {
        this.rows = [...rows].sort((a, b) => compareSqlGuids(a[pk] as string, b[pk] as string));
    }

    get size(): number {
        return this.rows.length;
    }

    *scan(start?: { id: string; inclusive: boolean }): Iterable<SimRow> {
        let lo = 0;
        if (start) {
            // Binary search for the first row at (inclusive) or after (exclusive) the start id.
            let hi = this.rows.length;
            while (lo < hi) {
                const mid = (lo + hi) >> 1;
                const c = compareSqlGuids(this.rows[mid]?.[this.pk] as string, start.id);
                if (c < 0 || (c === 0 && !start.inclusive)) lo = mid + 1;
                else hi = mid;
            }
        }
        for (let i = lo; i < this.rows.length; i++) {
            this.touched++;
            yield this.rows[i] as SimRow;
        }
    }
}

/** A deterministic GUID from a number (hash-based, so SQL order and string order of these GUIDs differ). */
export function guidFrom(n: number): string {
    const h = createHash('md5').update(String(n)).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function makeAccounts(count: number): SimRow[] {
    const rows: SimRow[] = [];
    for (let i = 0; i < count; i++) {
        rows.push({
            accountid: guidFrom(i),
            name: `Account ${String(i % 17).padStart(2, '0')}`,
            accountnumber: i % 5 === 0 ? null : `AN-${i}`,
            numberofemployees: (i * 37) % 101,
            revenue: i * 1000.5,
            creditonhold: i % 3 === 0,
            createdon: new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString().replace('.000Z', 'Z'),
            statecode: i % 7 === 0 ? 1 : 0,
            primarycontactid: i % 4 === 0 ? null : { id: guidFrom(100_000 + i), table: 'contact' },
            transactioncurrencyid: { id: guidFrom(999_999), table: 'transactioncurrency' },
            ownerid: { id: guidFrom(888_888), table: 'systemuser' },
        });
    }
    return rows;
}

/** The SimError a call throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): SimError {
    try {
        fn();
    } catch (e) {
        if (e instanceof SimError) return e;
        throw e;
    }
    throw new Error('expected a SimError');
}
