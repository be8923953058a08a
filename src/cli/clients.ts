/** Dataverse clients for the two environments of a spec, for the CLI: credential problems are bad input (exit 2). */
import { createEnvironmentClients, CredentialProblemsError, type EnvironmentClients } from '../environments/index.js';
import type { MigrationSpec } from '../spec/index.js';
import { BadInputError, type CliIo } from './io.js';

export type { EnvironmentClients };

export function clientsForSpec(
    spec: MigrationSpec,
    io: CliIo,
    options: { signal?: AbortSignal } = {},
): EnvironmentClients {
    try {
        return createEnvironmentClients(spec, { env: io.env, userAgent: 'dataverse-migrate-cli', ...options });
    } catch (error) {
        if (error instanceof CredentialProblemsError)
            throw new BadInputError(error.problems.map((p) => `${p.path}: ${p.message}`));
        throw error;
    }
}
