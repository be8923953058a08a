/**
 * `dataverse-migrate verify --json` over a benchmark's spec (the CLI program, in this process), so every
 * measured migration is checked before its numbers are reported: anything but identical is an error that
 * shows what differs. `verifyRun` returns the verdict as it is, for the chaos suite's table.
 */
import { z } from 'zod';
import type { CliIo } from '../src/cli/io.js';
import { runCli } from '../src/cli/program.js';

const countsSchema = z.object({ source: z.number(), target: z.number(), missing: z.number(), extra: z.number() });
const verifySchema = z.object({
    identical: z.boolean(),
    tables: z.record(z.string(), countsSchema.extend({ different: z.number() })),
    manyToMany: z.record(z.string(), countsSchema),
});
export type VerifyFigures = z.infer<typeof verifySchema>;

export interface VerifyVerdict {
    /** verify's exit code: 0 identical, 1 different. */
    code: number;
    figures: VerifyFigures;
    /** What verify printed, to show what differs. */
    stdout: string;
}

export async function verifyRun(specPath: string): Promise<VerifyVerdict> {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
        stdout: (text) => void (stdout += text),
        stderr: (text) => void (stderr += text),
        isTty: false,
        env: process.env,
        cwd: process.cwd(),
    };
    const code = await runCli(['verify', '--spec', specPath, '--json'], io);
    let parsed: VerifyFigures;
    try {
        parsed = verifySchema.parse(JSON.parse(stdout));
    } catch (error) {
        throw new Error(`verify ${specPath} exited ${code} without its JSON report: ${String(error)}\n${stderr}`);
    }
    return { code, figures: parsed, stdout };
}

export async function verifyIdentical(specPath: string): Promise<VerifyFigures> {
    const { code, figures, stdout } = await verifyRun(specPath);
    if (code !== 0 || !figures.identical) {
        throw new Error(`verify ${specPath}: the target is NOT identical (exit ${code}):\n${stdout}`);
    }
    return figures;
}
