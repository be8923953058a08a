/**
 * What a simulated environment's customizations start with, and how its metadata writes behave
 * (`startSimulator({ customizations })`). Every environment has the Default solution and its publisher, prefix `new`
 * (create-update-entity-definitions-using-web-api.md: "Here the default value "new_" is used").
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const uniqueName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'letters, digits and _, beginning with a letter');

export const customizationsConfigSchema = z
    .object({
        /** Publishers besides the default one: their `customizationprefix` may begin schema names. */
        publishers: z
            .array(
                z
                    .object({
                        uniqueName,
                        /** Publisher.CustomizationPrefix: 2 to 8 lower-case letters or digits, beginning with a letter. */
                        prefix: z.string().regex(/^[a-z][a-z0-9]{1,7}$/, '2 to 8 lower-case letters or digits'),
                        /** Publisher.CustomizationOptionValuePrefix (10000-99999): choice values begin with it. */
                        optionValuePrefix: z.number().int().min(10000).max(99999).optional(),
                        friendlyName: z.string().optional(),
                    })
                    .strict(),
            )
            .default([]),
        /** Unmanaged solutions besides Default, each of a publisher (by unique name). */
        solutions: z
            .array(z.object({ uniqueName, publisher: z.string(), friendlyName: z.string().optional() }).strict())
            .default([]),
        /**
         * Metadata reads (any GET of EntityDefinitions, RelationshipDefinitions, GlobalOptionSetDefinitions) after which a
         * new alternate key's index job ends: the key reads Pending, then InProgress, then Active (or Failed over duplicate
         * values). 0: Active at once. Deterministic, so tests need no clock.
         */
        keyIndexReads: z.number().int().min(0).default(2),
        /**
         * Instead of reads: the index job ends this many milliseconds of environment time after it started (checked at
         * every request; `advanceClock` moves it on). Reads still move a Pending key to InProgress.
         */
        keyIndexDelayMs: z.number().int().min(0).optional(),
        /**
         * Customization lock contention: after every metadata write that succeeds, the next `refusalsAfterWrite`
         * metadata writes are refused with the lock error, as back-to-back writes are while the previous one still runs.
         */
        metadataLock: z
            .object({ refusalsAfterWrite: z.number().int().min(0) })
            .strict()
            .optional(),
    })
    .strict();

export type CustomizationsConfigInput = z.input<typeof customizationsConfigSchema>;
export type CustomizationsConfig = z.output<typeof customizationsConfigSchema>;

/** The configuration checked, with every problem and where it is in one Error. */
export function parseCustomizationsConfig(input: CustomizationsConfigInput | undefined): CustomizationsConfig {
    const result = customizationsConfigSchema.safeParse(input ?? {});
    if (!result.success) {
        const problems = result.error.issues.map((i) => `customizations.${i.path.join('.')}: ${i.message}`);
        throw new Error(`Invalid customizations configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    const config = result.data;
    const publishers = new Set(['DefaultPublisher', ...config.publishers.map((p) => p.uniqueName)]);
    const bad = config.solutions.filter((s) => !publishers.has(s.publisher));
    if (bad.length > 0)
        throw new Error(
            `Invalid customizations configuration:\n${bad.map((s) => `  - customizations.solutions (${s.uniqueName}).publisher: no publisher '${s.publisher}'`).join('\n')}`,
        );
    return config;
}

/** A `--customizations` file: JSON of the configuration above, checked (an Error naming the file and every problem). */
export function loadCustomizationsFile(path: string): CustomizationsConfigInput {
    let input: unknown;
    try {
        input = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
        throw new Error(`customizations file ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
        parseCustomizationsConfig(input as CustomizationsConfigInput);
    } catch (err) {
        throw new Error(`customizations file ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return input as CustomizationsConfigInput;
}
