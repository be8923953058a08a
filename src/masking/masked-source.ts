/**
 * The source client of a spec with masking: every row it reads comes out with its masked columns already replaced
 * (mask-value.ts), so whatever reads the source (copy pages, lookups by key, deletes by key, verify, dry runs, plan
 * diffs) only ever holds masked values, and nothing downstream can write or log an unmasked one. Masks are keyed by
 * logical table name; the client reads by entity set, so the masked tables' entity sets are asked once
 * (`EntityDefinitions(LogicalName=...)`, query-metadata-web-api.md). Formatted-value and other annotations of a masked
 * column are dropped with it: they could carry the original text.
 */
import { DataverseError, odataString, type DataverseWriteClient, type Row } from '../dataverse/index.js';
import type { MaskRule } from '../spec/index.js';
import { maskValue } from './mask-value.js';

export interface SourceMasks {
    /** The salt's value, read from the setting the spec names (environments/index.ts). */
    salt: string;
    /** Source table -> source column -> rule. */
    tables: Record<string, Record<string, MaskRule>>;
}

type ColumnRules = Record<string, MaskRule>;

/**
 * The rule for the e-mail addresses activity parties carry (`addressused`): the spec's first e-mail fake, so an
 * address masked in contact.emailaddress1 masks the same where it was a recipient; none when no rule fakes e-mails.
 */
export function partyAddressRule(tables: Record<string, ColumnRules>): MaskRule | undefined {
    for (const rules of Object.values(tables))
        for (const rule of Object.values(rules)) if (rule.rule === 'fake' && rule.kind === 'email') return rule;
    return undefined;
}

const PARTY_ADDRESS = 'addressused';

/** An activity party (expanded or read from activityparties) with its address masked. */
function maskParty(party: unknown, rule: MaskRule, salt: string): unknown {
    if (typeof party !== 'object' || party === null) return party;
    return maskRow(party as Row, { [PARTY_ADDRESS]: rule }, salt);
}

/** A row with its masked columns replaced and their annotations dropped; its expanded parties' addresses masked. */
export function maskRow(row: Row, rules: ColumnRules, salt: string, partyRule?: MaskRule): Row {
    const masked: Row = {};
    for (const [key, value] of Object.entries(row)) {
        if (partyRule && key.endsWith('_activity_parties') && Array.isArray(value)) {
            masked[key] = value.map((party) => maskParty(party, partyRule, salt));
            continue;
        }
        const at = key.indexOf('@');
        const column = at < 0 ? key : key.slice(0, at);
        const rule = rules[column];
        if (!rule) masked[key] = value;
        else if (at < 0) masked[key] = maskValue(rule, value, salt);
    }
    return masked;
}

/** Entity set -> the rules of its table, asked of the source once (a masked table the source lacks is left out). */
async function rulesByEntitySet(
    client: DataverseWriteClient,
    tables: Record<string, ColumnRules>,
): Promise<Map<string, ColumnRules>> {
    const entries = await Promise.all(
        Object.entries(tables).map(async ([table, rules]) => {
            try {
                const entity = await client.get<{ EntitySetName: string }>(
                    `EntityDefinitions(LogicalName=${odataString(table)})?$select=EntitySetName`,
                );
                return [[entity.EntitySetName, rules] as const];
            } catch (error) {
                // The plan reports a masked table the source lacks; no row of it can be read either.
                if (error instanceof DataverseError && error.status === 404) return [];
                throw error;
            }
        }),
    );
    return new Map(entries.flat());
}

/** `client` with the reads of masked tables masked; every other call goes to it unchanged. */
export function maskedSource(client: DataverseWriteClient, masks: SourceMasks): DataverseWriteClient {
    let resolved: Promise<Map<string, ColumnRules>> | undefined;
    const rulesOf = async (entitySet: string): Promise<ColumnRules | undefined> => {
        resolved ??= rulesByEntitySet(client, masks.tables);
        resolved.catch(() => (resolved = undefined));
        return (await resolved).get(entitySet);
    };
    const partyRule = partyAddressRule(masks.tables);
    const mask = (rows: Row[], rules: ColumnRules | undefined) =>
        rules || partyRule ? rows.map((row) => maskRow(row, rules ?? {}, masks.salt, partyRule)) : rows;
    const queryPages: DataverseWriteClient['queryPages'] = async function* (entitySet, query, options) {
        // Parties read on their own (an activity with more than an expand's 5,000) carry addresses too.
        const rules =
            entitySet === 'activityparties' && partyRule
                ? { ...(await rulesOf(entitySet)), [PARTY_ADDRESS]: partyRule }
                : await rulesOf(entitySet);
        for await (const page of client.queryPages(entitySet, query, options)) yield mask(page, rules);
    };
    const readChanges: DataverseWriteClient['readChanges'] = async function* (entitySet, query, options) {
        const rules = await rulesOf(entitySet);
        for await (const page of client.readChanges(entitySet, query, options))
            yield { ...page, rows: mask(page.rows, rules) };
    };
    return new Proxy(client, {
        get(target, property) {
            if (property === 'queryPages') return queryPages;
            if (property === 'readChanges') return readChanges;
            const value: unknown = Reflect.get(target, property, target);
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
    });
}
