// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '.runs/**'] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        rules: {
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
            '@typescript-eslint/consistent-type-imports': 'error',
            // Domain code must stay host-agnostic (DESIGN: triggers are thin).
            'no-restricted-imports': 'off',
        },
    },
    {
        files: ['src/spec/**', 'src/dataverse/**', 'src/plan/**', 'src/copy/**', 'src/runlog/**', 'src/cli/**'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    paths: [
                        { name: '@azure/functions', message: 'Domain code must not import the Functions host.' },
                        { name: 'durable-functions', message: 'Domain code must not import durable-functions.' },
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
