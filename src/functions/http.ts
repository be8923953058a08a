/**
 * Entry point: each API route registered twice, each registration a Durable client function whose client becomes
 * the API's runs port.
 * - `/api/<route>`: for people (the dashboard) and Entra ID clients. The Functions host asks no key (anonymous);
 *   App Service authentication stands in front of it (infra/modules/auth.bicep) and answers 401 to anyone it did
 *   not sign in, and the API enforces the principal's app roles.
 * - `/api/automation/<route>`: for scripts, with a function key (authLevel function); App Service authentication
 *   leaves this path to the key (its excludedPaths).
 * - `/api/dashboard/...`: the dashboard's pages, on the Entra ID door only (people sign in; scripts use the API).
 */
import * as df from 'durable-functions';
import { API_ROUTES, FUNCTIONS_PAGES, pageRoutes } from '../api/index.js';
import { durableRunsPort } from '../host/durable-runs.js';
import { handleHttpRequest, type HttpDoor } from './runtime/http-adapter.js';
import { apiDeps } from './runtime/app-services.js';

/** The path prefix (under `api/`) of the function-key routes. */
export const AUTOMATION_PREFIX = 'automation';

const DOORS: ReadonlyArray<{ door: HttpDoor; suffix: string; prefix: string; authLevel: 'anonymous' | 'function' }> = [
    { door: 'entra-id', suffix: '', prefix: '', authLevel: 'anonymous' },
    { door: 'function-key', suffix: 'ByKey', prefix: `${AUTOMATION_PREFIX}/`, authLevel: 'function' },
];

for (const { door, suffix, prefix, authLevel } of DOORS)
    for (const route of API_ROUTES)
        df.app.client.http(`${route.name}${suffix}`, {
            route: `${prefix}${route.route}`,
            methods: [route.method],
            authLevel,
            handler: (request, client, context) =>
                handleHttpRequest(route, request, context, apiDeps(durableRunsPort(client)), door),
        });

// The dashboard's pages are for people: behind App Service authentication, as the Entra ID routes of the API.
for (const route of pageRoutes(FUNCTIONS_PAGES))
    df.app.client.http(route.name, {
        route: route.route,
        methods: [route.method],
        authLevel: 'anonymous',
        handler: (request, client, context) =>
            handleHttpRequest(route, request, context, apiDeps(durableRunsPort(client)), 'entra-id'),
    });
