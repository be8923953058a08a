/**
 * Tests of the benchmark's own logic, alone: `npx vitest run --config bench/vitest.config.ts` (after
 * `npm run build`, which the end-to-end test needs). The root config runs them too, so CI does.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
    // As the root config: dataverse-sim resolves to its TypeScript sources, no build of it needed.
    ssr: { resolve: { conditions: ['@dataverse-migrate/source'] } },
    test: {
        root: fileURLToPath(new URL('..', import.meta.url)),
        include: ['bench/test/**/*.test.ts'],
        testTimeout: 60_000,
        hookTimeout: 60_000,
        pool: 'forks',
    },
});
