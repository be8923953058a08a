/** Who may call the API and how: serve's token and checks, App Service authentication's principal, app roles. */
export { appServicePrincipal, FUNCTION_KEY_CALLER } from './app-service-principal.js';
export { authorizeRoute, changesState, OPERATOR_ROLE, READER_ROLE, type Caller } from './caller.js';
export { checkJsonBody, checkOrigin } from './request-checks.js';
export { serveGate, type GateOutcome, type ServeAccess } from './serve-gate.js';
export { newServeToken, sameToken } from './serve-token.js';
