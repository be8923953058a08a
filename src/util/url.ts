/**
 * URL facts shared by the spec validator, the Dataverse client and the settings readers: which hosts are this
 * machine. Plain http and credential-free access are allowed only there (the local simulator or storage
 * emulator), so every side must agree on the list.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The host name is a loopback address (`127.0.0.1`, `localhost`, `[::1]`). */
export function isLoopbackHost(hostname: string): boolean {
    return LOOPBACK_HOSTS.has(hostname);
}

/** `url` parses and points at a loopback host; false for anything that is not a URL. */
export function isLoopbackUrl(url: string): boolean {
    try {
        return isLoopbackHost(new URL(url).hostname);
    } catch {
        return false;
    }
}

/** https anywhere; plain http only to a loopback host (the local simulator or storage emulator). */
export function isHttpsOrLoopback(url: URL): boolean {
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}
