/** Dataverse clients for the two environments of a spec, as every command that talks to them builds them. */
import { createDataverseClient, type DataverseWriteClient } from '../dataverse/index.js';
import type { MigrationSpec } from '../spec/index.js';
import type { CliIo } from './io.js';

export interface EnvironmentClients {
    source: DataverseWriteClient;
    target: DataverseWriteClient;
}

export function clientsForSpec(
    spec: MigrationSpec,
    io: CliIo,
    options: { signal?: AbortSignal } = {},
): EnvironmentClients {
    const common = {
        maxConcurrency: spec.options.maxConcurrency,
        writeBatchSize: spec.options.writeBatchSize,
        userAgent: 'dataverse-migrate-cli',
        env: io.env,
        ...(options.signal ? { signal: options.signal } : {}),
    };
    return {
        source: createDataverseClient({ url: spec.source.url, credential: spec.source.credential, ...common }),
        target: createDataverseClient({ url: spec.target.url, credential: spec.target.credential, ...common }),
    };
}
