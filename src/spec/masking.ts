/**
 * The spec's `masking` section: per source table and column, the rule that replaces a personal value before anything
 * is written or logged (src/masking). The salt that makes the masks unguessable is named by a setting, never held.
 * Its own module and top-level key, so it composes with the rest of the spec without touching the table schema.
 */
import { z } from 'zod';

const logicalName = z
    .string({ error: 'expected a string' })
    .regex(/^[a-z_][a-z0-9_]*$/, { error: 'expected a Dataverse logical name (lower case letters, digits, _)' });

/** The kinds of consistent fake value a `fake` rule makes (src/masking/fake-values.ts). */
export const FAKE_KINDS = [
    'name',
    'firstName',
    'lastName',
    'email',
    'phone',
    'addressLine',
    'city',
    'postcode',
    'company',
    'text',
] as const;
export type FakeKind = (typeof FAKE_KINDS)[number];

const days = z.number().int({ error: 'expected a whole number of days' }).min(-36_500).max(36_500);

export const maskRuleSchema = z.discriminatedUnion(
    'rule',
    [
        z.strictObject({
            rule: z.literal('fake'),
            kind: z.enum(FAKE_KINDS, { error: `expected one of ${FAKE_KINDS.join(', ')}` }),
            /** Adds 64 bits of the HMAC to the fake value, so different sources never share one (alternate keys). */
            unique: z.boolean().optional(),
        }),
        z.strictObject({ rule: z.literal('fixed'), value: z.union([z.string(), z.number(), z.boolean()]) }),
        z.strictObject({ rule: z.literal('null') }),
        /** Hex of the HMAC-SHA-256 of the value, `length` characters (default 32, that is 128 bits). */
        z.strictObject({ rule: z.literal('hash'), length: z.number().int().min(16).max(64).optional() }),
        z
            .strictObject({ rule: z.literal('dateShift'), minDays: days, maxDays: days })
            .refine((r) => r.minDays <= r.maxDays, { error: 'minDays must not exceed maxDays', path: ['minDays'] }),
        z
            .strictObject({
                rule: z.literal('numberRange'),
                min: z.number(),
                max: z.number(),
                /** Decimal places of the masked number (default 0: whole numbers). */
                decimals: z.number().int().min(0).max(10).optional(),
            })
            .refine((r) => r.min <= r.max, { error: 'min must not exceed max', path: ['min'] }),
    ],
    { error: 'expected a masking rule: fake, fixed, null, hash, dateShift or numberRange' },
);

export const maskingSchema = z.strictObject({
    /** The NAME of the environment variable or app setting that holds the salt (at least 16 characters). */
    saltSetting: z
        .string({ error: 'expected the name of an environment variable or app setting' })
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
            error: 'must be the NAME of an environment variable or app setting that holds the salt (e.g. MASKING_SALT), not the salt itself',
        })
        .max(128),
    /** Columns of personal data types left unmasked are plan problems instead of warnings. */
    requireAll: z.boolean().default(false),
    /** Source table -> source column -> rule. */
    tables: z.record(logicalName, z.record(logicalName, maskRuleSchema)),
});

export type MaskRule = z.output<typeof maskRuleSchema>;
export type MaskingSpec = z.output<typeof maskingSchema>;

/** Masked tables the spec does not copy: a rule there would protect nothing, so it is a mistake worth naming. */
export function maskingTableProblems(doc: Record<string, unknown>): Array<{ path: string; message: string }> {
    const masking = doc.masking;
    if (typeof masking !== 'object' || masking === null) return [];
    const tables = (masking as { tables?: unknown }).tables;
    if (typeof tables !== 'object' || tables === null || !Array.isArray(doc.tables)) return [];
    const copied = new Set(
        doc.tables.flatMap((t: unknown) =>
            typeof t === 'object' && t !== null && typeof (t as { name?: unknown }).name === 'string'
                ? [(t as { name: string }).name]
                : [],
        ),
    );
    return Object.keys(tables)
        .filter((name) => !copied.has(name))
        .map((name) => ({
            path: `masking.tables.${name}`,
            message: `masks table '${name}', which is not in tables (rules name source tables)`,
        }));
}
