/**
 * Checks on requests that change state, on every host. A web page the user happens to visit can send a POST
 * with a "simple" content type (text/plain, a form) and no preflight, carrying the browser's cookies: that is
 * how a cross-site page started a run with deletes (security review finding 2). So a state-changing request
 * from another origin is refused (403), and POST and PUT take `application/json` only (415), which a page can
 * send cross-site only after a CORS preflight that this API never answers.
 */
import { ApiError } from '../errors.js';

interface CheckedRequest {
    readonly method: string;
    readonly url: string;
    readonly headers: { get(name: string): string | null };
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Fetch metadata values that mean another site sent the request (w3c.github.io/webappsec-fetch-metadata). */
const FOREIGN_SITES = new Set(['cross-site', 'same-site']);

function hostOf(origin: string): string | undefined {
    try {
        return new URL(origin).host.toLowerCase();
    } catch {
        return undefined;
    }
}

/**
 * 403 when a state-changing request comes from another origin: its `Origin` names another host than the one it
 * was sent to (`null`, from sandboxed frames and redirects, is foreign too), or, without `Origin`, its
 * `Sec-Fetch-Site` says another site sent it. Clients that are not browsers send neither and pass.
 */
export function checkOrigin(request: CheckedRequest): void {
    if (!STATE_CHANGING.has(request.method)) return;
    const origin = request.headers.get('origin');
    const own = (request.headers.get('host') ?? new URL(request.url).host).toLowerCase();
    if (origin !== null) {
        if (hostOf(origin) !== own)
            throw new ApiError(
                403,
                'foreign-origin',
                `a ${request.method} from origin ${origin.slice(0, 200)} is refused: only pages of this API may change state`,
            );
        return;
    }
    const site = request.headers.get('sec-fetch-site')?.toLowerCase();
    if (site !== undefined && FOREIGN_SITES.has(site))
        throw new ApiError(
            403,
            'foreign-origin',
            `a ${request.method} sent by another site (Sec-Fetch-Site: ${site}) is refused: only pages of this API may change state`,
        );
}

/** 415 unless a POST or PUT says its body is JSON (`application/json`, parameters such as charset allowed). */
export function checkJsonBody(request: CheckedRequest): void {
    if (!WITH_BODY.has(request.method)) return;
    const type = request.headers.get('content-type');
    const media = type?.split(';')[0]?.trim().toLowerCase();
    if (media !== 'application/json')
        throw new ApiError(
            415,
            'unsupported-media-type',
            `a ${request.method} body must be JSON: send Content-Type: application/json (got ${type === null ? 'none' : type.slice(0, 100)})`,
        );
}
