/**
 * How an environment compares strings, so the engine and the service agree on which key values name one row.
 *
 * Documented (power-platform admin/language-collations.md): the collation of the SQL database is chosen from the base
 * language when the environment is created and "can't be changed"; "All languages have case insensitive enabled"
 * ("Cafe" and "cafe" are one word); some languages are accent sensitive (`_AS`: "cafe" and "café" differ), the others
 * accent insensitive (`_AI`). English (1033) is `_CI_AI`; the accent-sensitive languages are listed below. The base
 * language is the organization's `languagecode`.
 *
 * Inferred: trailing spaces are ignored and leading ones kept, as SQL Server pads strings with spaces before `=`
 * (ANSI SQL-92; T-SQL "String comparison"); no Dataverse page says so.
 */
import type { DataverseClient } from './client-types.js';

export type Collation = 'CI_AI' | 'CI_AS';

/** What a run assumes when it cannot ask: the collation of English and most languages. */
export const DEFAULT_COLLATION: Collation = 'CI_AI';

/** The base languages (LCIDs) language-collations.md lists as `_CI_AS`; every other language there is `_CI_AI`. */
const ACCENT_SENSITIVE_LANGUAGES: ReadonlySet<number> = new Set([
    1035, 1048, 1050, 1051, 1053, 1054, 1057, 1058, 1060, 1061, 1062, 1063, 1066, 1069, 1081, 1086, 1087, 1110, 2055,
    2064, 2074, 3079, 3081,
]);

export function collationOfLanguage(languageCode: number): Collation {
    return ACCENT_SENSITIVE_LANGUAGES.has(languageCode) ? 'CI_AS' : 'CI_AI';
}

/** The environment's collation, from its organization's base language. */
export async function readCollation(
    client: DataverseClient,
    options: { signal?: AbortSignal } = {},
): Promise<{ languageCode: number; collation: Collation }> {
    const body = await client.get<{ value?: Array<{ languagecode?: unknown }> }>(
        'organizations?$select=languagecode',
        options,
    );
    const languageCode = body.value?.[0]?.languagecode;
    if (typeof languageCode !== 'number')
        throw new Error(`the organization of ${client.url} answered no languagecode (its base language)`);
    return { languageCode, collation: collationOfLanguage(languageCode) };
}

const TRAILING_SPACES = / +$/;
const ASCII = /^[\x20-\x7e]*$/;

/** The text a string shares with every string the collation holds equal: lower case, no trailing spaces, no accents under `_AI`. */
export function collationKey(value: string, collation: Collation): string {
    const lower = value.replace(TRAILING_SPACES, '').toLowerCase();
    if (ASCII.test(lower)) return lower;
    return collation === 'CI_AI' ? lower.normalize('NFD').replace(/\p{M}/gu, '') : lower.normalize('NFC');
}
