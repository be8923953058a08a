import { defineConfig } from 'vitest/config';

export default defineConfig({
    // The workspace package dataverse-sim resolves to its TypeScript sources through its "@dataverse-migrate/source"
    // export condition (tsconfig.json's customConditions does the same for the type check), so tests need no build of
    // it first. Vitest adds these conditions to its defaults and passes them to its workers' Node as --conditions:
    // a name of our own, so no third-party package's "source" export is picked instead of its build.
    ssr: { resolve: { conditions: ['@dataverse-migrate/source'] } },
    test: {
        testTimeout: 30_000,
        hookTimeout: 30_000,
        pool: 'forks',
        // Vitest's default is one worker per core less one: a single worker on our 2-core CI machines. Most test files
        // wait on simulator and store I/O, so two workers overlap that waiting.
        maxWorkers: 2,
        // The JSON report lets .ci/run print a plain "N passed, N failed" line.
        reporters: ['default', 'json'],
        outputFile: { json: '.runs/test-report.json' },
        projects: [
            {
                extends: true,
                test: {
                    name: 'unit',
                    include: [
                        'test/unit/**/*.test.ts',
                        'tools/dataverse-sim/test/**/*.test.ts',
                        'bench/test/**/*.test.ts',
                    ],
                    // Focused files that start no process and keep no state between files share one module graph
                    // per worker: importing the SDKs again for each of ~140 files cost about a minute.
                    isolate: false,
                },
            },
            {
                extends: true,
                test: {
                    name: 'integration',
                    include: [
                        'test/integration/**/*.test.ts',
                        'test/browser/**/*.test.ts',
                        'test/fixtures/**/*.test.ts',
                    ],
                },
            },
        ],
    },
});
