/** `@odata.nextLink` and `@odata.deltaLink`: the request URL with one query option replaced, the others kept. */
import { cookieEncode } from '../odata/skiptoken.js';

/** The request URL with one query option replaced (or added), other options kept byte for byte. */
export function replaceParam(url: URL, name: string, value: string): string {
    const base = removeParam(url, name);
    const sep = base.includes('?') ? '&' : '?';
    return `${base}${sep}${name}=${name === '$deltatoken' ? cookieEncode(value) : encodeURIComponent(value)}`;
}

export function removeParam(url: URL, name: string): string {
    const parts = url.search
        .replace(/^\?/, '')
        .split('&')
        .filter((p) => p !== '' && decodeURIComponent(p.split('=')[0]!) !== name);
    return `${url.origin}${url.pathname}${parts.length ? `?${parts.join('&')}` : ''}`;
}
