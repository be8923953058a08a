/** Number formatting and heap readings shared by the benchmark parts' human output. */

const gc = (globalThis as { gc?: () => void }).gc;

/** Whether the process runs with --expose-gc (the npm script passes it), so heap readings follow a collection. */
export const hasGc = gc !== undefined;

/** Heap in use, MB, after a full collection when one can be forced. */
export function heapMb(): number {
    gc?.();
    return process.memoryUsage().heapUsed / 2 ** 20;
}

export function fmt(n: number, digits = 0): string {
    return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Rounds a figure for the JSON report (ratios to 3 digits, rates and times to 1). */
export function round(n: number, digits: number): number {
    const f = 10 ** digits;
    return Math.round(n * f) / f;
}
