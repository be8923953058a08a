/**
 * Entry point: one HTTP function per API route (function-key auth), each a Durable client function whose
 * client becomes the API's runs port; and one per dashboard page under api/dashboard (function-key auth too: the
 * pages show run data; the stylesheet and script hold none and are anonymous, so a page opened with ?code= is styled).
 */
import * as df from 'durable-functions';
import { API_ROUTES, FUNCTIONS_PAGES, pageRoutes } from '../api/index.js';
import { durableRunsPort } from '../host/durable-runs.js';
import { handleHttpRequest } from './runtime/http-adapter.js';
import { apiDeps } from './runtime/app-services.js';

const ANONYMOUS = new Set(['dashboardStyles', 'dashboardScript', 'dashboardIcon']);

for (const route of [...API_ROUTES, ...pageRoutes(FUNCTIONS_PAGES)])
    df.app.client.http(route.name, {
        route: route.route,
        methods: [route.method],
        authLevel: ANONYMOUS.has(route.name) ? 'anonymous' : 'function',
        handler: (request, client, context) =>
            handleHttpRequest(route, request, context, apiDeps(durableRunsPort(client))),
    });
