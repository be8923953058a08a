/**
 * The migration spec: what to copy, from where to where, and how. Validated with zod; unknown
 * keys are errors. Cross-field rules (duplicates, renames, loopback-only credentials) live in
 * validate.ts so that they are reported together with the shape problems.
 */
import { z } from 'zod';
import type { CredentialSpec as ClientCredentialSpec } from '../dataverse/credentials.js';
import { isLoopbackHost, isLoopbackUrl } from '../util/url.js';
import { SPEC_DEFAULTS } from './defaults.js';
import { maskingSchema } from './masking.js';
import { ncrontabProblems, neverFiresProblem } from './ncrontab.js';
import { subsetSchema } from './subset.js';

/** Logical names of Dataverse tables and columns are lower case. */
const logicalName = z
    .string({ error: 'expected a string' })
    .regex(/^[a-z_][a-z0-9_]*$/, { error: 'expected a Dataverse logical name (lower case letters, digits, _)' });

/**
 * A setting NAME (environment variable or app setting), never the secret itself. Entra client
 * secrets contain characters such as `~` and `.`, which setting names cannot.
 */
const settingName = z
    .string({ error: 'expected the name of an environment variable or app setting' })
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
        error: 'must be the NAME of an environment variable or app setting that holds the value (e.g. DATAVERSE_SOURCE_SECRET), not the value itself',
    })
    .max(128);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A DNS name of two labels or more (`contoso.onmicrosoft.com`), as Entra ID takes a tenant by its domain. */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** An Entra ID tenant: checked here so a placeholder such as `<tenant id>` is a problem at its path. */
const tenantId = z
    .string({ error: 'expected the tenant id' })
    .refine((value) => GUID.test(value) || DOMAIN.test(value), {
        error: 'expected the tenant id: a GUID (00000000-0000-0000-0000-000000000000) or a domain name (contoso.onmicrosoft.com)',
    });

const guidOrDomain = z.string().min(1);

/** A GUID where nothing else is accepted (client ids of app registrations and managed identities). */
const guid = (what: string) =>
    z.string({ error: `expected ${what} (a GUID)` }).regex(GUID, { error: `expected ${what} (a GUID)` });

export const credentialSchema = z.discriminatedUnion(
    'type',
    [
        z.strictObject({ type: z.literal('default') }),
        z.strictObject({ type: z.literal('managedIdentity'), clientId: guidOrDomain.optional() }),
        z.strictObject({
            type: z.literal('clientSecret'),
            tenantId,
            clientId: guidOrDomain,
            secretSetting: settingName,
        }),
        z.strictObject({
            type: z.literal('clientCertificate'),
            tenantId,
            clientId: guidOrDomain,
            certificatePathSetting: settingName,
            certificatePasswordSetting: settingName.optional(),
        }),
        z.strictObject({
            type: z.literal('federatedManagedIdentity'),
            tenantId,
            clientId: guid('the client id of the multi-tenant app registration'),
            managedIdentityClientId: guid('the client id of the user-assigned managed identity the app trusts'),
        }),
        z.strictObject({ type: z.literal('none') }),
        z.strictObject({
            type: z.literal('loopbackUser'),
            oid: guid("the simulator user id (the token's oid claim)"),
        }),
    ],
    {
        error: 'expected credential type default, managedIdentity, clientSecret, clientCertificate, federatedManagedIdentity, none or loopbackUser',
    },
);

/** Exactly the client's credential type: a compile error here means the schema and the client drifted apart. */
type Exact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const _credentialSchemaMatchesClient: Exact<z.output<typeof credentialSchema>, ClientCredentialSpec> = true;

const environmentUrl = z
    .string({ error: 'expected the environment URL, e.g. https://contoso.crm.dynamics.com' })
    .superRefine((value, ctx) => {
        let url: URL;
        try {
            url = new URL(value);
        } catch {
            ctx.addIssue({ code: 'custom', message: `'${value}' is not a URL` });
            return;
        }
        if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
            ctx.addIssue({
                code: 'custom',
                message: `plain http is only allowed for loopback addresses; use https://${url.host}`,
            });
        } else if (url.protocol !== 'http:' && url.protocol !== 'https:') {
            ctx.addIssue({ code: 'custom', message: `unsupported protocol '${url.protocol}', expected https` });
        }
        if (url.pathname !== '/' || url.search || url.hash) {
            ctx.addIssue({
                code: 'custom',
                message: `give the environment root only (${url.origin}), without a path such as /api/data/v9.2`,
            });
        }
    });

/** Identities of one environment at most: 16 users' limits are far more than one run's writers can use. */
export const MAX_IDENTITIES = 16;

/**
 * Without a credential: no token for a loopback simulator, DefaultAzureCredential otherwise. `additionalCredentials`
 * are further application users of the same environment: requests are spread across `credential` and them, each
 * with its own service protection limits (src/dataverse/identity-pool.ts).
 */
export const environmentSchema = z
    .strictObject({
        url: environmentUrl,
        credential: credentialSchema.optional(),
        additionalCredentials: z
            .array(credentialSchema, { error: 'expected a list of credentials' })
            .min(1, { error: 'list at least one credential, or leave additionalCredentials out' })
            .max(MAX_IDENTITIES - 1, { error: `at most ${MAX_IDENTITIES - 1} (${MAX_IDENTITIES} identities in all)` })
            .optional(),
    })
    .transform(({ url, credential, additionalCredentials }) => ({
        url,
        credential: credential ?? (isLoopbackUrl(url) ? { type: 'none' as const } : { type: 'default' as const }),
        ...(additionalCredentials ? { additionalCredentials } : {}),
    }));

const bypassSchema = z.strictObject({
    /** MSCRM.BypassBusinessLogicExecution values. */
    businessLogic: z.array(z.enum(['CustomSync', 'CustomAsync'])).optional(),
    /** MSCRM.SuppressCallbackRegistrationExpanderJob: do not trigger Power Automate flows. */
    powerAutomateFlows: z.boolean().optional(),
});

export const tableSpecSchema = z.strictObject({
    name: logicalName,
    targetName: logicalName.optional(),
    columns: z
        .array(logicalName)
        .min(1, { error: 'list at least one column, or omit columns for automatic mapping' })
        .optional(),
    rename: z.record(logicalName, logicalName).optional(),
    filter: z.string().min(1).optional(),
    /** `id` (the preserved primary key) or the logical name of an alternate key of the target table. */
    match: z.union([z.literal('id'), logicalName]).default(SPEC_DEFAULTS.match),
    deleteMissing: z.boolean().default(SPEC_DEFAULTS.deleteMissing),
    /** Per choice column: source option value -> target option value. */
    valueMap: z
        .record(
            logicalName,
            z.record(z.string().regex(/^-?\d+$/, { error: 'expected an option value' }), z.number().int()),
        )
        .optional(),
    bypass: bypassSchema.optional(),
    /**
     * Target columns the target's own logic sets (plug-ins, calculations, autonumbers): never written nor compared.
     * Runs also find them by themselves, after a write the target changed (src/copy/rewritten-columns.ts).
     */
    platformOwned: z.array(logicalName).min(1, { error: 'list at least one column, or omit platformOwned' }).optional(),
    /**
     * `existing`: the target has the table and its columns (a missing one is a plan problem). `new`: what the target
     * lacks (the table, mapped columns, the lookups' relationships, the key `match` names) is created from the source's
     * metadata before the rows are loaded ("Load to new table" of the documented dataflow).
     */
    load: z.enum(['existing', 'new'], { error: "expected 'existing' or 'new'" }).default(SPEC_DEFAULTS.load),
});

const referenceRuleSchema = z.strictObject({
    matchOn: z.array(logicalName).min(1),
    /** Natural-key value of the row to use when no match is found. */
    fallback: z.string().min(1).optional(),
});

/**
 * A many-to-many relationship by schema name (or, as CMT names it, its intersect table), or with options:
 * `deleteMissing` disassociates the target pairs of copied rows that the source no longer has.
 */
export const relationshipSpecSchema = z.union([
    z.string().min(1),
    z.strictObject({
        name: z.string().min(1),
        deleteMissing: z.boolean().default(SPEC_DEFAULTS.deleteMissing),
    }),
]);

/** A relationship entry of a spec with its options, whichever form it was written in. */
export function relationshipEntry(entry: z.output<typeof relationshipSpecSchema>): {
    name: string;
    deleteMissing: boolean;
} {
    return typeof entry === 'string' ? { name: entry, deleteMissing: SPEC_DEFAULTS.deleteMissing } : entry;
}

export const referencesSchema = z
    .object({
        /** Owner used when a row's owner has no match in the target (domainname or email of a user). */
        fallbackOwner: z.string().min(1).optional(),
    })
    .catchall(referenceRuleSchema);

export const optionsSchema = z
    .strictObject({
        pageSize: z
            .number()
            .int()
            .min(1)
            .max(5000, { error: 'Dataverse returns at most 5000 rows a page' })
            .default(SPEC_DEFAULTS.pageSize),
        writeBatchSize: z
            .number()
            .int()
            .min(1)
            .max(1000, { error: 'a Dataverse batch holds at most 1000 operations' })
            .default(SPEC_DEFAULTS.writeBatchSize),
        maxConcurrency: z.number().int().min(1).max(256).default(SPEC_DEFAULTS.maxConcurrency),
        maxFailedRows: z.number().int().min(0).optional(),
        maxFailureRatio: z.number().min(0).max(1).optional(),
        /**
         * Requests the run may send to each environment (the source and the target counted apart): the plan refuses a
         * run whose estimate passes it, and a run stops at the first tier or phase boundary past it.
         */
        maxRequests: z.number().int().min(1).optional(),
        /** A run stops before deleting when deleteMissing would remove more than this share of a target table. */
        maxDeleteShare: z.number().min(0).max(1).default(SPEC_DEFAULTS.maxDeleteShare),
        /** How long requests wait out an environment that refuses connections or answers 503, before failing. */
        outageBudgetSeconds: z
            .number()
            .min(0)
            .max(86_400, { error: 'at most a day (86400 seconds)' })
            .default(SPEC_DEFAULTS.outageBudgetSeconds),
        schedule: z
            .string()
            .superRefine((value, ctx) => {
                for (const problem of ncrontabProblems(value))
                    ctx.addIssue({ code: 'custom', message: `invalid NCRONTAB schedule: ${problem}` });
                // A stored spec with a schedule that never fires would wait forever, silently.
                const never = neverFiresProblem(value);
                if (never !== undefined) ctx.addIssue({ code: 'custom', message: never });
            })
            .optional(),
        incremental: z.boolean().default(SPEC_DEFAULTS.incremental),
        /** Tables without change tracking: how far before the last watermark a refresh reads again. */
        watermarkLagMinutes: z
            .number()
            .int()
            .min(0)
            .max(10_080, { error: 'at most a week (10080 minutes)' })
            .default(SPEC_DEFAULTS.watermarkLagMinutes),
        /** Page activities one orchestration history holds at most (absent: the default, applied by the plan). */
        pagesPerOrchestration: z
            .number()
            .int()
            .min(1)
            .max(SPEC_DEFAULTS.pagesPerOrchestration, {
                error: `at most ${SPEC_DEFAULTS.pagesPerOrchestration}: every episode replays an orchestration's whole history`,
            })
            .optional(),
        /** Source and target may be the same environment (e.g. one table into another); refused otherwise. */
        allowSameEnvironment: z.boolean().optional(),
        /**
         * The unique name of the target solution that tables and columns created for `load: "new"` join, sent as the
         * `MSCRM.SolutionUniqueName` header (create-update-entity-definitions-using-web-api.md). Absent: the target's
         * default solution. Solution unique names take letters, digits and _, not starting with a digit.
         */
        solutionUniqueName: z
            .string({ error: 'expected the unique name of a solution in the target' })
            .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
                error: 'expected a solution unique name (letters, digits, _; not starting with a digit), not its display name',
            })
            .max(65, { error: 'a solution unique name has at most 65 characters' })
            .optional(),
    })
    .default({
        pageSize: SPEC_DEFAULTS.pageSize,
        writeBatchSize: SPEC_DEFAULTS.writeBatchSize,
        maxConcurrency: SPEC_DEFAULTS.maxConcurrency,
        incremental: SPEC_DEFAULTS.incremental,
        maxDeleteShare: SPEC_DEFAULTS.maxDeleteShare,
        outageBudgetSeconds: SPEC_DEFAULTS.outageBudgetSeconds,
        watermarkLagMinutes: SPEC_DEFAULTS.watermarkLagMinutes,
    });

/** A spec's name: it names the spec's runs, its stored copy and its incremental state. */
export const specNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
    error: 'expected 1-63 letters, digits, ., _ or -, starting with a letter or digit',
});

/** Something to migrate: a table to copy, or a many-to-many relationship (whose sides may all be matched tables). */
function hasWork(doc: { tables?: unknown; manyToMany?: unknown }): boolean {
    const listed = (value: unknown) => Array.isArray(value) && value.length > 0;
    return listed(doc.tables) || listed(doc.manyToMany);
}

export const migrationSpecSchema = z
    .strictObject({
        $schema: z.string().optional(),
        name: specNameSchema,
        source: environmentSchema,
        target: environmentSchema,
        /** May be empty when manyToMany lists relationships between matched tables (users and security roles). */
        tables: z.array(tableSpecSchema),
        manyToMany: z.array(relationshipSpecSchema).default([]),
        references: referencesSchema.default({}),
        onUnresolvedLookup: z.enum(['clear', 'fail']).default(SPEC_DEFAULTS.onUnresolvedLookup),
        options: optionsSchema,
        /** Personal data replaced while the source is read (spec/masking.ts, src/masking). */
        masking: maskingSchema.optional(),
        /** Copy a consistent slice of the tables instead of every row (spec/subset.ts). */
        subset: subsetSchema.optional(),
    })
    .refine(hasWork, {
        path: ['tables'],
        error: 'list at least one table, or a many-to-many relationship in manyToMany',
        // Checked even when other parts of the spec have problems, so that every problem is reported at once.
        when: (payload) =>
            typeof payload.value === 'object' &&
            payload.value !== null &&
            Array.isArray((payload.value as { tables?: unknown }).tables),
    });

export type MigrationSpec = z.output<typeof migrationSpecSchema>;
export type MigrationSpecInput = z.input<typeof migrationSpecSchema>;
export type EnvironmentSpec = z.output<typeof environmentSchema>;
export type CredentialSpec = ClientCredentialSpec;
export type TableSpec = z.output<typeof tableSpecSchema>;
export type ReferenceRule = z.output<typeof referenceRuleSchema>;
export type SpecOptions = z.output<typeof optionsSchema>;
