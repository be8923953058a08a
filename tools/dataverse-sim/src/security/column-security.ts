/**
 * Column-level security ("Column-level security by using code", powerapps-docs column-level-security.md): a secured
 * column (AttributeMetadata.IsSecured) can be read or set only by a System Administrator or through a field security
 * profile whose field permission allows it (CanRead, CanCreate, CanUpdate: 0 Not Allowed, 4 Allowed). A caller that
 * may not read it gets no data: the value reads as null ("The calling application can't distinguish between a value
 * that is secured and a value that is null"). A column with a masking rule reads masked for everyone, a System
 * Administrator too, unless the request asks `UnMaskedData=true` and the permission's CanReadUnmasked allows it (1: a
 * Retrieve of one row, 3: Retrieve and RetrieveMultiple). [inferred] The simulator's masking rule replaces every
 * character of a string value with the masked character; real rules mask what a regular expression matches.
 *
 * Writes without the permission are refused with the Web service error codes list's AttributePrivilegeCreateIsMissing
 * (0x8004F502) and AttributePermissionUpdateIsMissingDuringUpdate (0x8004F507), with the list's texts; [inferred] the
 * status 403, as for the other privilege refusals.
 */
import { SimError } from '../errors.js';
import type { SimAttribute, SimRow, SimTable } from '../model.js';
import type { SchemaIndex } from '../server/schema-index.js';
import type { FieldPermissionConfig, IdentityConfig, SecurityConfig } from './config.js';

export const ColumnSecurityErrorCodes = {
    AttributePrivilegeCreateIsMissing: '0x8004F502',
    AttributePermissionUpdateIsMissingDuringUpdate: '0x8004F507',
} as const;

/** FieldPermission choice values (field_security_permission_type, field_security_permission_readunmasked). */
const ALLOWED = 4;
const NOT_ALLOWED = 0;
const UNMASKED = { none: 0, one: 1, all: 3 } as const;

const FULL: FieldPermissionConfig = { read: true, create: true, update: true, readUnmasked: 'all' };

export interface AttributePrivilege {
    AttributeId: string;
    CanCreate: number;
    CanRead: number;
    CanReadUnMasked: number;
    CanUpdate: number;
}

/** How a read is made: one row by id (Retrieve) or a collection (RetrieveMultiple); whether it asks UnMaskedData. */
export interface ReadMode {
    single: boolean;
    unmask: boolean;
}

/** The column security of one caller. */
export class CallerColumns {
    constructor(
        private readonly security: ColumnSecurity,
        /** Permissions per `table.column`; undefined: a System Administrator, who may do everything. */
        private readonly permissions: ReadonlyMap<string, FieldPermissionConfig> | undefined,
    ) {}

    private permission(table: SimTable, column: string): FieldPermissionConfig {
        if (!this.permissions) return FULL;
        return (
            this.permissions.get(`${table.logicalName}.${column}`) ?? {
                read: false,
                create: false,
                update: false,
                readUnmasked: 'none',
            }
        );
    }

    /** The row as this caller reads it: secured values it may not read are null, masked values masked. */
    view(table: SimTable, row: SimRow, mode: ReadMode): SimRow {
        const secured = this.security.securedOf(table.logicalName);
        if (!secured) return row;
        let out: SimRow | undefined;
        for (const [column, masked] of secured) {
            const value = row[column];
            if (value === null || value === undefined) continue;
            const permission = this.permission(table, column);
            let shown: SimRow[string] = value;
            if (!permission.read) shown = null;
            else if (masked !== undefined && !unmasked(permission, mode)) shown = mask(value, masked);
            if (shown !== value) {
                out ??= { ...row };
                out[column] = shown;
            }
        }
        return out ?? row;
    }

    /** Refuses a create or update that sets a secured column this caller may not set. */
    checkWrite(table: SimTable, changes: SimRow, mode: 'create' | 'update'): void {
        const secured = this.security.securedOf(table.logicalName);
        if (!secured) return;
        for (const column of secured.keys()) {
            if (!(column in changes)) continue;
            const permission = this.permission(table, column);
            if (mode === 'create' && !permission.create) {
                throw new SimError(
                    403,
                    ColumnSecurityErrorCodes.AttributePrivilegeCreateIsMissing,
                    'The user does not have create permissions to a secured field. The requested operation could not be completed.',
                );
            }
            if (mode === 'update' && !permission.update) {
                throw new SimError(
                    403,
                    ColumnSecurityErrorCodes.AttributePermissionUpdateIsMissingDuringUpdate,
                    "The user doesn't have AttributePrivilegeUpdate and not granted shared access for a secured attribute during update operation",
                );
            }
        }
    }

    /** RetrievePrincipalAttributePrivileges: one AttributePrivilege per secured column the caller holds a permission on. */
    attributePrivileges(): AttributePrivilege[] {
        const out: AttributePrivilege[] = [];
        for (const { table, attribute, key } of this.security.securedColumns()) {
            if (this.permissions && !this.permissions.has(key)) continue;
            const p = this.permission(table, attribute.logicalName);
            out.push({
                AttributeId: this.security.attributeId(table, attribute),
                CanCreate: p.create ? ALLOWED : NOT_ALLOWED,
                CanRead: p.read ? ALLOWED : NOT_ALLOWED,
                CanReadUnMasked: UNMASKED[p.readUnmasked],
                CanUpdate: p.update ? ALLOWED : NOT_ALLOWED,
            });
        }
        return out;
    }
}

/** The secured columns of an environment, with their masking rules. */
export class ColumnSecurity {
    /** table -> column -> masked character (undefined: no masking rule). */
    private readonly secured = new Map<string, Map<string, string | undefined>>();

    constructor(
        private readonly schema: SchemaIndex,
        private readonly config: SecurityConfig | undefined,
        private readonly attributeIdOf: (table: SimTable, attribute: SimAttribute) => string,
    ) {
        const problems: string[] = [];
        for (const [key, rule] of Object.entries(config?.columns ?? {})) {
            const [tableName, columnName] = key.split('.') as [string, string];
            const info = schema.table(tableName);
            const attribute = info?.attributes.get(columnName);
            if (!info || !attribute) {
                problems.push(`  - columns.${key}: no column '${columnName}' on a table '${tableName}' in the schema`);
                continue;
            }
            if (rule.maskedCharacter !== undefined && attribute.type !== 'String' && attribute.type !== 'Memo') {
                problems.push(`  - columns.${key}.maskedCharacter: the simulator masks text columns only`);
                continue;
            }
            attribute.isSecured = true;
            const columns = this.secured.get(tableName) ?? new Map<string, string | undefined>();
            columns.set(columnName, rule.maskedCharacter);
            this.secured.set(tableName, columns);
        }
        if (problems.length > 0) throw new Error(`Invalid security config:\n${problems.join('\n')}`);
    }

    /** Whether any column is secured (callers of an environment without any need no column view). */
    get any(): boolean {
        return this.secured.size > 0;
    }

    securedOf(table: string): ReadonlyMap<string, string | undefined> | undefined {
        return this.secured.get(table);
    }

    *securedColumns(): Generator<{ table: SimTable; attribute: SimAttribute; key: string }> {
        for (const [tableName, columns] of this.secured) {
            const info = this.schema.table(tableName)!;
            for (const column of columns.keys()) {
                yield { table: info.table, attribute: info.attributes.get(column)!, key: `${tableName}.${column}` };
            }
        }
    }

    attributeId(table: SimTable, attribute: SimAttribute): string {
        return this.attributeIdOf(table, attribute);
    }

    /** The column security of an identity (its profiles' permissions, the most permissive wins), or of an admin. */
    forIdentity(identity: IdentityConfig | undefined): CallerColumns {
        if (!identity) return new CallerColumns(this, undefined);
        const permissions = new Map<string, FieldPermissionConfig>();
        for (const name of identity.fieldSecurityProfiles) {
            for (const [column, p] of Object.entries(this.config?.fieldSecurityProfiles[name] ?? {})) {
                const held = permissions.get(column);
                permissions.set(column, held ? merge(held, p) : p);
            }
        }
        return new CallerColumns(this, permissions);
    }
}

function merge(a: FieldPermissionConfig, b: FieldPermissionConfig): FieldPermissionConfig {
    const rank = (v: FieldPermissionConfig['readUnmasked']) => UNMASKED[v];
    return {
        read: a.read || b.read,
        create: a.create || b.create,
        update: a.update || b.update,
        readUnmasked: rank(a.readUnmasked) >= rank(b.readUnmasked) ? a.readUnmasked : b.readUnmasked,
    };
}

function unmasked(permission: FieldPermissionConfig, mode: ReadMode): boolean {
    if (!mode.unmask) return false;
    return permission.readUnmasked === 'all' || (permission.readUnmasked === 'one' && mode.single);
}

function mask(value: SimRow[string], character: string): SimRow[string] {
    return typeof value === 'string' ? character.repeat([...value].length) : value;
}
