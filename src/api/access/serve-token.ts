/**
 * The token `serve` lets its own user in with, as Jupyter does: a new random one per start (256 bits), carried
 * once by the URL of the `listening` line, then by an HttpOnly, SameSite=Strict cookie (pages) or an
 * `Authorization: Bearer` header (scripts). Compared in constant time, so response timing tells nothing of it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newServeToken(): string {
    return randomBytes(32).toString('base64url');
}

/** Equal tokens, in time that does not depend on where they differ (hashes first: lengths may differ). */
export function sameToken(presented: string, expected: string): boolean {
    const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
    return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The cookie's name carries the port: cookies are not kept apart by port, so two serves on one machine would
 * otherwise overwrite each other's.
 */
export function tokenCookieName(port: number): string {
    return `dataverse-migrate-${port}`;
}

/**
 * The cookie that carries the token after the first page: HttpOnly (no script reads it), SameSite=Strict (no
 * other site's request carries it), Path=/. No `Secure`: serve speaks plain http on loopback, and a Secure
 * cookie would never be sent back there.
 */
export function tokenCookie(port: number, token: string): string {
    return `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The value of one cookie of a `Cookie` header. */
export function cookieValue(header: string | null, name: string): string | undefined {
    for (const part of (header ?? '').split(';')) {
        const at = part.indexOf('=');
        if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
    }
    return undefined;
}

/** The token of `Authorization: Bearer <token>` (the scheme is case-insensitive, RFC 9110 section 11.1). */
export function bearerToken(header: string | null): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return match?.[1];
}
