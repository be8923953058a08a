/**
 * Run ids: `<spec>-<yyyyMMdd>-<HHmmss>-<4 hex>` (UTC). Readable in a folder listing, sortable by time
 * within a spec, unique enough for one spec started twice in a second, and short enough to be a
 * Durable instance id (at most 100 characters) whose child ids add a short suffix.
 */
import { randomBytes } from 'node:crypto';

export function newRunId(spec: string, now: Date = new Date()): string {
    const iso = now.toISOString(); // 2026-12-01T20:18:00.000Z
    const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
    return `${spec.slice(0, 60)}-${stamp}-${randomBytes(2).toString('hex')}`;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}-\d{8}-\d{6}-[0-9a-f]{4}$/;

export function isRunId(value: string): boolean {
    return RUN_ID.test(value);
}
