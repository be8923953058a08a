/**
 * Columns that automatic mapping never copies, and why. The platform maintains them itself, they
 * are derived from a column that is copied, or the row endpoints cannot write them.
 */
import type { AttributeMetadata } from '../dataverse/metadata-types.js';

const SET_BY_PLATFORM = 'set by the platform on every write';

/** By logical name. `createdon` is copied into `overriddencreatedon` when the target allows it. */
export const SYSTEM_COLUMNS: Readonly<Record<string, string>> = {
    createdon: `${SET_BY_PLATFORM}; copied into overriddencreatedon when the target has it`,
    createdby: SET_BY_PLATFORM,
    createdonbehalfby: SET_BY_PLATFORM,
    modifiedon: SET_BY_PLATFORM,
    modifiedby: SET_BY_PLATFORM,
    modifiedonbehalfby: SET_BY_PLATFORM,
    versionnumber: 'row version, maintained by the platform',
    owninguser: 'derived from ownerid, which is copied',
    owningteam: 'derived from ownerid, which is copied',
    owningbusinessunit: 'derived from ownerid, which is copied',
    importsequencenumber: "bookkeeping of the source environment's data imports",
    timezoneruleversionnumber: 'maintained by the platform',
    exchangerate: 'computed by the platform from the currency',
    organizationid: "maintained by the platform (the target's organization)",
};

/** Why a column is never copied automatically, or undefined when it can be. */
export function systemColumnReason(attribute: AttributeMetadata): string | undefined {
    return SYSTEM_COLUMNS[attribute.logicalName] ?? uncopyableReason(attribute);
}

/** Why a column cannot be copied by row writes at all, even when listed explicitly. */
export function uncopyableReason(attribute: AttributeMetadata): string | undefined {
    if (attribute.attributeOf) return 'part of another column (AttributeOf), which carries the value';
    const typeName = attribute.attributeTypeName;
    // Image and file columns are Virtual too: their content has a phase of its own (content-columns.ts).
    if (typeName === 'ImageType' || typeName === 'FileType') return undefined;
    if (attribute.attributeType === 'Virtual' && typeName !== 'MultiSelectPicklistType')
        return 'virtual column (no stored value)';
    if (attribute.attributeType === 'PartyList')
        return "a party list is copied with its activity's parties collection, never as a column";
    if (attribute.attributeType === 'CalendarRules') return 'calendar rules are written through their own table';
    if (attribute.attributeType === 'EntityName') return 'table name of a lookup, set together with the lookup';
    if (attribute.attributeType === 'ManagedProperty') return 'solution-managed property';
    if (attribute.attributeType === 'Money' && attribute.logicalName.endsWith('_base'))
        return 'base-currency amount, computed by the platform';
    return undefined;
}

/** CMT field names that are system-maintained (same rules, by name only: CMT schemas carry no metadata). */
export function isSystemColumnName(name: string): boolean {
    return name in SYSTEM_COLUMNS;
}
