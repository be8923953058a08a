/** "Did you mean" suggestions for misspelt names: the candidates closest by edit distance. */

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
 * adjacent characters each cost 1, so `nmae` is one step from `name`.
 */
export function editDistance(a: string, b: string): number {
    const rows = a.length + 1;
    const cols = b.length + 1;
    const d: number[] = new Array<number>(rows * cols).fill(0);
    const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
    for (let i = 0; i < rows; i++) d[i * cols] = i;
    for (let j = 0; j < cols; j++) d[j] = j;
    for (let i = 1; i < rows; i++) {
        for (let j = 1; j < cols; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                best = Math.min(best, at(i - 2, j - 2) + 1);
            d[i * cols + j] = best;
        }
    }
    return at(a.length, b.length);
}

/** Up to `limit` candidates within a distance that grows with the name's length, closest first. */
export function closeMatches(name: string, candidates: Iterable<string>, limit = 3): string[] {
    const lower = name.toLowerCase();
    const maxDistance = Math.max(1, Math.min(3, Math.floor(lower.length / 3)));
    const scored: Array<{ candidate: string; distance: number }> = [];
    for (const candidate of candidates) {
        const c = candidate.toLowerCase();
        const distance =
            c.includes(lower) || lower.includes(c) ? Math.abs(c.length - lower.length) / 10 : editDistance(lower, c);
        if (distance <= maxDistance && candidate !== name) scored.push({ candidate, distance });
    }
    scored.sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate));
    return scored.slice(0, limit).map((s) => s.candidate);
}

/** " (did you mean 'a' or 'b'?)" or "" when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
    const matches = closeMatches(name, candidates);
    if (matches.length === 0) return '';
    return ` (did you mean ${matches.map((m) => `'${m}'`).join(' or ')}?)`;
}
