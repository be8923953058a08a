/**
 * Resolving entity references: key predicates in URLs (`accounts(<id>)`, `accounts(accountnumber='A1')`),
 * `@odata.bind` / `@odata.id` values (relative, absolute, or `$n` Content-ID references in a batch).
 */
import { ErrorCodes, SimError } from '../errors.js';
import type { SimAttribute, SimKey, SimRow, SimTable, SimValue } from '../model.js';
import { isLookupType } from '../model.js';
import type { KeyLiteral, KeyPredicate, LiteralKind } from './resource-path.js';
import { parseResourcePath } from './resource-path.js';
import type { SchemaIndex, TableInfo } from './schema-index.js';
import type { Store } from './store.js';

/** Where a key predicate points: a primary id, or the values of an Active alternate key. */
export interface KeyTarget {
    id?: string;
    keyValues?: SimRow;
}

/** Tables whose entity type derives from `principal`. */
const PRINCIPAL_TABLES = new Set(['systemuser', 'team']);

export function resolveKeyPredicate(info: TableInfo, key: KeyPredicate): KeyTarget {
    const { table } = info;
    if (key.single !== undefined) {
        if (typeof key.single !== 'string' || !/^[0-9a-f-]{36}$/.test(key.single)) throw invalidKey(table.logicalName);
        return { id: key.single };
    }
    const named = key.named ?? [];
    // systemuser and team inherit their key from `principal`, where it is named `ownerid`: the named form is
    // `systemusers(ownerid=<id>)`, and `systemusers(systemuserid=<id>)` is not a key (research §2.3).
    const keyName = PRINCIPAL_TABLES.has(table.logicalName) ? 'ownerid' : table.primaryIdAttribute;
    if (named.length === 1 && named[0]![0] === keyName) {
        const value = named[0]![1];
        if (typeof value !== 'string') throw invalidKey(table.logicalName);
        return { id: value };
    }
    if (named.some(([name]) => name === table.primaryIdAttribute)) throw invalidKey(table.logicalName);
    const values: SimRow = {};
    named.forEach(([rawName, value], i) => {
        const m = /^_(.+)_value$/.exec(rawName);
        const name = m ? m[1]! : rawName;
        const attr = info.attributes.get(name);
        // A lookup key part is named by its value property (`_primarycontactid_value=<id>`), never by the column
        // (use-alternate-key-reference-record; research §2.3); the column name is no key property.
        if (!attr || Boolean(m) !== isLookupType(attr.type)) throw invalidKey(table.logicalName);
        values[name] = keyPartValue(info, attr, value, key.kinds?.[i]);
    });
    if (!activeKeyOf(table, Object.keys(values))) throw invalidKey(table.logicalName);
    return { keyValues: values };
}

/**
 * Characters that break a key value in a URL: "If the data within a column used in an alternate key contains one of
 * the following characters `/`,`<`,`>`,`*`,`%`,`&`,`:`,`\\`,`?`,`+`, then retrieve (`GET`), update, or upsert
 * (`PATCH`) actions don't work" (PD: define-alternate-keys-entity.md "Unicode characters in key value"). Percent-encoding
 * does not help (MicrosoftDocs/powerapps-docs#117: `'abc%2Fdef'` still fails); the service answers "Bad Request - Error in
 * query syntax." (an `@odata.bind` with `/` in a key value, quoted in a public write-up of the limitation).
 */
export const UNSAFE_KEY_CHARACTERS = /[/<>*%&:\\?+]/;

function unsafeKeyValue(): SimError {
    return new SimError(400, ErrorCodes.ODataParse, 'Bad Request - Error in query syntax.');
}

/**
 * A key part's value checked against its column's type: strings quoted (and free of the characters above),
 * DateTime as an unquoted DateTimeOffset literal, lookups as a GUID, numbers and choices bare. A literal of
 * another kind does not match the key property's type, so the key is not valid [inferred: OData key binding].
 */
function keyPartValue(info: TableInfo, attr: SimAttribute, value: KeyLiteral, kind: LiteralKind | undefined): SimValue {
    const logicalName = info.table.logicalName;
    if (value === null) throw invalidKey(logicalName);
    if (isLookupType(attr.type)) {
        if (kind !== 'guid' || typeof value !== 'string') throw invalidKey(logicalName);
        const targets = attr.targets ?? [];
        return targets.length === 1 ? { id: value, table: targets[0]! } : value;
    }
    switch (attr.type) {
        case 'String':
        case 'Memo':
            if (kind !== 'string' || typeof value !== 'string') throw invalidKey(logicalName);
            if (UNSAFE_KEY_CHARACTERS.test(value)) throw unsafeKeyValue();
            return value;
        case 'DateTime':
            if (kind !== 'date' || typeof value !== 'string') throw invalidKey(logicalName);
            return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
        case 'Integer':
        case 'BigInt':
        case 'Decimal':
        case 'Double':
        case 'Money':
        case 'Picklist':
        case 'State':
        case 'Status':
            if (kind !== 'number') throw invalidKey(logicalName);
            return value;
        default:
            return value;
    }
}

/** The table's Active alternate key made of exactly these columns (in any order). */
function activeKeyOf(table: SimTable, columns: string[]): SimKey | undefined {
    const wanted = [...columns].sort().join(',');
    return (table.keys ?? []).find(
        (k) => (k.status ?? 'Active') === 'Active' && [...k.keyAttributes].sort().join(',') === wanted,
    );
}

export function invalidKey(logicalName: string): SimError {
    const type = `Microsoft.Dynamics.CRM.${logicalName}`;
    return new SimError(
        400,
        ErrorCodes.ODataParse,
        `The key in the request URI is not valid for resource '${type}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource '${type}'.`,
    );
}

export function notFoundById(logicalName: string, id: string): SimError {
    return new SimError(404, ErrorCodes.ObjectDoesNotExist, `${logicalName} With Id = ${id} Does Not Exist`);
}

export function notFoundByKey(logicalName: string): SimError {
    return new SimError(
        404,
        '0x80060891',
        `A record with the specified key values does not exist in ${logicalName} entity`,
    );
}

/** The existing row's id for a key target, or undefined. */
export function findRowId(store: Store, info: TableInfo, target: KeyTarget): string | undefined {
    if (target.id !== undefined) return store.get(info.table.logicalName, target.id) ? target.id : undefined;
    const key = activeKeyOf(info.table, Object.keys(target.keyValues ?? {}));
    return key ? store.findByKey(info.table.logicalName, key, target.keyValues ?? {}) : undefined;
}

/** The service's 404 for a key target that matches no row. */
export function targetNotFound(info: TableInfo, target: KeyTarget): SimError {
    return target.id !== undefined
        ? notFoundById(info.table.logicalName, target.id)
        : notFoundByKey(info.table.logicalName);
}

/** The existing row's id for a key target, or the service's 404. */
export function existingRowId(store: Store, info: TableInfo, target: KeyTarget): string {
    const id = findRowId(store, info, target);
    if (id === undefined) throw targetNotFound(info, target);
    return id;
}

/** The entity URL that a `$n` Content-ID reference stands for inside a batch change set. */
export function contentIdUrl(contentIds: Map<string, string> | undefined, contentId: string): string {
    const url = contentIds?.get(contentId);
    if (!url) {
        throw new SimError(
            400,
            ErrorCodes.ODataParse,
            `Content-ID Reference: '$${contentId}' does not exist in the batch context.`,
        );
    }
    return url;
}

/** `/api/data/v9.2/contacts(<id>)`, `https://host/api/data/v9.2/contacts(<id>)`, `contacts(<id>)` -> path. */
export function entityPathOf(reference: string): string {
    const m = /\/api\/data\/v9\.[0-2]\/(.*)$/.exec(reference);
    const rest = m ? m[1]! : reference.replace(/^\//, '');
    return rest.split('?')[0]!;
}

export interface EntityReference {
    info: TableInfo;
    target: KeyTarget;
}

/**
 * Parses a reference to one row. `contentIds` maps `$n` to the entity URL a batch part created.
 */
export function parseEntityReference(
    schema: SchemaIndex,
    reference: string,
    contentIds: Map<string, string> | undefined,
): EntityReference {
    const m = /^\$([A-Za-z0-9_.-]+)$/.exec(reference);
    const ref = m ? contentIdUrl(contentIds, m[1]!) : reference;
    const segments = parseResourcePath(entityPathOf(ref));
    const first = segments[0];
    const info = first ? schema.byEntitySet.get(first.name) : undefined;
    if (segments.length !== 1 || !first?.key || !info) {
        throw new SimError(
            400,
            ErrorCodes.ODataParse,
            `The URI '${reference}' is not valid because it is not based on the service root.`,
        );
    }
    return { info, target: resolveKeyPredicate(info, first.key) };
}
