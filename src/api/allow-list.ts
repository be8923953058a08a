/**
 * The environment allow-list: a run can only touch environments the operator configured in the app setting
 * DATAVERSE_ALLOWED_URLS (origins). Unset, only loopback simulator URLs are allowed, so a misconfigured app
 * cannot reach a real environment.
 */
import type { SpecRunDeps } from '../schedule/index.js';
import { readSetting, type SettingsSource } from '../settings/index.js';
import type { MigrationSpec } from '../spec/index.js';
import { isLoopbackUrl } from '../util/url.js';
import { ApiError } from './errors.js';
import type { ApiDeps } from './types.js';

/** The origin of a URL as the allow-list holds it (scheme, host, port; no user info, path or query). */
function originOf(url: string): string {
    return new URL(url).origin;
}

/** The first environment of the spec that is not on the allow-list, as its origin; undefined when both are. */
export function disallowedUrl(env: SettingsSource, spec: MigrationSpec): string | undefined {
    const allowed = readSetting(env, 'DATAVERSE_ALLOWED_URLS');
    for (const url of [spec.source.url, spec.target.url]) {
        const origin = originOf(url);
        if (allowed === undefined ? !isLoopbackUrl(url) : !allowed.includes(origin)) return origin;
    }
    return undefined;
}

/** The API's dependencies as starting a stored spec (and the refresh tick) takes them: the allow-list of `env`. */
export function specRunDeps(deps: ApiDeps): SpecRunDeps {
    return { ...deps, disallowedUrl: (spec) => disallowedUrl(deps.env, spec) };
}

/** 403 naming the URL when the spec reaches outside the allow-list. */
export function assertAllowed(env: SettingsSource, spec: MigrationSpec): void {
    const url = disallowedUrl(env, spec);
    if (url === undefined) return;
    const configured = readSetting(env, 'DATAVERSE_ALLOWED_URLS') !== undefined;
    throw new ApiError(
        403,
        'environment-not-allowed',
        configured
            ? `environment ${url} is not on the allow-list: add it to the app setting DATAVERSE_ALLOWED_URLS to let runs touch it`
            : `environment ${url} is not allowed: DATAVERSE_ALLOWED_URLS is not set, so only loopback simulator URLs are`,
        { url },
    );
}
