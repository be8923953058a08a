/**
 * The simulator's one seeded PRNG (sfc32): generated data and injected faults are identical for the same seed on
 * every machine and Node version. Math.random is never used.
 */
const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const GUID_CODES = new Array<number>(36).fill(0);

export class Prng {
    private a: number;
    private b: number;
    private c: number;
    private d: number;

    constructor(seed: number | string) {
        // Expand the seed into four 32-bit words with a string hash (cyrb128).
        const text = String(seed);
        let h1 = 1779033703;
        let h2 = 3144134277;
        let h3 = 1013904242;
        let h4 = 2773480762;
        for (let i = 0; i < text.length; i++) {
            const k = text.charCodeAt(i);
            h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
            h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
            h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
            h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
        }
        h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
        h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
        h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
        h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
        this.a = (h1 ^ h2 ^ h3 ^ h4) >>> 0;
        this.b = (h2 ^ h1) >>> 0;
        this.c = (h3 ^ h1) >>> 0;
        this.d = (h4 ^ h1) >>> 0;
        for (let i = 0; i < 12; i++) this.nextUint32();
    }

    /** Next unsigned 32-bit integer. */
    nextUint32(): number {
        const t = (((this.a + this.b) | 0) + this.d) | 0;
        this.d = (this.d + 1) | 0;
        this.a = this.b ^ (this.b >>> 9);
        this.b = (this.c + (this.c << 3)) | 0;
        this.c = (this.c << 21) | (this.c >>> 11);
        this.c = (this.c + t) | 0;
        return t >>> 0;
    }

    /** Uniform float in [0, 1). */
    next(): number {
        return this.nextUint32() / 4294967296;
    }

    /** Uniform integer in [min, max] (inclusive). */
    int(min: number, max: number): number {
        return min + Math.floor(this.next() * (max - min + 1));
    }

    /** True with probability p. */
    chance(p: number): boolean {
        return this.next() < p;
    }

    pick<T>(items: readonly T[]): T {
        const item = items[Math.floor(this.next() * items.length)];
        if (item === undefined) throw new Error('Prng.pick: empty list');
        return item;
    }

    /** A random version-4 GUID, lowercase, as Dataverse writes ids. */
    guid(): string {
        const words = [
            this.nextUint32(),
            ((this.nextUint32() & 0xffff0fff) | 0x00004000) >>> 0,
            ((this.nextUint32() & 0x3fffffff) | 0x80000000) >>> 0,
            this.nextUint32(),
        ];
        // One flat string from char codes: fast, and ~56 bytes (a template literal leaves a cons-string tree).
        const codes = GUID_CODES;
        let at = 0;
        for (let w = 0; w < 4; w++) {
            const word = words[w]!;
            for (let shift = 28; shift >= 0; shift -= 4) {
                if (at === 8 || at === 13 || at === 18 || at === 23) codes[at++] = 45; // '-'
                codes[at++] = HEX[(word >>> shift) & 15]!;
            }
        }
        return String.fromCharCode.apply(null, codes);
    }
}
