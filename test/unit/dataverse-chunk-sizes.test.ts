import { describe, expect, it } from 'vitest';
import { GROW_AFTER_SUCCESSES, LearnedChunkSizes } from '../../src/dataverse/chunk-splitting.js';

describe('LearnedChunkSizes', () => {
    it('keeps the size that went through after a SQL timeout, and grows it back after steady successes', () => {
        const sizes = new LearnedChunkSizes();
        const learner = sizes.learner('UpsertMultiple:account');
        expect(sizes.sizeFor('UpsertMultiple:account', 100)).toBe(100);
        learner.timedOut(100);
        learner.timedOut(50);
        expect(sizes.sizeFor('UpsertMultiple:account', 100)).toBe(25);
        // Another table, or another action, learnt nothing.
        expect(sizes.sizeFor('UpsertMultiple:contact', 100)).toBe(100);
        expect(sizes.sizeFor('UpdateMultiple:account', 100)).toBe(100);
        // A smaller configured size wins.
        expect(sizes.sizeFor('UpsertMultiple:account', 10)).toBe(10);

        for (let i = 0; i < GROW_AFTER_SUCCESSES - 1; i++) learner.succeeded(25);
        learner.succeeded(12); // smaller chunks (a table's last rows) say nothing about 25
        expect(sizes.sizeFor('UpsertMultiple:account', 100)).toBe(25);
        learner.succeeded(25);
        expect(sizes.sizeFor('UpsertMultiple:account', 100)).toBe(50);
        learner.timedOut(50);
        expect(sizes.sizeFor('UpsertMultiple:account', 100)).toBe(25);
    });
});
