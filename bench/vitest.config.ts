/**
 * Tests of the benchmark's own logic, alone: `npx vitest run --config bench/vitest.config.ts` (after
 * `npm run build`, which the end-to-end test needs). The root config runs them too, so CI does.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
    test: {
        root: fileURLToPath(new URL('..', import.meta.url)),
        include: ['bench/test/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 60_000,
        pool: 'forks',
    },
});
