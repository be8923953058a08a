/** `dataverse-migrate log RUNID`: the events of one run, or with --errors its failed rows (CSV). */
import { z } from 'zod';
import { failedRowsCsv, readRunFailedRows } from '../../runlog/failed-rows.js';
import { runPaths } from '../../runlog/layout.js';
import { defineCommand } from '../command.js';
import { BadInputError, ExitCode } from '../io.js';
import { requireRunId } from '../run-id-input.js';
import { cliStore } from '../store.js';

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function eventLine(raw: string): string {
    try {
        const { at, type, phase, table, page, message, counts, ...rest } = JSON.parse(raw) as Record<string, unknown>;
        const c = counts as { read: number; written: number; skipped: number; failed: number } | undefined;
        const parts = [
            text(at),
            text(type),
            ...(phase ? [text(phase)] : []),
            ...(table ? [text(table)] : []),
            ...(page !== undefined ? [`page ${text(page)}`] : []),
            ...(c ? [`read ${c.read} written ${c.written} skipped ${c.skipped} failed ${c.failed}`] : []),
            ...(message ? [text(message)] : []),
        ];
        const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
        return `${parts.join('  ')}${extra}`;
    } catch {
        return raw;
    }
}

export const logCommand = defineCommand({
    name: 'log',
    define: (command) =>
        command
            .description('print the events (or the failed rows) of one run')
            .argument('<runId>', 'run id, as listed by `runs`')
            .option('--errors', 'print the failed rows (CSV) instead of the events')
            .option('--json', 'print JSON instead of human output')
            .option('--log-dir <dir>', 'run store folder (default ./.dataverse-migrate)'),
    options: z.object({ errors: z.boolean().optional(), json: z.boolean().optional(), logDir: z.string().optional() }),
    async run(opts, { io, args }) {
        const runId = requireRunId(args[0] ?? '', 'runId');
        const { store, root } = cliStore(io, opts.logDir);
        const paths = runPaths(runId);
        if ((await store.readJson(paths.spec)) === undefined) throw new BadInputError([`no run '${runId}' in ${root}`]);
        if (opts.errors) {
            const rows = await readRunFailedRows(store, runId);
            if (opts.json) io.stdout(`${JSON.stringify({ errors: rows }, null, 2)}\n`);
            else if (rows.length > 0) io.stdout(failedRowsCsv(rows));
            else io.stderr('no failed rows\n');
            return ExitCode.Success;
        }
        const lines = await store.readLines(paths.events);
        if (opts.json)
            io.stdout(`${JSON.stringify({ events: lines.map((l) => JSON.parse(l) as unknown) }, null, 2)}\n`);
        else io.stdout(`${lines.map(eventLine).join('\n')}\n`);
        return ExitCode.Success;
    },
});
