/**
 * The I/O of planning `load: "new"` tables: reads the source definitions of those tables and what the target has to
 * create them with (publishers, the spec's solution, global choices), then plans the schema (schema-diff.ts). Nothing
 * is read when no table loads as new. A read that fails becomes a plan problem naming what could not be read.
 */
import type { DataverseClient } from '../dataverse/client-types.js';
import { describeError } from '../dataverse/errors.js';
import {
    readGlobalOptionSetNames,
    readPublishers,
    readSolution,
    readTableDefinition,
} from '../dataverse/metadata-definitions.js';
import type { EnvironmentMetadata } from '../dataverse/metadata-types.js';
import type { MigrationSpec } from '../spec/schema.js';
import { planSchema, type SchemaResult } from './schema-diff.js';

export async function planNewTables(
    spec: MigrationSpec,
    clients: { source: DataverseClient; target: DataverseClient },
    metadata: { source: EnvironmentMetadata; target: EnvironmentMetadata },
    signal?: AbortSignal,
): Promise<SchemaResult | undefined> {
    const names = spec.tables.filter((t) => t.load === 'new' && metadata.source.tables.has(t.name)).map((t) => t.name);
    if (names.length === 0) return undefined;
    const options = signal ? { signal } : {};
    const solutionName = spec.options.solutionUniqueName;
    try {
        const [definitions, publishers, solution, globalOptionSets] = await Promise.all([
            Promise.all(names.map((name) => readTableDefinition(clients.source, name, options))),
            readPublishers(clients.target, options),
            solutionName !== undefined ? readSolution(clients.target, solutionName, options) : undefined,
            readGlobalOptionSetNames(clients.target, options),
        ]);
        return planSchema({
            spec,
            ...metadata,
            definitions: new Map(definitions.map((d) => [d.logicalName, d])),
            publishers,
            ...(solutionName !== undefined ? { solution: solution ?? null } : {}),
            globalOptionSets,
        });
    } catch (error) {
        if (signal?.aborted) throw error;
        return {
            projected: metadata.target,
            problems: [
                {
                    message: `cannot read what creating the tables loaded as new needs (their source definitions; the target's publishers, solution and global choices): ${describeError(error)}`,
                },
            ],
            warnings: [],
        };
    }
}
