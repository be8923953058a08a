/**
 * One HTTP attempt over @azure/core-rest-pipeline: keep-alive agents, proxy settings from the
 * environment, gzip, the user agent, and the bearer token from our cache. No retry policies and no
 * cookie handling here: retries, throttling and concurrency are Dataverse-specific (http.ts), and
 * the node HTTP client keeps no cookies, so no server-affinity cookie pins us to one web server.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
    createDefaultHttpClient,
    createEmptyPipeline,
    createHttpHeaders,
    createPipelineRequest,
    decompressResponsePolicy,
    proxyPolicy,
    userAgentPolicy,
    type Agent,
    type HttpClient,
    type HttpHeaders,
    type Pipeline,
    type PipelinePolicy,
} from '@azure/core-rest-pipeline';
import { isLoopbackUrl } from '../util/url.js';
import { isDataverseError } from './errors.js';
import type { AccessTokenCache } from './token-cache.js';

export interface AttemptRequest {
    method: string;
    /** Absolute URL. */
    url: string;
    headers: Record<string, string>;
    body?: string;
}

export interface AttemptResponse {
    status: number;
    headers: HttpHeaders;
    bodyText: string;
}

/** Why an attempt produced no response. */
export type NetworkFailureKind = 'transient' | 'unreachable' | 'timeout' | 'aborted';

export class NetworkFailure extends Error {
    constructor(
        readonly kind: NetworkFailureKind,
        /** System error code such as ECONNRESET, when known. */
        readonly code: string | undefined,
        message: string,
        /** The HTTP client's error, or the abort signal's reason. */
        cause?: unknown,
    ) {
        super(message, cause === undefined ? undefined : { cause });
        this.name = 'NetworkFailure';
    }
}

/** Errors that mean the host is wrong or refuses us: nothing was sent, retrying soon will not help. */
const UNREACHABLE_CODES = new Set([
    'ENOTFOUND',
    'ECONNREFUSED',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * How long a pooled connection may sit idle before the client closes it. A server closes idle keep-alive connections
 * at its own limit (Node's default, the simulator's, is 5 s); a request sent on one just as it closes gets a reset and
 * no answer, and a write in that state must be settled by reading. The pipeline's own agent keeps sockets forever
 * (`keepAlive: true`, no timeout), so it met that race about once in 30 attempts of a clean run. Closing them first, at
 * 4 s, leaves the server's close nothing to cross; a server's shorter `Keep-Alive: timeout=` hint still wins (Node's
 * agent takes the smaller). A reconnect costs a handshake, far less than settling a write.
 */
export const IDLE_SOCKET_MS = 4_000;

export interface TransportOptions {
    /** Environment root URL. */
    url: string;
    tokenCache?: AccessTokenCache;
    userAgent?: string;
    /** How long a pooled connection may stay idle (default IDLE_SOCKET_MS). */
    idleSocketMs?: number;
    /** Replaces the node HTTP client (tests of the transport itself only). */
    httpClient?: HttpClient;
}

export class Transport {
    private readonly pipeline: Pipeline;
    private readonly httpClient: HttpClient;
    private readonly insecureAllowed: boolean;

    constructor(options: TransportOptions) {
        this.insecureAllowed = isLoopbackUrl(options.url);
        this.httpClient = options.httpClient ?? createDefaultHttpClient();
        this.pipeline = createEmptyPipeline();
        if (!this.insecureAllowed) this.pipeline.addPolicy(proxyPolicy());
        // After the proxy policy: a proxied request keeps the proxy's agent.
        this.pipeline.addPolicy(agentPolicy(idleBoundedAgent(options.url, options.idleSocketMs ?? IDLE_SOCKET_MS)));
        this.pipeline.addPolicy(decompressResponsePolicy());
        this.pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: options.userAgent ?? 'dataverse-migrate' }));
        if (options.tokenCache) this.pipeline.addPolicy(accessTokenPolicy(options.tokenCache), { phase: 'Sign' });
    }

    /**
     * Sends once. Resolves with any HTTP status; rejects with NetworkFailure when no complete response
     * arrived, or with the token cache's DataverseError when no token could be obtained.
     */
    async send(request: AttemptRequest, signal: AbortSignal | undefined, timeoutMs: number): Promise<AttemptResponse> {
        const timeout = AbortSignal.timeout(timeoutMs);
        const attemptSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
        const pipelineRequest = createPipelineRequest({
            url: request.url,
            method: request.method as 'GET',
            headers: createHttpHeaders(request.headers),
            body: request.body,
            abortSignal: attemptSignal,
            allowInsecureConnection: this.insecureAllowed,
        });
        try {
            const response = await this.pipeline.sendRequest(this.httpClient, pipelineRequest);
            return { status: response.status, headers: response.headers, bodyText: response.bodyAsText ?? '' };
        } catch (error) {
            if (isDataverseError(error)) throw error;
            if (signal?.aborted) {
                throw new NetworkFailure('aborted', undefined, 'the request was aborted', signal.reason);
            }
            if (timeout.aborted) {
                throw new NetworkFailure('timeout', 'ETIMEDOUT', `no complete response within ${timeoutMs} ms`, error);
            }
            throw classifyNetworkError(error);
        }
    }
}

export function classifyNetworkError(error: unknown): NetworkFailure {
    const code = errorCode(error);
    const message = error instanceof Error ? error.message : String(error);
    if (code && UNREACHABLE_CODES.has(code)) return new NetworkFailure('unreachable', code, message, error);
    if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return new NetworkFailure('timeout', code, message, error);
    // Resets, hang ups, truncated bodies, EPIPE, EAI_AGAIN ...: the connection broke, try again.
    return new NetworkFailure('transient', code, message, error);
}

function errorCode(error: unknown): string | undefined {
    for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
        if (typeof current === 'object' && 'code' in current && typeof current.code === 'string') return current.code;
        current = typeof current === 'object' && 'cause' in current ? current.cause : undefined;
    }
    return undefined;
}

/** A keep-alive agent whose idle sockets close after `idleMs` (Node's agent `timeout` closes only free sockets). */
function idleBoundedAgent(url: string, idleMs: number): Agent {
    const options = { keepAlive: true, timeout: idleMs };
    return new URL(url).protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
}

function agentPolicy(agent: Agent): PipelinePolicy {
    return {
        name: 'dataverseKeepAliveAgentPolicy',
        sendRequest(request, next) {
            request.agent ??= agent;
            return next(request);
        },
    };
}

function accessTokenPolicy(cache: AccessTokenCache): PipelinePolicy {
    return {
        name: 'dataverseAccessTokenPolicy',
        async sendRequest(request, next) {
            request.headers.set('Authorization', `Bearer ${await cache.getToken()}`);
            return next(request);
        },
    };
}
