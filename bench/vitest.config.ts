/**
 * Tests of the benchmark's own logic (`npx vitest run --config bench/vitest.config.ts`). Kept apart from the
 * root config, which CI runs: the bench is not part of CI, and its end-to-end test needs `npm run build`.
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
