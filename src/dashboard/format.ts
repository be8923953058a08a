/** Numbers, times and statuses as the pages show them: the same words everywhere, in English, times in UTC. */
import { html, type SafeHtml } from './html.js';

export function count(n: number): string {
    return n.toLocaleString('en-US');
}

/** `45 s`, `12 min 5 s`, `3 h 20 min`. */
export function duration(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
    const h = Math.floor(m / 60);
    return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** An ISO 8601 instant as `2026-12-07 23:15 UTC`, machine-readable in `datetime`. */
export function time(iso: string | undefined | null): SafeHtml {
    if (!iso) return html`—`;
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return html`${iso}`;
    const text = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    return html`<time datetime="${date.toISOString()}">${text}</time>`;
}

const STATUS_LABELS: Readonly<Record<string, string>> = {
    'never-run': 'Never run',
    pending: 'Pending',
    'in-progress': 'In progress',
    running: 'In progress',
    succeeded: 'Succeeded',
    failed: 'Failed',
    cancelled: 'Cancelled',
    invalid: 'Invalid',
    'credentials-required': 'Credentials required',
};

/** Statuses that are still moving. */
export const LIVE_STATUSES: ReadonlySet<string> = new Set(['pending', 'in-progress', 'running']);

/** A status as a badge: words first (never color alone), a class for its color. */
export function statusBadge(status: string): SafeHtml {
    const kind = /^[a-z-]+$/.test(status) ? status : 'unknown';
    return html`<span class="status status-${kind}">${STATUS_LABELS[status] ?? status}</span>`;
}

/** Rows per second over the time the rows took; undefined before there is anything to measure. */
export function ratePerSecond(rows: number, ms: number): number | undefined {
    return rows > 0 && ms > 0 ? rows / (ms / 1000) : undefined;
}

export function rateText(rate: number | undefined): string {
    if (rate === undefined) return '—';
    return `${rate >= 10 ? count(Math.round(rate)) : rate.toFixed(1)} rows/s`;
}

/** The time the remaining rows take at this rate; `—` when it cannot be known. */
export function timeLeft(remaining: number | undefined, rate: number | undefined): string {
    if (remaining === undefined || rate === undefined) return '—';
    return remaining <= 0 ? 'done' : `about ${duration((remaining / rate) * 1000)}`;
}
