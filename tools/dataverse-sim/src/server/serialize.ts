/**
 * Stored rows -> Web API JSON: `@odata.etag` first, lookups as `_x_value`, and the annotations the
 * client asked for with `Prefer: odata.include-annotations`, each placed just before its property.
 */
import { type ExactNumber, isExactNumber } from '../exact-number.js';
import type { SimAttribute, SimRow, SimValue } from '../model.js';
import { hasNoProperty, isLookupType, isLookupValue } from '../model.js';
import { annotationRequested } from '../odata/prefer.js';
import type { SchemaIndex, TableInfo } from './schema-index.js';
import { lookupValueProperty, navigationName } from './schema-index.js';
import type { Store } from './store.js';
import { VERSION_FIELD } from './store.js';

export const FORMATTED = 'OData.Community.Display.V1.FormattedValue';
export const NAVIGATION = 'Microsoft.Dynamics.CRM.associatednavigationproperty';
export const LOGICAL_NAME = 'Microsoft.Dynamics.CRM.lookuplogicalname';

export function etagOf(row: SimRow): string {
    const v = row[VERSION_FIELD];
    return `W/"${typeof v === 'number' ? v : 0}"`;
}

/** Attributes that the Web API exposes as properties of the entity type. */
export function isExposed(attr: SimAttribute): boolean {
    return attr.validForRead !== false && !attr.attributeOf && !hasNoProperty(attr.type);
}

/** Which of the lookup and formatted-value annotations a request asked for. */
interface WantedAnnotations {
    formatted: boolean;
    navigation: boolean;
    logicalName: boolean;
}

export class RowSerializer {
    /** Values kept outside the row (note bodies as Base64, content/note-bodies.ts): asked for a column the row lacks. */
    contentValue: ((info: TableInfo, column: string, row: SimRow) => SimValue | undefined) | undefined;

    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
    ) {}

    /** `select`: attribute logical names (or `_x_value` names); undefined = every exposed attribute. */
    serialize(info: TableInfo, row: SimRow, select: string[] | undefined, annotations: string[] | undefined) {
        return this.forRows(info, select, annotations)(row);
    }

    /** A serializer for many rows of one query: the selected columns and wanted annotations are worked out once. */
    forRows(
        info: TableInfo,
        select: string[] | undefined,
        annotations: string[] | undefined,
    ): (row: SimRow) => Record<string, unknown> {
        const wanted = select ? this.selectedAttributes(info, select) : undefined;
        const attributes = info.table.attributes.filter(
            (attr) => isExposed(attr) && (!wanted || wanted.has(attr.logicalName) || attr.isPrimaryId),
        );
        const want: WantedAnnotations = {
            formatted: annotationRequested({ includeAnnotations: annotations }, FORMATTED),
            navigation: annotationRequested({ includeAnnotations: annotations }, NAVIGATION),
            logicalName: annotationRequested({ includeAnnotations: annotations }, LOGICAL_NAME),
        };
        return (row) => {
            const out: Record<string, unknown> = { '@odata.etag': etagOf(row) };
            for (const attr of attributes) {
                let value = row[attr.logicalName];
                if (value === undefined && this.contentValue) value = this.contentValue(info, attr.logicalName, row);
                this.writeAttribute(out, attr, value, want);
            }
            return out;
        };
    }

    private selectedAttributes(info: TableInfo, select: string[]): Set<string> {
        const names = new Set<string>();
        for (const name of select) {
            const m = /^_(.+)_value$/.exec(name);
            names.add(m && info.attributes.has(m[1]!) ? m[1]! : name);
        }
        // Selecting a money column also returns the currency lookup, as the service does.
        const hasMoney = [...names].some((n) => info.attributes.get(n)?.type === 'Money');
        if (hasMoney && info.attributes.has('transactioncurrencyid')) names.add('transactioncurrencyid');
        return names;
    }

    private writeAttribute(
        out: Record<string, unknown>,
        attr: SimAttribute,
        raw: SimValue | undefined,
        want: WantedAnnotations,
    ): void {
        if (isLookupType(attr.type)) {
            const prop = lookupValueProperty(attr.logicalName);
            const target = isLookupValue(raw) ? raw : undefined;
            // A lookup to a row that was deleted reads as empty (RemoveLink behaviour, applied lazily).
            const targetRow = target ? this.store.get(target.table, target.id) : undefined;
            if (!target || !targetRow) {
                out[prop] = null;
                return;
            }
            if (want.formatted) {
                const targetInfo = this.schema.table(target.table);
                const nameAttr = targetInfo?.table.primaryNameAttribute;
                const name = nameAttr ? targetRow[nameAttr] : undefined;
                if (typeof name === 'string') out[`${prop}@${FORMATTED}`] = name;
            }
            if (want.navigation) {
                const polymorphic = (attr.targets?.length ?? 0) > 1 && attr.type !== 'Owner';
                out[`${prop}@${NAVIGATION}`] = navigationName(attr, target.table, polymorphic);
            }
            if (want.logicalName) out[`${prop}@${LOGICAL_NAME}`] = target.table;
            out[prop] = target.id;
            return;
        }
        const value = raw === undefined ? null : raw;
        if (value !== null && want.formatted) {
            const formatted = formatValue(attr, value);
            if (formatted !== undefined) out[`${attr.logicalName}@${FORMATTED}`] = formatted;
        }
        out[attr.logicalName] = value;
    }
}

/** Formatted values as an en-US user sees them (time zone UTC). */
export function formatValue(attr: SimAttribute, value: SimValue): string | undefined {
    switch (attr.type) {
        case 'Picklist':
        case 'State':
        case 'Status':
            return attr.options?.find((o) => o.value === value)?.label;
        case 'MultiSelectPicklist':
            return (typeof value === 'string' ? value : '')
                .split(',')
                .map((v) => attr.options?.find((o) => o.value === Number(v))?.label ?? v)
                .join('; ');
        case 'Boolean': {
            const label = attr.options?.find((o) => o.value === (value ? 1 : 0))?.label;
            return label ?? (value ? 'Yes' : 'No');
        }
        case 'Money':
            return isNumeric(value) ? MONEY_FORMAT.format(numericText(value)) : undefined;
        case 'Integer':
        case 'BigInt':
        case 'Decimal':
        case 'Double':
            return isNumeric(value) ? NUMBER_FORMAT.format(numericText(value)) : undefined;
        case 'DateTime':
            return typeof value === 'string' ? formatDate(value) : undefined;
        default:
            return undefined;
    }
}

// Intl formats a decimal string exactly (Intl.NumberFormat v3), so exact values keep their digits.
const MONEY_FORMAT = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const NUMBER_FORMAT = new Intl.NumberFormat('en-US');

function isNumeric(value: SimValue): value is number | ExactNumber {
    return typeof value === 'number' || isExactNumber(value);
}

/** Intl's format takes a decimal string (`StringNumericLiteral`) where the type says number. */
function numericText(value: number | ExactNumber): number {
    return (typeof value === 'number' ? value : value.text) as unknown as number;
}

function formatDate(iso: string): string | undefined {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return undefined;
    const h = d.getUTCHours();
    const hour12 = h % 12 === 0 ? 12 : h % 12;
    const minutes = String(d.getUTCMinutes()).padStart(2, '0');
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hour12}:${minutes} ${h < 12 ? 'AM' : 'PM'}`;
}
