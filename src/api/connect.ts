/**
 * Dataverse clients for the API and the scheduler, one pair per environment pair and credential, kept for the
 * process: a client holds the environment's token cache and its adaptive concurrency, which should be shared by
 * every request that reaches the same environment.
 */
import { createEnvironmentClients, type EnvironmentClients } from '../copy/environments.js';
import type { MigrationSpec } from '../spec/index.js';

export function createConnector(
    env: NodeJS.ProcessEnv,
    userAgent: string,
): (spec: MigrationSpec) => EnvironmentClients {
    const clients = new Map<string, EnvironmentClients>();
    return (spec) => {
        const key = JSON.stringify([
            spec.source,
            spec.target,
            spec.options.maxConcurrency,
            spec.options.writeBatchSize,
        ]);
        let pair = clients.get(key);
        if (!pair) {
            pair = createEnvironmentClients(spec, { env, userAgent });
            clients.set(key, pair);
        }
        return pair;
    };
}
