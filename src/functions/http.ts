/**
 * Entry point: one HTTP function per API route (function-key auth), each a Durable client function whose
 * client becomes the API's runs port.
 */
import * as df from 'durable-functions';
import { API_ROUTES } from '../api/index.js';
import { durableRunsPort } from '../host/durable-runs.js';
import { handleHttpRequest } from './runtime/http-adapter.js';
import { apiDeps } from './runtime/app-services.js';

for (const route of API_ROUTES)
    df.app.client.http(route.name, {
        route: route.route,
        methods: [route.method],
        authLevel: 'function',
        handler: (request, client, context) =>
            handleHttpRequest(route, request, context, apiDeps(durableRunsPort(client))),
    });
