/**
 * The HTTP API as host-free functions: a request (method, URL, route parameters, headers, a body read under a
 * size limit) and the dependencies (the runs port, the stores, the settings) in, a response out. The Functions
 * app adapts HttpRequest to this (src/functions), `dataverse-migrate serve` adapts node:http to it, so both serve
 * the very same API.
 */
import type { EnvironmentClients } from '../environments/index.js';
import type { RunsPort } from '../host/runs-port.js';
import type { RunStore } from '../runlog/types.js';
import type { SettingsSource } from '../settings/index.js';
import type { MigrationSpec } from '../spec/index.js';
import type { SpecStore } from '../specstore/index.js';
import type { Log } from '../util/log.js';
import type { Caller } from './access/caller.js';

export interface ApiRequest {
    /** Upper case. */
    readonly method: string;
    /** The absolute URL the client used (links in responses are built from its origin). */
    readonly url: string;
    /** Route parameters (`{id}`, `{name}`), decoded. */
    readonly params: Readonly<Record<string, string | undefined>>;
    readonly headers: { get(name: string): string | null };
    /** The body as UTF-8 text; rejects with PayloadTooLargeError past `maxBytes`, without reading the rest. */
    readBody(maxBytes: number): Promise<string>;
    /** Who asked, as the host established it (serve's token, App Service authentication, a function key). */
    readonly caller: Caller;
}

export type ApiResponse =
    | { status: number; headers?: Record<string, string>; json: unknown }
    | { status: number; headers?: Record<string, string>; text: string }
    | { status: number; headers?: Record<string, string> };

export interface ApiDeps {
    /** The orchestration host: the Durable client in Azure, the local durable host locally. */
    runs: RunsPort;
    /** The run store (container `migration-runs`, or the local folder). */
    store: RunStore;
    /** Stored specs (container `migration-specs`, or the local folder's `specs/`). */
    specs: SpecStore;
    /** App settings (DATAVERSE_ALLOWED_URLS, MAX_REQUEST_BODY_BYTES) and the credential settings specs name. */
    env: SettingsSource;
    /** The Dataverse clients of a spec's environments; may throw CredentialProblemsError. */
    connect(spec: MigrationSpec): EnvironmentClients;
    now(): Date;
    /** Limit of the credential check before a stored spec starts (default 30 s). */
    credentialTimeoutMs?: number;
    /** Receives the runs started and the failures a client sees only as a 500; silent when absent. */
    log?: Log;
}

export type ApiHandler = (request: ApiRequest, deps: ApiDeps) => Promise<ApiResponse>;
