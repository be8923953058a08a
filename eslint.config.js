// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Only the host folders may import the Functions packages. */
const NO_HOST = {
    group: ['@azure/functions', '@azure/functions/*', 'durable-functions', 'durable-functions/*'],
    message: 'Domain code must not import the Functions host or durable-functions.',
};
/** The run's layers, top to bottom: host -> orchestrators -> activities -> copy (rows) -> run (record). */
const LAYERS = 'This import runs against the layers of src (docs/architecture.md).';
/** Nothing in src imports the simulator (a workspace package of its own, a dev tool only) or other tools. */
const NO_TOOLS = {
    group: ['**/tools/**', 'dataverse-sim', 'dataverse-sim/*'],
    message: 'Product code must not import the simulator or tools.',
};

export default tseslint.config(
    { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '.runs/**', '**/.dataverse-migrate/**'] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        rules: {
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
            '@typescript-eslint/consistent-type-imports': 'error',
            // The restrictions below apply per folder.
            'no-restricted-imports': 'off',
        },
    },
    {
        // Domain code stays host-agnostic (DESIGN: triggers are thin): only the host folders may import
        // the Functions packages, and nothing in src imports the simulator or other tools.
        files: ['src/**/*.ts'],
        ignores: ['src/functions/**', 'src/orchestrators/**', 'src/host/**'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [NO_HOST, NO_TOOLS],
                },
            ],
        },
    },
    {
        // The Dataverse client is the lowest layer: it must not depend on the user-input schema (src/spec).
        files: ['src/dataverse/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        { group: ['../spec/*', '../spec'], message: 'src/dataverse must not import src/spec.' },
                        NO_HOST,
                        NO_TOOLS,
                    ],
                },
            ],
        },
    },
    {
        // The layers of a run (docs/architecture.md): activities use copy (rows) and run (the record), never a
        // host; copy is row logic that knows no activity; run is the record that knows no row logic.
        files: ['src/activities/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        NO_HOST,
                        NO_TOOLS,
                        {
                            group: ['../host/*', '../host', '../orchestrators/*', '../api/*', '../cli/*'],
                            message: LAYERS,
                        },
                    ],
                },
            ],
        },
    },
    {
        files: ['src/copy/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        NO_HOST,
                        NO_TOOLS,
                        {
                            group: ['../activities/*', '../orchestrators/*', '../host/*', '../api/*', '../cli/*'],
                            message: LAYERS,
                        },
                    ],
                },
            ],
        },
    },
    {
        // Masking sits under everything that reads the source (environments wrap the source client with it): it knows
        // the spec's rules and the client, never rows' fate.
        files: ['src/masking/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        NO_HOST,
                        NO_TOOLS,
                        {
                            group: [
                                '../copy/*',
                                '../run/*',
                                '../plan/*',
                                '../environments/*',
                                '../activities/*',
                                '../orchestrators/*',
                                '../host/*',
                                '../api/*',
                                '../cli/*',
                            ],
                            message: LAYERS,
                        },
                    ],
                },
            ],
        },
    },
    {
        files: ['src/run/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        NO_HOST,
                        NO_TOOLS,
                        {
                            group: [
                                '../copy/*',
                                '../activities/*',
                                '../orchestrators/*',
                                '../host/*',
                                '../api/*',
                                '../cli/*',
                            ],
                            message: LAYERS,
                        },
                    ],
                },
            ],
        },
    },
    {
        // The HTTP API and the schedules control runs through src/host and read run records in src/run: no row logic.
        files: ['src/api/**/*.ts', 'src/schedule/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                { patterns: [NO_HOST, NO_TOOLS, { group: ['../copy/*', '../activities/*'], message: LAYERS }] },
            ],
        },
    },
    {
        // The dashboard renders models to HTML: it reads nothing itself (src/api gathers what a page shows), so it
        // imports only types from the rest of src.
        files: ['src/dashboard/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        NO_HOST,
                        NO_TOOLS,
                        {
                            group: ['../**'],
                            allowTypeImports: true,
                            message: 'src/dashboard renders what src/api reads: type imports only.',
                        },
                    ],
                },
            ],
        },
    },
    {
        files: ['src/functions/**/*.ts', 'src/host/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [NO_TOOLS],
                },
            ],
        },
    },
    {
        // The local host reaches durable-functions only through its adapter, so a move to v4 replaces one folder
        // (src/host/local/README.md "The SDK seam").
        files: ['src/host/local/**/*.ts'],
        ignores: ['src/host/local/sdk-v3/**'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        NO_TOOLS,
                        {
                            group: ['durable-functions', 'durable-functions/*'],
                            message: 'Only src/host/local/sdk-v3 may import durable-functions.',
                        },
                    ],
                },
            ],
        },
    },
    {
        // Orchestrators are replayed: deterministic generators that only yield SDK tasks (DESIGN principle 3).
        files: ['src/orchestrators/**/*.ts'],
        rules: {
            'no-restricted-syntax': [
                'error',
                { selector: 'AwaitExpression', message: 'Orchestrators yield SDK tasks; they never await.' },
                {
                    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
                    message: 'Use context.df.currentUtcDateTime: Date.now() differs on replay.',
                },
                {
                    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
                    message: 'Use context.df.currentUtcDateTime: new Date() differs on replay.',
                },
                {
                    selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
                    message: 'Use context.df.newGuid(): Math.random() differs on replay.',
                },
                {
                    selector: "MemberExpression[object.name='process'][property.name='env']",
                    message: 'Orchestrators read no settings: pass them in the input.',
                },
                { selector: "Identifier[name='setTimeout']", message: 'Use context.df.createTimer.' },
            ],
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        {
                            group: ['node:*', 'fs', 'fs/*', 'http', 'https', 'crypto'],
                            message: 'Orchestrators do no I/O.',
                        },
                        NO_TOOLS,
                        {
                            // Pure rules over counts and the failure marker are shared with the activities;
                            // everything else is by name (typed through src/activities, as types only).
                            group: [
                                '**/dataverse/*',
                                '**/copy/*',
                                '**/run/*',
                                '!**/run/outcomes.js',
                                '!**/run/summary.js',
                                '!**/run/stop-rules.js',
                                '!**/run/activity-failure.js',
                                '**/environments/*',
                                '**/environments',
                                '**/runlog/*',
                                '**/activities/*',
                                '**/activities',
                                '**/host/*',
                                '**/functions/*',
                            ],
                            allowTypeImports: true,
                            message: 'Orchestrators call activities by name; only type imports of domain modules.',
                        },
                    ],
                },
            ],
        },
    },
    {
        // Tests poke at untyped JSON documents and HTTP bodies on purpose.
        files: ['test/**', 'tools/*/test/**', 'bench/**'],
        rules: {
            '@typescript-eslint/no-explicit-any': 'off',
            '@typescript-eslint/no-unsafe-member-access': 'off',
            '@typescript-eslint/no-unsafe-assignment': 'off',
            '@typescript-eslint/no-unsafe-call': 'off',
            '@typescript-eslint/no-unsafe-argument': 'off',
            '@typescript-eslint/no-unsafe-return': 'off',
            '@typescript-eslint/no-non-null-assertion': 'off',
        },
    },
    prettier,
);
