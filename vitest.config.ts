import { defineConfig } from 'vitest/config';

export default defineConfig({
    test: {
        include: ['test/**/*.test.ts', 'tools/dataverse-sim/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
        testTimeout: 30_000,
        hookTimeout: 30_000,
        pool: 'forks',
        // The JSON report lets .ci/run print a plain "N passed, N failed" line.
        reporters: ['default', 'json'],
        outputFile: { json: '.runs/test-report.json' },
    },
});
