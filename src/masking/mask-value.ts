/**
 * One masking rule applied to one source value. Deterministic: HMAC-SHA-256 keyed by the spec's salt over the rule's
 * domain and the value, so the same value masks the same in every table, column and run of a spec (joins, duplicates
 * and keys stay consistent), while without the salt a mask cannot be traced back by hashing guesses. The domain is
 * the kind of value, never the table or column: the same e-mail in contact and lead masks the same.
 * Node's own crypto: no dependency needed.
 */
import { createHmac } from 'node:crypto';
import type { MaskRule } from '../spec/index.js';
import { fakeValue, longestFake, uniqueSuffix } from './fake-values.js';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function digestOf(salt: string, domain: string, value: string): Buffer {
    return createHmac('sha256', salt).update(`${domain}\u0000${value}`).digest();
}

/** E-mail addresses compare case-insensitively: `A@x.com` and `a@x.com` are one address and mask the same. */
function normalised(rule: MaskRule, value: string): string {
    return rule.rule === 'fake' && rule.kind === 'email' ? value.trim().toLowerCase() : value;
}

/** A number in [0, 1) from the first 6 bytes of a digest. */
function fraction(digest: Buffer): number {
    return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The masked value of `value` under `rule`; null stays null (except a fixed rule, which fills every row). */
export function maskValue(rule: MaskRule, value: unknown, salt: string): unknown {
    if (rule.rule === 'null') return null;
    if (rule.rule === 'fixed') return rule.value;
    if (value === null || value === undefined) return null;
    const text = normalised(rule, typeof value === 'string' ? value : JSON.stringify(value));
    switch (rule.rule) {
        case 'fake': {
            let digest = digestOf(salt, rule.kind, text);
            let fake = fakeValue(rule.kind, digest, text.length);
            // A short word list can draw the source's own name: draw again, so a mask never shows the value it hides.
            for (let draw = 1; fake.toLowerCase() === text.toLowerCase() && draw < 8; draw++) {
                digest = digestOf(salt, `${rule.kind}#${draw}`, text);
                fake = fakeValue(rule.kind, digest, text.length);
            }
            return rule.unique && rule.kind !== 'email' ? `${fake} ${uniqueSuffix(digest)}` : fake;
        }
        case 'hash':
            return digestOf(salt, 'hash', text)
                .toString('hex')
                .slice(0, rule.length ?? 32);
        case 'dateShift': {
            const time = Date.parse(text);
            if (Number.isNaN(time)) return null;
            const span = rule.maxDays - rule.minDays + 1;
            const shift = rule.minDays + Math.floor(fraction(digestOf(salt, 'date', text)) * span);
            const shifted = new Date(time + shift * DAY_MS).toISOString();
            return DATE_ONLY.test(text) ? shifted.slice(0, 10) : shifted.replace('.000Z', 'Z');
        }
        case 'numberRange': {
            const scale = 10 ** (rule.decimals ?? 0);
            const low = Math.ceil(rule.min * scale);
            const high = Math.floor(rule.max * scale);
            const steps = Math.max(0, high - low) + 1;
            return (low + Math.floor(fraction(digestOf(salt, 'number', text)) * steps)) / scale;
        }
    }
}

/** The longest text `rule` can write into a column of `maxLength` characters (fixed: its value's length). */
export function longestMask(rule: MaskRule, maxLength: number): number {
    switch (rule.rule) {
        case 'fake':
            return longestFake(rule.kind, maxLength) + (rule.unique && rule.kind !== 'email' ? 17 : 0);
        case 'hash':
            return rule.length ?? 32;
        case 'fixed':
            return String(rule.value).length;
        default:
            return 0;
    }
}
