/**
 * The simulator's tests alone: `npm test -w dataverse-sim`. The root `npm test` runs them too (the root config
 * includes tools/dataverse-sim/test), so CI does.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
    test: {
        include: ['test/**/*.test.ts'],
        testTimeout: 30_000,
        hookTimeout: 30_000,
        pool: 'forks',
    },
});
