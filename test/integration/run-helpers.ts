/** Shared pieces of the end-to-end run tests: two simulators, a spec file, the CLI in-process. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimulatorOptions } from '../../tools/dataverse-sim/src/index.js';
import { cli } from '../helpers/cli.js';

export type Sim = Awaited<ReturnType<typeof startSimulator>>;

export interface Pair {
    source: Sim;
    target: Sim;
    dir: string;
    close(): Promise<void>;
}

export async function simulatorPair(source: SimulatorOptions, target: SimulatorOptions): Promise<Pair> {
    const [s, t] = await Promise.all([startSimulator(source), startSimulator(target)]);
    const dir = await mkdtemp(join(tmpdir(), 'dvm-run-'));
    return { source: s, target: t, dir, close: () => Promise.all([s.close(), t.close()]).then(() => undefined) };
}

export async function writeSpec(pair: Pair, spec: Record<string, unknown>, file = 'spec.json'): Promise<string> {
    const path = join(pair.dir, file);
    await writeFile(path, JSON.stringify({ source: { url: pair.source.url }, target: { url: pair.target.url }, ...spec }, null, 2));
    return path;
}

/** The CLI in the pair's folder, with its run store there. */
export function dvm(pair: Pair, argv: string[]) {
    return cli([...argv, ...(argv[0] === 'run' || argv[0] === 'runs' || argv[0] === 'log' ? ['--log-dir', join(pair.dir, 'log')] : [])], { cwd: pair.dir });
}
