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
    // Every identity of an environment (additionalCredentials): requests go as any of them.
    const checks = sides.flatMap((side) => {
        const client = clients[side];
        const count = client.identityCount ?? 1;
        return Array.from({ length: count }, (_, identity) => ({
            side,
            identity,
            asked: (count > 1 && client.forIdentity ? client.forIdentity(identity) : client).whoAmI({ signal }),
        }));
    });
    const results = await Promise.allSettled(checks.map((c) => c.asked));
    const failed = checks.flatMap(({ side, identity }, i) => {
        const result = results[i];
        if (result?.status !== 'rejected') return [];
        const error: unknown = result.reason;
        if (!isDataverseError(error) || error.kind !== 'auth') return [];
        const which = identity === 0 ? '' : ` (additionalCredentials[${identity - 1}])`;
        return [{ side, message: `${side} ${spec[side].url}${which}: ${error.message}` }];
    });
    if (failed.length === 0) return undefined;
    return {
        environments: [...new Set(failed.map((f) => f.side))],
        detail: redactSecrets(failed.map((f) => f.message).join('; ')),
    };
}
