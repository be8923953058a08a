/** Intersect tables of many-to-many relationships, as each environment names them, and the pairs they hold. */
import type { DataverseClient } from '../dataverse/client-types.js';
import { odataString } from '../dataverse/odata-url.js';
import type { ManyToManyEnvironmentPlan } from '../plan/types.js';
import { filterBudget, keyFilters } from './addressing.js';
import { collectRows, readFiltered } from './page-read.js';

/** An intersect table's entity set and primary key in one environment, from its table metadata. */
export async function intersectNames(
    client: DataverseClient,
    side: ManyToManyEnvironmentPlan,
    options: { signal?: AbortSignal } = {},
): Promise<{ entitySet: string; primaryId: string }> {
    const name = side.intersectEntity;
    const meta = await client.get<{ EntitySetName?: string; PrimaryIdAttribute?: string }>(
        `EntityDefinitions(LogicalName=${odataString(name)})?$select=EntitySetName,PrimaryIdAttribute`,
        options.signal ? { signal: options.signal } : {},
    );
    const entitySet = side.intersectEntitySet ?? meta.EntitySetName;
    const primaryId = meta.PrimaryIdAttribute;
    if (!entitySet || !primaryId)
        throw new Error(`the metadata of intersect table '${name}' has no entity set or primary id`);
    return { entitySet, primaryId };
}

/**
 * Which of these pairs (entity1 id, entity2 id) are related in this environment now, as `a|b` in lower case: read
 * from the intersect table, to settle an association whose answer was lost.
 */
export async function relatedPairs(
    client: DataverseClient,
    side: ManyToManyEnvironmentPlan,
    pairs: ReadonlyArray<readonly [string, string]>,
    options: { signal?: AbortSignal } = {},
): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const { entitySet } = await intersectNames(client, side, options);
    const [a, b] = [side.entity1.intersectAttribute, side.entity2.intersectAttribute];
    const columns = [
        { name: a, type: 'Uniqueidentifier' as const },
        { name: b, type: 'Uniqueidentifier' as const },
    ];
    const rows = await readFiltered(
        client,
        entitySet,
        [a, b],
        keyFilters(columns, pairs, filterBudget([a, b])),
        options,
    );
    return new Set(rows.map((row) => pairKey([String(row[a]), String(row[b])])));
}

export function pairKey([a, b]: readonly [string, string]): string {
    return `${a.toLowerCase()}|${b.toLowerCase()}`;
}

/** Every pair (entity1 id, entity2 id) of a relationship in one environment, in lower case. */
export async function intersectPairs(
    client: DataverseClient,
    side: ManyToManyEnvironmentPlan,
    signal?: AbortSignal,
): Promise<Array<[string, string]>> {
    const { entitySet: set } = await intersectNames(client, side, { signal });
    const rows = await collectRows(
        client.queryPages(
            set,
            { select: [side.entity1.intersectAttribute, side.entity2.intersectAttribute] },
            { pageSize: 5000, ...(signal ? { signal } : {}) },
        ),
    );
    return rows.map((r) => [
        String(r[side.entity1.intersectAttribute]).toLowerCase(),
        String(r[side.entity2.intersectAttribute]).toLowerCase(),
    ]);
}
