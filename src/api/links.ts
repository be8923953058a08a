/**
 * Absolute links in responses, from the origin the client used, under the Functions route prefix `api`, or
 * `api/automation` for a client that came in through the function-key routes (the links must take it back there).
 */
import type { ApiRequest } from './types.js';

export function apiBase(request: ApiRequest): string {
    const url = new URL(request.url);
    return `${url.origin}${url.pathname.startsWith('/api/automation/') ? '/api/automation' : '/api'}`;
}

export interface RunLinks {
    statusUrl: string;
    logUrl: string;
    errorsUrl: string;
    cancelUrl: string;
}

export function runLinks(request: ApiRequest, runId: string): RunLinks {
    const run = `${apiBase(request)}/migrations/${encodeURIComponent(runId)}`;
    return { statusUrl: run, logUrl: `${run}/log`, errorsUrl: `${run}/errors`, cancelUrl: `${run}/cancel` };
}

export function specUrl(request: ApiRequest, name: string): string {
    return `${apiBase(request)}/specs/${encodeURIComponent(name)}`;
}
