/**
 * Fake values of each kind, made from the bytes of an HMAC (mask-value.ts): the same bytes always make the same
 * value, and nothing of the source value survives but its length (free text). Word lists are short and invented
 * data only (example.com mail, the 555 phone range reserved for fiction).
 */
import type { FakeKind } from '../spec/index.js';

const FIRST = [
    'Alex',
    'Ana',
    'Ben',
    'Carla',
    'Dana',
    'Eli',
    'Fatima',
    'Gus',
    'Hana',
    'Ivan',
    'Jun',
    'Kira',
    'Liam',
    'Maya',
    'Noor',
    'Omar',
    'Pia',
    'Quinn',
    'Rosa',
    'Sam',
    'Tess',
    'Uma',
    'Vik',
    'Wren',
    'Yara',
    'Zane',
    'Ines',
    'Theo',
    'Lena',
    'Marco',
    'Nia',
    'Owen',
];
const LAST = [
    'Adler',
    'Baker',
    'Costa',
    'Diaz',
    'Evans',
    'Fischer',
    'Garcia',
    'Hughes',
    'Ito',
    'Jensen',
    'Kowalski',
    'Lopez',
    'Meyer',
    'Novak',
    'Okafor',
    'Price',
    'Quint',
    'Rossi',
    'Silva',
    'Tanaka',
    'Udall',
    'Vance',
    'Walsh',
    'Xu',
    'Young',
    'Zimmer',
    'Moreau',
    'Berg',
    'Nolan',
    'Reyes',
    'Sato',
    'Wood',
];
const STREETS = ['Oak', 'Maple', 'Cedar', 'Elm', 'Birch', 'Willow', 'Pine', 'Hazel', 'Aspen', 'Linden'];
const STREET_KINDS = ['Street', 'Road', 'Lane', 'Avenue', 'Way', 'Close', 'Drive', 'Court'];
const CITIES = [
    'Fairview',
    'Riverton',
    'Lakeside',
    'Brookfield',
    'Greenville',
    'Hillcrest',
    'Westbury',
    'Northgate',
    'Ashford',
    'Millbrook',
    'Stonebridge',
    'Clearwater',
    'Oakridge',
    'Kingsport',
    'Elmwood',
    'Redcliff',
];
const COMPANY_WORDS = ['Blue', 'North', 'Bright', 'Silver', 'Summit', 'Harbor', 'Nova', 'Prime', 'Vertex', 'Atlas'];
const COMPANY_NOUNS = ['Works', 'Systems', 'Partners', 'Labs', 'Trading', 'Foods', 'Logistics', 'Studio'];
const COMPANY_FORMS = ['Ltd', 'Inc', 'LLC', 'GmbH', 'Co'];
const WORDS = [
    'lorem',
    'ipsum',
    'dolor',
    'sit',
    'amet',
    'consectetur',
    'adipiscing',
    'elit',
    'sed',
    'do',
    'eiusmod',
    'tempor',
    'incididunt',
    'ut',
    'labore',
    'et',
    'dolore',
    'magna',
    'aliqua',
    'enim',
    'ad',
    'minim',
    'veniam',
    'quis',
];

/** Reads the digest's bytes in turn, to pick list entries and digits. */
class Bytes {
    private at = 0;
    constructor(private readonly digest: Buffer) {}
    next(): number {
        const byte = this.digest[this.at % this.digest.length]!;
        this.at++;
        return byte;
    }
    pick<T>(list: readonly T[]): T {
        return list[((this.next() << 8) | this.next()) % list.length]!;
    }
    digits(count: number): string {
        let text = '';
        for (let i = 0; i < count; i++) text += String(this.next() % 10);
        return text;
    }
}

/** 64 bits of the digest as hex: what keeps unique fakes apart (collisions ~ n^2 / 2^65). */
export function uniqueSuffix(digest: Buffer): string {
    return digest.subarray(24, 32).toString('hex');
}

/** A fake value of `kind` for a digest; `length` is the source text's length (free text keeps it). */
export function fakeValue(kind: FakeKind, digest: Buffer, length: number): string {
    const bytes = new Bytes(digest);
    switch (kind) {
        case 'name':
            return `${bytes.pick(FIRST)} ${bytes.pick(LAST)}`;
        case 'firstName':
            return bytes.pick(FIRST);
        case 'lastName':
            return bytes.pick(LAST);
        case 'email':
            // Always unique: two addresses never share a mask, so e-mail keys and duplicate detection keep working.
            return `${bytes.pick(FIRST)}.${bytes.pick(LAST)}.${uniqueSuffix(digest)}@example.com`.toLowerCase();
        case 'phone':
            return `+1 555 ${bytes.digits(3)} ${bytes.digits(4)}`;
        case 'addressLine':
            return `${1 + (((bytes.next() << 8) | bytes.next()) % 9999)} ${bytes.pick(STREETS)} ${bytes.pick(STREET_KINDS)}`;
        case 'city':
            return bytes.pick(CITIES);
        case 'postcode':
            return bytes.digits(5);
        case 'company':
            return `${bytes.pick(COMPANY_WORDS)} ${bytes.pick(COMPANY_NOUNS)} ${bytes.pick(COMPANY_FORMS)}`;
        case 'text': {
            let text = '';
            while (text.length < length) text += (text ? ' ' : '') + bytes.pick(WORDS);
            return text.slice(0, length);
        }
    }
}

const longest = (list: readonly string[]) => Math.max(...list.map((w) => w.length));

/** The longest value a fake of `kind` can be (free text: as long as the source), before a unique suffix. */
export function longestFake(kind: FakeKind, sourceMax: number): number {
    switch (kind) {
        case 'name':
            return longest(FIRST) + 1 + longest(LAST);
        case 'firstName':
            return longest(FIRST);
        case 'lastName':
            return longest(LAST);
        case 'email':
            return longest(FIRST) + 1 + longest(LAST) + 1 + 16 + '@example.com'.length;
        case 'phone':
            return '+1 555 000 0000'.length;
        case 'addressLine':
            return 4 + 1 + longest(STREETS) + 1 + longest(STREET_KINDS);
        case 'city':
            return longest(CITIES);
        case 'postcode':
            return 5;
        case 'company':
            return longest(COMPANY_WORDS) + 1 + longest(COMPANY_NOUNS) + 1 + longest(COMPANY_FORMS);
        case 'text':
            return sourceMax;
    }
}
