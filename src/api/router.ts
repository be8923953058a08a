/**
 * Route matching for hosts without the Functions router (`serve`): a path under `/api/` against the route
 * templates of API_ROUTES (or under another prefix against another table: the dashboard's pages), parameters decoded. A path that matches with another method is a 405, not a 404.
 */
import { API_ROUTES, type ApiRoute } from './routes.js';

export type RouteMatch =
    | { kind: 'match'; route: ApiRoute; params: Record<string, string> }
    | { kind: 'method-not-allowed'; allow: string[] }
    | { kind: 'not-found' };

function matchTemplate(template: string, segments: readonly string[]): Record<string, string> | undefined {
    const parts = template.split('/');
    if (parts.length !== segments.length) return undefined;
    const params: Record<string, string> = {};
    for (const [i, part] of parts.entries()) {
        const segment = segments[i] ?? '';
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        if (name !== undefined) {
            if (segment === '') return undefined;
            try {
                params[name] = decodeURIComponent(segment);
            } catch {
                return undefined;
            }
        } else if (part !== segment) return undefined;
    }
    return params;
}

export function matchRoute(
    method: string,
    pathname: string,
    routes: readonly ApiRoute[] = API_ROUTES,
    prefix = '/api/',
): RouteMatch {
    if (!pathname.startsWith(prefix)) return { kind: 'not-found' };
    const segments = pathname.slice(prefix.length).replace(/\/$/, '').split('/');
    const allow: string[] = [];
    for (const route of routes) {
        const params = matchTemplate(route.route, segments);
        if (params === undefined) continue;
        if (route.method === method.toUpperCase()) return { kind: 'match', route, params };
        allow.push(route.method);
    }
    return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
}
