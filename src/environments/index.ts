/**
 * Dataverse clients for the two environments of a spec, as the CLI, the activities and verify build
 * them. A credential whose settings are missing (an unset secret variable, say) is reported for both
 * environments at once, with the spec path, before anything is sent.
 */
import { CredentialConfigError, createDataverseClient, type DataverseWriteClient } from '../dataverse/index.js';
import type { EnvironmentSpec, MigrationSpec } from '../spec/index.js';
import { maskedSource } from '../masking/masked-source.js';

export interface EnvironmentClients {
    source: DataverseWriteClient;
    target: DataverseWriteClient;
}

export interface EnvironmentClientOptions {
    /** Where credential settings are read from (process.env, app settings). */
    env: NodeJS.ProcessEnv;
    userAgent: string;
    signal?: AbortSignal;
}

/** The credentials of one or both environments cannot be built from the settings they name. */
export class CredentialProblemsError extends Error {
    constructor(readonly problems: Array<{ path: string; message: string }>) {
        super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
        this.name = 'CredentialProblemsError';
    }
}

/** Builds a spec's clients; `pairs()` lists what it built (for throttle counts). */
export interface Connector {
    (spec: MigrationSpec): EnvironmentClients;
    pairs(): EnvironmentClients[];
}

/**
 * Clients kept for the process, one pair per environment pair, credentials and client options, so every run
 * and request that reaches the same environments shares them (and what they learnt, such as which tables
 * take UpsertMultiple).
 */
export function createConnector(env: NodeJS.ProcessEnv, userAgent: string): Connector {
    const clients = new Map<string, EnvironmentClients>();
    const connect = (spec: MigrationSpec): EnvironmentClients => {
        const key = JSON.stringify([
            spec.source,
            spec.target,
            spec.options.maxConcurrency,
            spec.options.writeBatchSize,
            spec.options.outageBudgetSeconds,
        ]);
        let pair = clients.get(key);
        if (!pair) {
            pair = buildClients(spec, { env, userAgent }, saltProblems(spec, env));
            clients.set(key, pair);
        }
        // Masking belongs to the spec, not to the environments: shared clients, a masked source per spec.
        return withMasking(pair, spec, env);
    };
    return Object.assign(connect, { pairs: () => [...clients.values()] });
}

/** Shortest salt accepted: 16 characters, so the masks cannot be reversed by guessing the salt. */
const MIN_SALT_LENGTH = 16;

/** What is wrong with the setting that names the masking salt (never its value). */
function saltProblems(spec: MigrationSpec, env: NodeJS.ProcessEnv): Array<{ path: string; message: string }> {
    if (!spec.masking) return [];
    const name = spec.masking.saltSetting;
    const salt = env[name];
    if (salt === undefined || salt === '')
        return [{ path: 'masking.saltSetting', message: `the setting ${name} that holds the masking salt is not set` }];
    if (salt.length < MIN_SALT_LENGTH)
        return [
            {
                path: 'masking.saltSetting',
                message: `the masking salt in ${name} has fewer than ${MIN_SALT_LENGTH} characters`,
            },
        ];
    return [];
}

/** The spec's clients with the source masked as its masking section says (src/masking/masked-source.ts). */
function withMasking(pair: EnvironmentClients, spec: MigrationSpec, env: NodeJS.ProcessEnv): EnvironmentClients {
    if (!spec.masking) return pair;
    const problems = saltProblems(spec, env);
    if (problems.length > 0) throw new CredentialProblemsError(problems);
    const salt = env[spec.masking.saltSetting]!;
    return { ...pair, source: maskedSource(pair.source, { salt, tables: spec.masking.tables }) };
}

export function createEnvironmentClients(spec: MigrationSpec, options: EnvironmentClientOptions): EnvironmentClients {
    return withMasking(buildClients(spec, options, saltProblems(spec, options.env)), spec, options.env);
}

/** The two clients; `earlier`: problems found before (the salt's), reported with the credentials' at once. */
function buildClients(
    spec: MigrationSpec,
    options: EnvironmentClientOptions,
    earlier: Array<{ path: string; message: string }> = [],
): EnvironmentClients {
    const common = {
        maxConcurrency: spec.options.maxConcurrency,
        writeBatchSize: spec.options.writeBatchSize,
        retry: { outageBudgetMs: spec.options.outageBudgetSeconds * 1000 },
        userAgent: options.userAgent,
        env: options.env,
        ...(options.signal ? { signal: options.signal } : {}),
    };
    const problems: Array<{ path: string; message: string }> = [...earlier];
    const build = (side: 'source' | 'target', env: EnvironmentSpec): DataverseWriteClient | undefined => {
        try {
            return createDataverseClient({
                url: env.url,
                credential: env.credential,
                meter: side,
                ...(env.additionalCredentials ? { additionalCredentials: env.additionalCredentials } : {}),
                ...common,
            });
        } catch (error) {
            if (!(error instanceof CredentialConfigError)) throw error;
            const identity = error.identity ?? 0;
            const at = identity === 0 ? 'credential' : `additionalCredentials[${identity - 1}]`;
            problems.push({
                path: `${side}.${at}${error.field !== undefined ? `.${error.field}` : ''}`,
                message: error.message,
            });
            return undefined;
        }
    };
    const source = build('source', spec.source);
    const target = build('target', spec.target);
    if (!source || !target || problems.length > 0) throw new CredentialProblemsError(problems);
    return { source, target };
}
