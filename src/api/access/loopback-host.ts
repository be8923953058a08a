/**
 * serve answers only requests addressed to itself. DNS rebinding points a name the attacker owns at 127.0.0.1,
 * so the victim's browser sends the attacker's page's requests to serve with `Host: attacker.example`; refusing
 * every Host but the loopback names and serve's port stops it (as Jupyter's allow_remote_access does).
 */
import { ApiError } from '../errors.js';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function allowedHosts(port: number): string[] {
    const hosts = LOOPBACK_NAMES.map((name) => `${name}:${port}`);
    // A client leaves the default port out of Host.
    return port === 80 ? [...hosts, ...LOOPBACK_NAMES] : hosts;
}

/** 403 unless the Host header is a loopback name with serve's port. */
export function checkLoopbackHost(host: string | null, port: number): void {
    if (host !== null && allowedHosts(port).includes(host.trim().toLowerCase())) return;
    throw new ApiError(
        403,
        'host-not-allowed',
        `requests to serve must be addressed to ${allowedHosts(port).slice(0, 3).join(', ')}; Host ${host === null ? '(none)' : host.slice(0, 200)} is refused`,
    );
}
