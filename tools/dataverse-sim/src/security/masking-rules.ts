/**
 * The masking rules of the security configuration as the service lists them: "Secured Masking Column"
 * (AttributeMaskingRule, entity set `attributemaskingrules`), one row per masked column with `entityname` and
 * `attributelogicalname` (column-level-security.md, "Display masked data"), so a client can tell which secured
 * columns read masked. The table exists only in an environment whose configuration masks a column ([inferred]: the
 * feature is a preview; without it, an environment has no such rows to list).
 */
import { createHash } from 'node:crypto';
import { primaryIdColumn, str } from '../data/columns.js';
import type { SimDataset, SimRow, SimTable } from '../model.js';
import type { SecurityConfig } from './config.js';

export const MASKING_RULE_TABLE = 'attributemaskingrule';

function maskingRuleTable(): SimTable {
    return {
        logicalName: MASKING_RULE_TABLE,
        schemaName: 'AttributeMaskingRule',
        entitySetName: 'attributemaskingrules',
        primaryIdAttribute: 'attributemaskingruleid',
        primaryNameAttribute: 'uniquename',
        ownershipType: 'OrganizationOwned',
        changeTracking: false,
        bulkOperations: false,
        attributes: [
            primaryIdColumn('attributemaskingruleid'),
            str('uniquename', 256, { isPrimaryName: true }),
            str('entityname', 64),
            str('attributelogicalname', 64),
        ],
    };
}

function ruleId(key: string): string {
    const h = createHash('sha1').update(`maskingrule:${key}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Adds the table and one row per masked column to a dataset, before the environment is built. */
export function addMaskingRules(dataset: SimDataset, config: SecurityConfig | undefined): void {
    const masked = Object.entries(config?.columns ?? {}).filter(([, c]) => c.maskedCharacter !== undefined);
    if (masked.length === 0 || dataset.schema.tables.some((t) => t.logicalName === MASKING_RULE_TABLE)) return;
    dataset.schema.tables.push(maskingRuleTable());
    dataset.rows[MASKING_RULE_TABLE] = masked.map(([key]): SimRow => {
        const [entityname, attributelogicalname] = key.split('.') as [string, string];
        return {
            attributemaskingruleid: ruleId(key),
            uniquename: `${entityname}_${attributelogicalname}`,
            entityname,
            attributelogicalname,
        };
    });
}
