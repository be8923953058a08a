/** "Did you mean" suggestions for misspelt names: the candidates closest by edit distance. */

export function editDistance(a: string, b: string): number {
    const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = prev[0] ?? 0;
        prev[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = prev[j] ?? 0;
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            prev[j] = Math.min(above + 1, (prev[j - 1] ?? 0) + 1, diagonal + cost);
            diagonal = above;
        }
    }
    return prev[b.length] ?? 0;
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
