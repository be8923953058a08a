/**
 * The run dashboard's pages as API routes: each reads what the JSON API reads (stored specs, the run history, a
 * run's view, a plan) and renders it with src/dashboard. `serve` mounts them at its root, the Functions app under
 * `api/dashboard`; both from this one table. A page that cannot be shown answers an HTML page with the API's
 * status, code and (redacted) message. Pages send a Content-Security-Policy that allows only the dashboard's own
 * stylesheet, script and same-origin requests, and no Referer (a URL may carry a token).
 */
import { z } from 'zod';
import { redactSecrets } from '../dataverse/errors.js';
import {
    DASHBOARD_CSS,
    DASHBOARD_ICON,
    DASHBOARD_JS,
    errorPage,
    homePage,
    planPage,
    runPage,
    type PageLinks,
} from '../dashboard/index.js';
import { readRunFailedRows } from '../runlog/index.js';
import { describeStoredSpec } from '../schedule/index.js';
import { parseQuery } from './body.js';
import { ApiError } from './errors.js';
import { apiBase } from './links.js';
import { planDocument, plansQuery, storedSpec } from './plans.js';
import type { ApiRoute } from './routes.js';
import { routeRunId, runView } from './run-view.js';
import { checkSpecName } from './spec-input.js';
import type { ApiDeps, ApiHandler, ApiRequest, ApiResponse } from './types.js';

/** Where the pages live on a host. */
export interface PageMount {
    /** Route template prefix in the host's router ('' for the root). */
    route: string;
    /** URL path of the pages' root, ending in `/`. */
    path: string;
}

/** `serve`: the pages at the root, the API under /api. */
export const SERVE_PAGES: PageMount = { route: '', path: '/' };
/** The Functions app: every route is under its `api` prefix (host.json), so the pages are under /api/dashboard/. */
export const FUNCTIONS_PAGES: PageMount = { route: 'dashboard', path: '/api/dashboard/' };

/** Runs listed on the home page; the API pages through the rest. */
const HOME_RUNS = 50;
/** Failed rows shown on a run's page; the errors CSV has them all. */
const FAILED_ROWS_SHOWN = 20;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
    'Content-Security-Policy':
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
};

function htmlResponse(status: number, text: string): ApiResponse {
    return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...SECURITY_HEADERS }, text };
}

/** The problems of a 400 (`badRequest`). */
const problemList = z.array(z.object({ path: z.string(), message: z.string() }));

type PageHandler = (request: ApiRequest, deps: ApiDeps, links: PageLinks) => Promise<string>;

/** A page as an API handler: its errors become an error page (never JSON, never a stack trace). */
function pageHandler(mount: PageMount, render: PageHandler): ApiHandler {
    return async (request, deps) => {
        const links: PageLinks = { pages: mount.path, api: apiBase(request) };
        try {
            return htmlResponse(200, await render(request, deps, links));
        } catch (error) {
            if (error instanceof ApiError) {
                const problems = problemList.safeParse(error.details.problems);
                const shown = (problems.data ?? []).map((p) => ({
                    path: redactSecrets(p.path),
                    message: redactSecrets(p.message),
                }));
                return htmlResponse(
                    error.status,
                    errorPage(links, error.status, error.code, redactSecrets(error.message), shown),
                );
            }
            const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
            deps.log?.('error', redactSecrets(message));
            return htmlResponse(500, errorPage(links, 500, 'internal', 'the page failed; the server log has why'));
        }
    };
}

const home: PageHandler = async (_request, deps, links) => {
    const [stored, history] = await Promise.all([deps.specs.list(), deps.store.listRuns({ limit: HOME_RUNS })]);
    const now = deps.now();
    const specs = await Promise.all(stored.map((s) => describeStoredSpec(deps, deps.specs, s, now)));
    return homePage({ links, specs, runs: history.runs, moreRuns: history.cursor !== undefined });
};

const run: PageHandler = async (request, deps, links) => {
    const id = routeRunId(request);
    const view = await runView(request, deps, id);
    const failed = (await readRunFailedRows(deps.store, id)).slice(0, FAILED_ROWS_SHOWN);
    return runPage({ links, view, failed, now: deps.now() });
};

const plan: PageHandler = async (request, deps, links) => {
    const name = checkSpecName(request.params.name, 'name');
    const { diff } = parseQuery(request, plansQuery);
    const document = await planDocument(deps, await storedSpec(deps, name), diff === 'true');
    return planPage({
        links,
        spec: document.spec,
        source: document.source,
        target: document.target,
        plan: document,
        ...(document.diff ? { diff: document.diff } : {}),
    });
};

function asset(contentType: string, text: string): ApiHandler {
    return () =>
        Promise.resolve({
            status: 200,
            headers: { 'Content-Type': contentType, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' },
            text,
        });
}

const join = (mount: PageMount, route: string) =>
    mount.route === '' ? route : route === '' ? mount.route : `${mount.route}/${route}`;

/** The pages (and their stylesheet and script) as routes of a host, under its mount. */
export function pageRoutes(mount: PageMount): ApiRoute[] {
    return [
        { name: 'dashboard', method: 'GET', route: join(mount, ''), handler: pageHandler(mount, home) },
        { name: 'dashboardRun', method: 'GET', route: join(mount, 'runs/{id}'), handler: pageHandler(mount, run) },
        {
            name: 'dashboardPlan',
            method: 'GET',
            route: join(mount, 'specs/{name}/plan'),
            handler: pageHandler(mount, plan),
        },
        {
            name: 'dashboardStyles',
            method: 'GET',
            route: join(mount, 'assets/dashboard.css'),
            handler: asset('text/css; charset=utf-8', DASHBOARD_CSS),
        },
        {
            name: 'dashboardScript',
            method: 'GET',
            route: join(mount, 'assets/dashboard.js'),
            handler: asset('text/javascript; charset=utf-8', DASHBOARD_JS),
        },
        {
            name: 'dashboardIcon',
            method: 'GET',
            route: join(mount, 'assets/icon.svg'),
            handler: asset('image/svg+xml', DASHBOARD_ICON),
        },
    ];
}
