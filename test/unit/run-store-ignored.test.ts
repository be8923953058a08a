/**
 * The CLI's default run store (`.dataverse-migrate/`, created by any run inside the clone) is left out by git,
 * Prettier and ESLint, so a CLI run in the clone never makes `npm test`'s lint step fail on the run's JSON files.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_STORE_ROOT } from '../../src/runlog/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
// A run's documents, at the top of the clone and under a folder the CLI ran in.
const FILES = [
    `${DEFAULT_RUN_STORE_ROOT}/runs/x-20260101-000000-abcd/summary.json`,
    `tools/demo/${DEFAULT_RUN_STORE_ROOT}/index/runs.json`,
];

describe('the default run store', () => {
    it.each(FILES)('git ignores %s', async (file) => {
        // check-ignore exits 0 when the path is ignored, 1 when it is not.
        await expect(promisify(execFile)('git', ['check-ignore', '-q', file], { cwd: ROOT })).resolves.toBeDefined();
    });

    it.each(FILES)('prettier ignores %s', async (file) => {
        const info = await prettier.getFileInfo(path.join(ROOT, file), {
            ignorePath: path.join(ROOT, '.prettierignore'),
        });
        expect(info.ignored).toBe(true);
    });

    it.each(FILES)('eslint ignores %s', async (file) => {
        const eslint = new ESLint({ cwd: ROOT });
        expect(await eslint.isPathIgnored(path.join(ROOT, file.replace(/\.json$/, '.ts')))).toBe(true);
    });
});
