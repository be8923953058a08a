/**
 * Strings compared as the organization's SQL collation compares them: in key lookups (key segments, upsert by key,
 * the unique index of an alternate key), `$filter` comparisons and `$orderby`.
 *
 * Documented (power-platform admin/language-collations.md): "All languages have case insensitive enabled, which means
 * that “Cafe” and “cafe” are considered the same word"; accent sensitivity depends on the base language chosen when
 * the environment is created ("_AS ... “cafe” and “café” are treated as different words", "_AI ... the same word"),
 * and "Once a collation is in place it can't be changed". The page lists the collation of each LCID: English (1033)
 * is `_CI_AI`, the accent-sensitive ones are listed below.
 *
 * Inferred: trailing spaces. SQL Server pads the shorter string with spaces before `=`, `<`, `>` (ANSI SQL-92; T-SQL
 * "String comparison", KB 316626), so `'a '` equals `'a'` and `' a'` does not; LIKE (contains/startswith/endswith)
 * keeps them. No Dataverse page says so; the database under it behaves so.
 */
export type Collation = 'CI_AI' | 'CI_AS';

/** English (United States), the default base language, `_CI_AI`. */
export const DEFAULT_LANGUAGE_CODE = 1033;

/** The base languages (LCIDs) the collation page lists as `_CI_AS`; every other listed language is `_CI_AI`. */
const ACCENT_SENSITIVE_LANGUAGES: ReadonlySet<number> = new Set([
    1035, 1048, 1050, 1051, 1053, 1054, 1057, 1058, 1060, 1061, 1062, 1063, 1066, 1069, 1081, 1086, 1087, 1110, 2055,
    2064, 2074, 3079, 3081,
]);

/** The collation of an organization whose base language is `languageCode`. */
export function collationOfLanguage(languageCode: number): Collation {
    return ACCENT_SENSITIVE_LANGUAGES.has(languageCode) ? 'CI_AS' : 'CI_AI';
}

const ASCII = /^[\x20-\x7e]*$/;
const TRAILING_SPACES = / +$/;
const collators: Record<Collation, Intl.Collator> = {
    CI_AI: new Intl.Collator('en', { sensitivity: 'base' }),
    CI_AS: new Intl.Collator('en', { sensitivity: 'accent' }),
};

/** Lower case, accents dropped under `_AI`, without the trailing spaces: the text two equal strings share. */
export function collationKey(value: string, collation: Collation): string {
    return foldForSearch(value.replace(TRAILING_SPACES, ''), collation);
}

/**
 * Order of two strings (negative, zero, positive); zero exactly when their collation keys are equal, so a `$filter`
 * `eq` and the key index agree on which values are one.
 */
export function compareCollated(a: string, b: string, collation: Collation): number {
    if (a === b) return 0;
    const ka = collationKey(a, collation);
    const kb = collationKey(b, collation);
    if (ka === kb) return 0;
    const c = collators[collation].compare(a.replace(TRAILING_SPACES, ''), b.replace(TRAILING_SPACES, ''));
    return c !== 0 ? c : ka < kb ? -1 : 1;
}

/** A string folded for LIKE-style tests (contains, startswith, endswith): case, and accents under `_AI`. */
export function foldForSearch(value: string, collation: Collation): string {
    const lower = value.toLowerCase();
    if (ASCII.test(lower)) return lower;
    return collation === 'CI_AI' ? lower.normalize('NFD').replace(/\p{M}/gu, '') : lower.normalize('NFC');
}
