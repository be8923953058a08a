import { describe, expect, it } from 'vitest';
import { closeMatches, didYouMean, editDistance } from '../../src/util/suggest.js';

describe('did-you-mean suggestions', () => {
    it('counts a transposition as one edit', () => {
        expect(editDistance('nmae', 'name')).toBe(1);
        expect(editDistance('account', 'acount')).toBe(1);
        expect(editDistance('kitten', 'sitting')).toBe(3);
        expect(editDistance('', 'abc')).toBe(3);
    });

    it('suggests close names, closest first, and nothing for far ones', () => {
        expect(closeMatches('nmae', ['name', 'fullname', 'telephone1'])).toEqual(['name']);
        expect(closeMatches('acount', ['account', 'contact', 'lead'])[0]).toBe('account');
        expect(closeMatches('zzzzzz', ['account', 'contact'])).toEqual([]);
        expect(didYouMean('pagesize', ['pageSize', 'writeBatchSize'])).toBe(" (did you mean 'pageSize'?)");
        expect(didYouMean('xyz', ['account'])).toBe('');
    });
});
