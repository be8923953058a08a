import { describe, expect, it } from 'vitest';
import { formatProblem, validateSpec } from '../../src/spec/index.js';

const base = {
    name: 'seed-dev',
    source: { url: 'http://127.0.0.1:5001' },
    target: { url: 'http://127.0.0.1:5002' },
    tables: [{ name: 'account' }, { name: 'contact' }],
};

function problemsOf(subset: unknown): string[] {
    const result = validateSpec({ ...base, subset });
    if (result.ok) throw new Error('expected the spec to be rejected');
    return result.problems.map(formatProblem);
}

describe('spec subset', () => {
    it('takes a seeded share with children, and defaults depth to 1 and children to none', () => {
        const result = validateSpec({
            ...base,
            subset: { seed: 'dev', start: [{ name: 'account', share: 0.05 }], children: [{ name: 'contact' }] },
        });
        expect(result.ok && result.spec.subset).toEqual({
            seed: 'dev',
            start: [{ name: 'account', share: 0.05 }],
            children: [{ name: 'contact' }],
            depth: 1,
        });
        const bare = validateSpec({ ...base, subset: { seed: 'dev', start: [{ name: 'account', count: 3 }] } });
        expect(bare.ok && bare.spec.subset?.children).toEqual([]);
    });

    it('names every problem with its path: a percentage for a share, both share and count, a start that is no slice', () => {
        expect(
            problemsOf({
                seed: 'dev',
                start: [{ name: 'account', share: 5 }, { name: 'contact', share: 0.1, count: 3 }, { name: 'account' }],
            }),
        ).toEqual([
            'subset.start[0].share: expected a share of at most 1 (a share, not a percentage: 0.05 for 5 %)',
            'subset.start[1].count: give a share or a count, not both',
            'subset.start[2]: give a filter, a share or a count: a start that takes every row is not a subset',
            "subset.start[2].name: 'account' starts the subset twice (first at subset.start[0])",
        ]);
    });

    it('refuses tables outside the run, a missing seed, unknown keys and a depth past 10', () => {
        expect(
            problemsOf({
                start: [{ name: 'lead', count: 2 }],
                children: [{ name: 'opportunity', via: 'parentaccountid', through: 'x' }],
                depth: 11,
            }),
        ).toEqual([
            'subset.seed: required: expected the seed, any text (e.g. "dev-2026")',
            "subset.children[0].through: unknown key 'through'",
            'subset.depth: at most 10 child steps',
            "subset.start[0].name: 'lead' is not in tables: the subset takes rows of the run's tables only; add it to tables",
            "subset.children[0].name: 'opportunity' is not in tables: the subset takes rows of the run's tables only; add it to tables",
        ]);
    });
});
