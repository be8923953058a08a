/** Dataverse clients for the two environments of a spec, as every command that talks to them builds them. */
import { CredentialConfigError, createDataverseClient, type DataverseWriteClient } from '../dataverse/index.js';
import type { EnvironmentSpec, MigrationSpec } from '../spec/index.js';
import { BadInputError, type CliIo } from './io.js';

export interface EnvironmentClients {
    source: DataverseWriteClient;
    target: DataverseWriteClient;
}

/**
 * Builds both clients. A credential whose settings are missing (an unset secret variable, say) is bad
 * input naming the spec path, reported for both environments at once before anything is sent.
 */
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
    const problems: string[] = [];
    const build = (side: 'source' | 'target', env: EnvironmentSpec): DataverseWriteClient | undefined => {
        try {
            return createDataverseClient({ url: env.url, credential: env.credential, ...common });
        } catch (error) {
            if (!(error instanceof CredentialConfigError)) throw error;
            problems.push(`${side}.credential: ${error.message}`);
            return undefined;
        }
    };
    const source = build('source', spec.source);
    const target = build('target', spec.target);
    if (!source || !target) throw new BadInputError(problems);
    return { source, target };
}
