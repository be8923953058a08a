/**
 * The security configuration of one environment (`--security FILE`, `startSimulator({ security })`): who the callers
 * are and what their roles allow. Without it, or for a caller it does not list, the caller is an all-seeing System
 * Administrator, as every test before the security model assumed.
 *
 * Names follow Dataverse: a role's privileges per table are create, read, write, delete, append, appendto, assign and
 * share, each with a depth as RolePrivilege.Depth (PrivilegeDepth) names it: Basic (the user's own rows), Local (the
 * user's business unit), Deep (the unit and its child units), Global (the organization). The bypass privileges are
 * prvBypassCustomBusinessLogic (MSCRM.BypassBusinessLogicExecution) and prvBypassCustomPlugins
 * (MSCRM.BypassCustomPluginExecution), as "Bypass custom Dataverse logic" names them.
 */
import { z } from 'zod';
import { parseWithSchema, readJsonFile } from '../gate/config-file.js';

export const DEPTHS = ['Basic', 'Local', 'Deep', 'Global'] as const;
export type Depth = (typeof DEPTHS)[number];

export const ACCESS_KINDS = ['create', 'read', 'write', 'delete', 'append', 'appendto', 'assign', 'share'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

const depth = z.enum(DEPTHS);
const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

/** One table's privileges: each access kind the role grants, with its depth. */
const tablePrivilegesSchema = z.strictObject(
    Object.fromEntries(ACCESS_KINDS.map((kind) => [kind, depth.optional()])) as Record<
        AccessKind,
        z.ZodOptional<typeof depth>
    >,
);

const roleSchema = z.strictObject({
    /** Per table logical name; `*` applies to every table the role does not name. */
    tables: z.record(z.string().min(1), tablePrivilegesSchema).default({}),
    bypassCustomBusinessLogic: z.boolean().default(false),
    bypassCustomPlugins: z.boolean().default(false),
});

/** `table.column`, logical names. */
const columnKey = z.string().regex(/^[a-z0-9_]+\.[a-z0-9_]+$/, 'must be <table>.<column> (logical names)');

/** A secured column (IsSecured); with `maskedCharacter`, a masking rule that replaces each character of the value. */
const securedColumnSchema = z.strictObject({ maskedCharacter: z.string().length(1).optional() });

/** What a field security profile allows on one secured column (FieldPermission: CanRead, CanCreate, CanUpdate, CanReadUnmasked). */
const fieldPermissionSchema = z.strictObject({
    read: z.boolean().default(false),
    create: z.boolean().default(false),
    update: z.boolean().default(false),
    /** CanReadUnmasked: `none` (0), `one` (1: Retrieve only), `all` (3: Retrieve and RetrieveMultiple). */
    readUnmasked: z.enum(['none', 'one', 'all']).default('none'),
});

const identitySchema = z.strictObject({
    /** The caller as the gate knows it: the access token's `oid` claim, else the token string. */
    caller: z.string().min(1),
    /** The application user's systemuserid (default: derived from `caller`); an existing user's id reuses that row. */
    systemuserid: guid.optional(),
    /** The application (client) id of the app registration behind the application user. */
    applicationid: guid.optional(),
    fullname: z.string().min(1).optional(),
    isdisabled: z.boolean().default(false),
    /** Name or id of the user's business unit (default: the root unit). */
    businessUnit: z.string().min(1).optional(),
    /** Names of roles in `roles`, or `System Administrator` (every privilege at Global depth). */
    roles: z.array(z.string().min(1)).default([]),
    /** Names of `fieldSecurityProfiles` the user is a member of. */
    fieldSecurityProfiles: z.array(z.string().min(1)).default([]),
});

export const SYSTEM_ADMINISTRATOR = 'System Administrator';

export const securityConfigSchema = z
    .strictObject({
        identities: z.array(identitySchema).default([]),
        roles: z.record(z.string().min(1), roleSchema).default({}),
        /** Secured columns by `table.column`. */
        columns: z.record(columnKey, securedColumnSchema).default({}),
        fieldSecurityProfiles: z.record(z.string().min(1), z.record(columnKey, fieldPermissionSchema)).default({}),
    })
    .superRefine((config, ctx) => {
        for (const [profile, permissions] of Object.entries(config.fieldSecurityProfiles)) {
            for (const [column, permission] of Object.entries(permissions)) {
                const path = ['fieldSecurityProfiles', profile, column];
                if (!(column in config.columns)) {
                    ctx.addIssue({ code: 'custom', path, message: 'not a secured column (not in columns)' });
                } else if (permission.readUnmasked !== 'none' && !config.columns[column]!.maskedCharacter) {
                    // "If there isn't an AttributeMaskingRule for the column, you can't set any other value."
                    ctx.addIssue({
                        code: 'custom',
                        path: [...path, 'readUnmasked'],
                        message: 'needs a masking rule (columns.<column>.maskedCharacter)',
                    });
                }
            }
        }
        const callers = new Set<string>();
        config.identities.forEach((identity, i) => {
            if (callers.has(identity.caller)) {
                ctx.addIssue({ code: 'custom', path: ['identities', i, 'caller'], message: 'listed twice' });
            }
            callers.add(identity.caller);
            identity.fieldSecurityProfiles.forEach((profile, j) => {
                if (!(profile in config.fieldSecurityProfiles)) {
                    ctx.addIssue({
                        code: 'custom',
                        path: ['identities', i, 'fieldSecurityProfiles', j],
                        message: `no profile named '${profile}' in fieldSecurityProfiles`,
                    });
                }
            });
            identity.roles.forEach((role, j) => {
                if (role !== SYSTEM_ADMINISTRATOR && !(role in config.roles)) {
                    ctx.addIssue({
                        code: 'custom',
                        path: ['identities', i, 'roles', j],
                        message: `no role named '${role}' in roles (nor '${SYSTEM_ADMINISTRATOR}')`,
                    });
                }
            });
        });
    });

export type SecurityConfig = z.infer<typeof securityConfigSchema>;
export type SecurityConfigInput = z.input<typeof securityConfigSchema>;
export type IdentityConfig = SecurityConfig['identities'][number];
export type RoleConfig = SecurityConfig['roles'][string];
export type FieldPermissionConfig = SecurityConfig['fieldSecurityProfiles'][string][string];

export function parseSecurityConfig(value: unknown, source = 'security config'): SecurityConfig {
    return parseWithSchema(securityConfigSchema, value, source);
}

export function loadSecurityFile(path: string): SecurityConfig {
    return parseSecurityConfig(readJsonFile(path), `security config ${path}`);
}
