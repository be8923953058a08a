/**
 * What `run` starts: a new run of a spec file, the continuation of an interrupted run (`--resume`), or a
 * new run that retries only the rows an earlier run failed (`--retry-failed`). Every problem is bad input
 * (exit 2) before anything is written: an unknown run, a stored spec that is no longer valid, credentials.
 */
import { RunDocumentError } from '../run/activity-failure.js';
import { loadRunSpec } from '../run/run-context.js';
import { newRunId } from '../run/run-id.js';
import type { RunStore } from '../runlog/types.js';
import type { MigrationSpec } from '../spec/index.js';
import type { RunInput } from '../orchestrators/contracts.js';
import { clientsForSpec } from './clients.js';
import { BadInputError, type CliIo } from './io.js';
import { requireRunId } from './run-id-input.js';
import { requireSpec } from './spec-input.js';

export type RunStart =
    | { kind: 'resume'; runId: string; specName: string; spec: MigrationSpec }
    | { kind: 'new'; runId: string; specName: string; spec: MigrationSpec; input: RunInput };

/** The stored spec of an earlier run, for `option` (`--resume`, `--retry-failed`). */
async function storedSpec(store: RunStore, root: string, runId: string, option: string): Promise<MigrationSpec> {
    requireRunId(runId, option);
    const spec = await loadRunSpec(store, runId).catch((error: unknown) => {
        if (error instanceof RunDocumentError)
            throw new BadInputError([`${option}: the stored spec of run '${runId}' is not valid`]);
        throw error;
    });
    if (spec === undefined) throw new BadInputError([`${option}: no run '${runId}' in ${root}`]);
    return spec;
}

export async function runStart(
    opts: { spec?: string | undefined; resume?: string | undefined; retryFailed?: string | undefined },
    store: RunStore,
    root: string,
    io: CliIo,
): Promise<RunStart> {
    const given = [opts.spec && '--spec', opts.resume && '--resume', opts.retryFailed && '--retry-failed'].filter(
        Boolean,
    );
    if (given.length > 1) throw new BadInputError([`use one of ${given.join(', ')}, not several`]);
    if (opts.resume !== undefined) {
        const spec = await storedSpec(store, root, opts.resume, '--resume');
        clientsForSpec(spec, io);
        return { kind: 'resume', runId: opts.resume, specName: spec.name, spec };
    }
    if (opts.retryFailed !== undefined) {
        const spec = await storedSpec(store, root, opts.retryFailed, '--retry-failed');
        clientsForSpec(spec, io);
        const runId = newRunId(spec.name);
        return {
            kind: 'new',
            runId,
            specName: spec.name,
            spec,
            input: { runId, spec, trigger: 'cli', retryOf: opts.retryFailed },
        };
    }
    if (opts.spec === undefined) throw new BadInputError(['missing --spec FILE (or --resume RUNID)']);
    const { spec } = await requireSpec(opts.spec, io);
    clientsForSpec(spec, io); // credential problems are bad input, before anything is written
    const runId = newRunId(spec.name);
    // The plan activity validates the spec again: activities trust no input.
    return { kind: 'new', runId, specName: spec.name, spec, input: { runId, spec, trigger: 'cli' } };
}
