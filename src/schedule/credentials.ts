/**
 * "Credentials required", as users know it from their data sources: before a stored spec starts, both
 * environments must give us a token the service accepts. A credential whose settings are missing, a token that
 * cannot be acquired and a token the environment rejects (401) all end here, saying which environment and why,
 * never the secret (the client's messages are redacted already; this redacts again).
 */
import type { EnvironmentClients } from '../environments/index.js';
import { CredentialProblemsError } from '../environments/index.js';
import { isDataverseError, redactSecrets } from '../dataverse/errors.js';
import type { MigrationSpec } from '../spec/index.js';

export type EnvironmentSide = 'source' | 'target';

export interface CredentialProblem {
    /** The environments whose credential failed. */
    environments: EnvironmentSide[];
    /** One line for people: which environment and why. */
    detail: string;
}

export interface CredentialCheckOptions {
    /** A token request or WhoAmI that takes longer is not a credential problem; the run will tell. */
    timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function sideOf(path: string): EnvironmentSide {
    return path.startsWith('target') ? 'target' : 'source';
}

/**
 * Undefined when both environments accept our identity (or fail for another reason, such as being unreachable,
 * which the run reports itself); otherwise the credential problem.
 */
export async function credentialProblem(
    spec: MigrationSpec,
    connect: (spec: MigrationSpec) => EnvironmentClients,
    options: CredentialCheckOptions = {},
): Promise<CredentialProblem | undefined> {
    let clients: EnvironmentClients;
    try {
        clients = connect(spec);
    } catch (error) {
        if (!(error instanceof CredentialProblemsError)) throw error;
        const environments = [...new Set(error.problems.map((p) => sideOf(p.path)))];
        return {
            environments,
            detail: redactSecrets(error.problems.map((p) => `${p.path}: ${p.message}`).join('; ')),
        };
    }
    const signal = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const sides: EnvironmentSide[] = ['source', 'target'];
    const results = await Promise.allSettled(sides.map((side) => clients[side].whoAmI({ signal })));
    const failed = sides.flatMap((side, i) => {
        const result = results[i];
        if (result?.status !== 'rejected') return [];
        const error: unknown = result.reason;
        if (!isDataverseError(error) || error.kind !== 'auth') return [];
        return [{ side, message: `${side} ${spec[side].url}: ${error.message}` }];
    });
    if (failed.length === 0) return undefined;
    return { environments: failed.map((f) => f.side), detail: redactSecrets(failed.map((f) => f.message).join('; ')) };
}
