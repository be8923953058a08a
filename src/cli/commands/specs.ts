/**
 * `dataverse-migrate specs list | show NAME | put FILE | delete NAME | next [NAME]`: the stored specs `serve` runs on
 * their schedules, in the same store (the `specs/` folder of the run store), through the same rules as
 * `PUT|GET|DELETE /api/specs`: a put is validated like the API validates it (every problem with its path, no
 * secret, a schedule that fires), may carry the ETag of a read, and a spec is not deleted while its run goes on.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { disallowedUrl } from '../../api/allow-list.js';
import { specDocumentProblems } from '../../api/spec-input.js';
import { specEtag } from '../../api/specs.js';
import {
    deleteStoredSpec,
    describeStoredSpec,
    nextOccurrences,
    putStoredSpec,
    type StoredSpecView,
} from '../../schedule/index.js';
import { readSpecDocument, type InputProblem } from '../../spec/index.js';
import { SpecStoreError, type StoredSpec } from '../../specstore/index.js';
import { defineCommand } from '../command.js';
import { BadInputError, ExitCode, type CliIo } from '../io.js';
import { when } from '../render.js';
import { renderSpec, renderSpecList, renderUpcoming, type UpcomingRun } from '../spec-render.js';
import { requireSpecName, specProblems } from '../spec-input.js';
import { cliSpecs, type CliSpecs } from '../store.js';

const ACTIONS = ['list', 'show', 'put', 'delete', 'next'] as const;
type Action = (typeof ACTIONS)[number];

const options = z.object({
    name: z.string().optional(),
    schedule: z.string().optional(),
    ifMatch: z.string().min(1).optional(),
    count: z.coerce.number().int().min(1).max(100),
    json: z.boolean().optional(),
    logDir: z.string().optional(),
});
type SpecsOptions = z.output<typeof options>;

/** The options that belong to one action only; any other action refuses them rather than ignore them. */
const ONLY_FOR: Record<string, { flag: string; actions: readonly Action[] }> = {
    name: { flag: '--name', actions: ['put'] },
    schedule: { flag: '--schedule', actions: ['put'] },
    ifMatch: { flag: '--if-match', actions: ['put', 'delete'] },
};

function bad(message: string): BadInputError {
    return new BadInputError([message]);
}

function parseAction(raw: string | undefined): Action {
    const action = ACTIONS.find((a) => a === raw);
    if (action === undefined) throw bad(`unknown action '${raw ?? ''}': use ${ACTIONS.join(', ')}`);
    return action;
}

function checkOptions(action: Action, opts: SpecsOptions, target: string | undefined): void {
    for (const [key, rule] of Object.entries(ONLY_FOR))
        if (opts[key as keyof SpecsOptions] !== undefined && !rule.actions.includes(action))
            throw bad(`${rule.flag} goes with specs ${rule.actions.join(' or ')}, not specs ${action}`);
    if (action === 'list' && target !== undefined) throw bad(`specs list takes no argument (got '${target}')`);
    if ((action === 'show' || action === 'delete') && target === undefined)
        throw bad(`specs ${action} needs the spec's NAME`);
    if (action === 'put' && target === undefined) throw bad('specs put needs the spec FILE (JSON)');
}

async function storedOrFail(ctx: CliSpecs, name: string): Promise<StoredSpec> {
    const stored = await ctx.specs.get(requireSpecName(name, 'NAME'));
    if (stored === undefined) throw bad(`no stored spec '${name}' in ${ctx.specs.location}`);
    return stored;
}

function printJson(io: CliIo, value: unknown): void {
    io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

async function list(io: CliIo, ctx: CliSpecs, opts: SpecsOptions): Promise<ExitCode> {
    const now = new Date();
    const views = await Promise.all(
        (await ctx.specs.list()).map((stored) => describeStoredSpec(ctx.lookup, ctx.specs, stored, now)),
    );
    if (opts.json) printJson(io, { specs: views });
    else io.stdout(`${renderSpecList(views, ctx.specs.location)}\n`);
    return ExitCode.Success;
}

async function show(io: CliIo, ctx: CliSpecs, opts: SpecsOptions, name: string): Promise<ExitCode> {
    const stored = await storedOrFail(ctx, name);
    const view = await describeStoredSpec(ctx.lookup, ctx.specs, stored, new Date());
    if (opts.json) printJson(io, { ...view, spec: stored.spec });
    else io.stdout(`${renderSpec(view, stored.spec)}\n`);
    return ExitCode.Success;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The file's document with --name and --schedule applied: what is stored is what runs. */
function withOverrides(document: unknown, opts: SpecsOptions): unknown {
    if (!isRecord(document)) return document;
    let changed: Record<string, unknown> = document;
    if (opts.name !== undefined) changed = { ...changed, name: opts.name };
    if (opts.schedule !== undefined)
        changed = {
            ...changed,
            options: { ...(isRecord(changed.options) ? changed.options : {}), schedule: opts.schedule },
        };
    return changed;
}

/** A problem of a value given on the command line names its option, not the spec path it was put at. */
function optionPath(problem: InputProblem, opts: SpecsOptions): InputProblem {
    if (opts.name !== undefined && problem.path === 'name') return { ...problem, path: '--name' };
    if (opts.schedule !== undefined && problem.path === 'options.schedule') return { ...problem, path: '--schedule' };
    return problem;
}

async function put(io: CliIo, ctx: CliSpecs, opts: SpecsOptions, file: string): Promise<ExitCode> {
    const read = await readSpecDocument(resolve(io.cwd, file));
    if (!read.ok) throw specProblems(file, read.problems);
    const checked = specDocumentProblems(withOverrides(read.document, opts));
    if (!checked.ok)
        throw specProblems(
            file,
            checked.problems.map((p) => optionPath(p, opts)),
        );
    const name = requireSpecName(checked.spec.name, opts.name !== undefined ? '--name' : 'name');
    let result;
    try {
        result = await putStoredSpec(ctx.specs, name, checked.document, checked.spec, {
            ...(opts.ifMatch !== undefined ? { ifMatch: specEtag(opts.ifMatch) } : {}),
        });
    } catch (error) {
        if (error instanceof SpecStoreError && error.code === 'conflict')
            throw bad(`spec '${name}' changed since it was read (--if-match ${opts.ifMatch ?? ''}): show it again`);
        throw error;
    }
    const view = await describeStoredSpec(ctx.lookup, ctx.specs, result.stored, new Date());
    // serve refuses to start what the allow-list does not name; say so now rather than at the first tick.
    const outside = disallowedUrl(io.env, checked.spec);
    if (outside !== undefined)
        io.stderr(
            `warning: serve will not start it: ${outside} is not in DATAVERSE_ALLOWED_URLS (unset, only loopback simulator URLs are allowed)\n`,
        );
    if (opts.json) printJson(io, { created: result.created, ...view });
    else {
        const runs = view.schedule === undefined ? 'no schedule: it runs when started' : nextRunLine(view);
        io.stdout(`${result.created ? 'stored' : 'replaced'} spec '${name}' (${runs}), etag ${view.etag}\n`);
    }
    return ExitCode.Success;
}

function nextRunLine(view: StoredSpecView): string {
    return view.nextRunAt
        ? `schedule '${view.schedule}', next run ${when(view.nextRunAt)}`
        : `schedule '${view.schedule}'`;
}

async function remove(io: CliIo, ctx: CliSpecs, opts: SpecsOptions, name: string): Promise<ExitCode> {
    const outcome = await deleteStoredSpec(ctx.lookup, ctx.specs, requireSpecName(name, 'NAME'), {
        ...(opts.ifMatch !== undefined ? { ifMatch: specEtag(opts.ifMatch) } : {}),
    }).catch((error: unknown) => {
        if (error instanceof SpecStoreError && error.code === 'conflict')
            throw bad(`spec '${name}' changed since it was read (--if-match ${opts.ifMatch ?? ''}): show it again`);
        throw error;
    });
    switch (outcome.kind) {
        case 'not-found':
            throw bad(`no stored spec '${name}' in ${ctx.specs.location}`);
        case 'running':
            throw bad(
                `spec '${name}' has a run in progress (${outcome.runId}): cancel it or wait for it to finish, then delete the spec`,
            );
        case 'busy':
            throw bad(`spec '${name}' is being started by serve right now: try again`);
        case 'deleted':
            if (opts.json) printJson(io, { deleted: name });
            else io.stdout(`deleted spec '${name}'\n`);
            return ExitCode.Success;
    }
}

async function next(io: CliIo, ctx: CliSpecs, opts: SpecsOptions, name: string | undefined): Promise<ExitCode> {
    const specs = name === undefined ? await ctx.specs.list() : [await storedOrFail(ctx, name)];
    const now = new Date();
    const upcoming: UpcomingRun[] = specs
        .flatMap((stored) =>
            stored.meta.schedule === undefined
                ? []
                : nextOccurrences(stored.meta.schedule, now, opts.count).map((at) => ({
                      spec: stored.name,
                      at: at.toISOString(),
                  })),
        )
        .sort((a, b) => a.at.localeCompare(b.at) || a.spec.localeCompare(b.spec));
    if (opts.json) printJson(io, { next: upcoming });
    else io.stdout(`${renderUpcoming(upcoming)}\n`);
    if (name !== undefined && upcoming.length === 0) {
        const schedule = specs[0]?.meta.schedule;
        io.stderr(
            schedule === undefined
                ? `spec '${name}' has no schedule: it runs only when started\n`
                : `spec '${name}' has schedule '${schedule}', which never fires\n`,
        );
    }
    return ExitCode.Success;
}

export const specsCommand = defineCommand({
    name: 'specs',
    define: (command) =>
        command
            .description(
                'stored specs, as serve runs them on their schedules: list, show NAME, put FILE, delete NAME, next [NAME]',
            )
            .argument('<action>', `one of ${ACTIONS.join(', ')}`)
            .argument('[target]', 'the spec NAME (show, delete, next), or the spec FILE to put')
            .option('--name <name>', 'put: store the spec under this name (its "name" becomes NAME)')
            .option('--schedule <ncrontab>', "put: the spec's schedule (options.schedule), six NCRONTAB fields, UTC")
            .option('--if-match <etag>', 'put, delete: only if the spec still has this ETag (as show prints it)')
            .option('--count <n>', 'next: fire times per spec', '5')
            .option('--json', 'print JSON instead of human output')
            .option('--log-dir <dir>', 'run store folder (default ./.dataverse-migrate, or DATAVERSE_MIGRATE_LOG_DIR)'),
    options,
    async run(opts, { io, args }) {
        const action = parseAction(args[0]);
        const target = args[1];
        checkOptions(action, opts, target);
        const ctx = cliSpecs(io, opts.logDir);
        try {
            switch (action) {
                case 'list':
                    return await list(io, ctx, opts);
                case 'show':
                    return await show(io, ctx, opts, target!);
                case 'put':
                    return await put(io, ctx, opts, target!);
                case 'delete':
                    return await remove(io, ctx, opts, target!);
                case 'next':
                    return await next(io, ctx, opts, target);
            }
        } finally {
            await ctx.close();
        }
    },
});
