/** Small builders of system rows that several generators share: shared lookup values, columns set only where they exist. */
import type { SimLookupValue, SimRow, SimTable, SimValue } from '../model.js';

export function lookupRef(table: string, id: string): SimLookupValue {
    return Object.freeze({ id, table });
}

/** Sets a column only when the table's schema has it (schemas read from files may differ). */
export function putter(table: SimTable | undefined): (row: SimRow, column: string, value: SimValue) => void {
    const names = new Set(table?.attributes.map((a) => a.logicalName) ?? []);
    return (row, column, value) => {
        if (names.has(column)) row[column] = value;
    };
}
