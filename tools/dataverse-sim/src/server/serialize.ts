/**
 * Stored rows -> Web API JSON: `@odata.etag` first, lookups as `_x_value`, and the annotations the
 * client asked for with `Prefer: odata.include-annotations`, each placed just before its property.
 */
import type { SimAttribute, SimRow, SimValue } from '../model.js';
import { isLookupType, isLookupValue } from '../model.js';
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
    return attr.validForRead !== false && !attr.attributeOf && attr.type !== 'Virtual';
}

export class RowSerializer {
    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
    ) {}

    /** `select`: attribute logical names (or `_x_value` names); undefined = every exposed attribute. */
    serialize(info: TableInfo, row: SimRow, select: string[] | undefined, annotations: string[] | undefined) {
        const out: Record<string, unknown> = { '@odata.etag': etagOf(row) };
        const wanted = select ? this.selectedAttributes(info, select) : undefined;
        for (const attr of info.table.attributes) {
            if (!isExposed(attr)) continue;
            if (wanted && !wanted.has(attr.logicalName) && !attr.isPrimaryId) continue;
            this.writeAttribute(out, info, attr, row[attr.logicalName], annotations);
        }
        return out;
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
        info: TableInfo,
        attr: SimAttribute,
        raw: SimValue | undefined,
        annotations: string[] | undefined,
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
            if (want(annotations, FORMATTED)) {
                const targetInfo = this.schema.table(target.table);
                const nameAttr = targetInfo?.table.primaryNameAttribute;
                const name = nameAttr ? targetRow[nameAttr] : undefined;
                if (typeof name === 'string') out[`${prop}@${FORMATTED}`] = name;
            }
            if (want(annotations, NAVIGATION)) {
                const polymorphic = (attr.targets?.length ?? 0) > 1 && attr.type !== 'Owner';
                out[`${prop}@${NAVIGATION}`] = navigationName(attr, target.table, polymorphic);
            }
            if (want(annotations, LOGICAL_NAME)) out[`${prop}@${LOGICAL_NAME}`] = target.table;
            out[prop] = target.id;
            return;
        }
        const value = raw === undefined ? null : raw;
        if (value !== null && want(annotations, FORMATTED)) {
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
            return typeof value === 'number'
                ? value.toLocaleString('en-US', { style: 'currency', currency: 'USD' })
                : undefined;
        case 'Integer':
        case 'BigInt':
        case 'Decimal':
        case 'Double':
            return typeof value === 'number' ? value.toLocaleString('en-US') : undefined;
        case 'DateTime':
            return typeof value === 'string' ? formatDate(value) : undefined;
        default:
            return undefined;
    }
}

function formatDate(iso: string): string | undefined {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return undefined;
    const h = d.getUTCHours();
    const hour12 = h % 12 === 0 ? 12 : h % 12;
    const minutes = String(d.getUTCMinutes()).padStart(2, '0');
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hour12}:${minutes} ${h < 12 ? 'AM' : 'PM'}`;
}

function want(patterns: string[] | undefined, annotation: string): boolean {
    return annotationRequested({ includeAnnotations: patterns }, annotation);
}
