/** Intersect tables of many-to-many relationships, as each environment names them. */
import type { DataverseClient } from '../dataverse/client-types.js';
import { odataString } from '../dataverse/odata-url.js';
import type { ManyToManyEnvironmentPlan } from '../plan/types.js';

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
