/** The HTTP API as host-free functions: the route table both hosts serve, the handler runner, the local server. */
export { API_ROUTES, type ApiMethod, type ApiRoute } from './routes.js';
export { handleApi } from './handle.js';
export { matchRoute, type RouteMatch } from './router.js';
export { ApiError, errorBody, PayloadTooLargeError } from './errors.js';
export { disallowedUrl, specRunDeps } from './allow-list.js';
export { createConnector, type Connector } from '../environments/index.js';
export { listenApi, type ApiServer, type ApiServerOptions } from './node-http.js';
export { appServicePrincipal, FUNCTION_KEY_CALLER, OPERATOR_ROLE, READER_ROLE, type Caller } from './access/index.js';
export type { ApiDeps, ApiHandler, ApiRequest, ApiResponse } from './types.js';
export { FUNCTIONS_PAGES, pageRoutes, SERVE_PAGES, type PageMount } from './pages.js';
