#!/usr/bin/env node
/**
 * `dataverse-sim`: serves one simulated Dataverse environment on 127.0.0.1. When ready it prints exactly
 * one line, `listening http://127.0.0.1:N`, on stdout (diagnostics go to stderr) and runs until SIGINT or
 * SIGTERM. Bad options: one line on stderr, exit code 2.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { loadFaultsFile, resolveLimitsOption } from './gate/index.js';
import { loadPluginsFile } from './data/plugins.js';
import type { SimulatorOptions } from './index.js';
import { startSimulator } from './index.js';
import { loadSecurityFile } from './security/config.js';
import { loadCustomizationsFile } from './server/metadata-writes/config.js';

interface CliOptions {
    port: number;
    schema: string;
    rows?: number;
    activities?: boolean;
    seed?: string;
    data?: string;
    empty?: boolean;
    otherTenant?: boolean;
    limits: string;
    timeScale?: number;
    latency?: number;
    faults?: string;
    plugins?: string;
    security?: string;
    customizations?: string;
    auth: string;
    language?: number;
}

/** Thrown for bad input: the CLI prints its message as one line and exits 2. */
class UsageError extends Error {}

function integer(name: string, min: number) {
    return (value: string): number => {
        if (!/^\d+$/.test(value) || Number(value) < min) {
            throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got '${value}'.`);
        }
        return Number(value);
    };
}

function positiveNumber(name: string, allowZero: boolean) {
    return (value: string): number => {
        const n = Number(value);
        if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
            throw new InvalidArgumentError(
                `${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got '${value}'.`,
            );
        }
        return n;
    };
}

function buildCommand(): Command {
    return new Command('dataverse-sim')
        .description('Local Dataverse Web API simulator: one environment on 127.0.0.1')
        .option('--port <n>', 'port to listen on (0 picks a free one)', integer('--port', 0), 0)
        .option('--schema <crm|file>', "'crm' or a JSON schema / CMT data_schema.xml file", 'crm')
        .option('--rows <n>', 'business rows to generate', integer('--rows', 0))
        .option('--activities', 'with --rows: also e-mails, appointments, phone calls, tasks with parties, and notes')
        .option('--seed <s>', 'generator seed')
        .option('--data <file>', 'CMT data.xml to load instead of generated rows')
        .option('--empty', 'the matching target: system rows only, with new ids')
        .option('--other-tenant', "with --empty: the target is in another Entra ID tenant (users' object ids differ)")
        .option('--limits <dataverse|none|file>', 'service protection limits', 'dataverse')
        .option('--time-scale <x>', 'real seconds per simulated second', positiveNumber('--time-scale', false))
        .option('--latency <ms>', 'latency added to every response', positiveNumber('--latency', true))
        .option('--faults <file>', 'fault injection config (JSON)')
        .option('--plugins <file>', "the environment's own logic that rewrites columns on write (JSON)")
        .option(
            '--security <file>',
            'identities and their security roles (JSON); default: every caller is System Administrator',
        )
        .option(
            '--customizations <file>',
            'publishers, solutions, key index reads and customization lock contention of metadata writes (JSON)',
        )
        .option('--auth <any|strict>', 'bearer token checking', 'any')
        .option(
            '--language <lcid>',
            "the organization's base language, which fixes its collation",
            integer('--language', 1),
        )
        .helpOption('-h, --help', 'show this help')
        .exitOverride()
        .configureOutput({ writeErr: () => undefined, outputError: () => undefined });
}

function toSimulatorOptions(o: CliOptions): SimulatorOptions {
    if (o.auth !== 'any' && o.auth !== 'strict')
        throw new UsageError(`--auth must be 'any' or 'strict', got '${o.auth}'.`);
    if (o.data !== undefined && o.rows !== undefined) throw new UsageError('--data and --rows cannot be combined.');
    const options: SimulatorOptions = { port: o.port, schema: o.schema, auth: o.auth };
    try {
        options.limits = resolveLimitsOption(o.limits);
        if (o.faults !== undefined) options.faults = loadFaultsFile(o.faults);
        if (o.plugins !== undefined) options.plugins = loadPluginsFile(o.plugins);
        if (o.security !== undefined) options.security = loadSecurityFile(o.security);
        if (o.customizations !== undefined) options.customizations = loadCustomizationsFile(o.customizations);
    } catch (err) {
        throw new UsageError(err instanceof Error ? err.message.split('\n').join(' ') : String(err));
    }
    if (o.rows !== undefined) options.rows = o.rows;
    if (o.activities) options.activities = true;
    if (o.seed !== undefined) options.seed = /^\d+$/.test(o.seed) ? Number(o.seed) : o.seed;
    if (o.data !== undefined) options.data = o.data;
    if (o.empty) options.empty = true;
    if (o.otherTenant) {
        if (!o.empty) throw new UsageError('--other-tenant describes an --empty target; add --empty.');
        options.sameTenant = false;
    }
    if (o.timeScale !== undefined) options.timeScale = o.timeScale;
    if (o.latency !== undefined) options.latencyMs = o.latency;
    if (o.language !== undefined) options.languageCode = o.language;
    return options;
}

async function main(argv: string[]): Promise<number> {
    const command = buildCommand();
    let options: SimulatorOptions;
    try {
        command.parse(argv, { from: 'user' });
        options = toSimulatorOptions(command.opts<CliOptions>());
    } catch (err) {
        if (err instanceof CommanderError) {
            if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
            process.stderr.write(`dataverse-sim: ${err.message.replace(/^error: /, '')}\n`);
            return 2;
        }
        if (err instanceof UsageError) {
            process.stderr.write(`dataverse-sim: ${err.message}\n`);
            return 2;
        }
        throw err;
    }
    const started = Date.now();
    // Big datasets take a while to generate: say what is happening before the ready line.
    const source =
        options.data !== undefined
            ? `loading ${options.data}`
            : `generating ${(options.rows ?? 0).toLocaleString('en-US')} rows`;
    process.stderr.write(`dataverse-sim: ${source}${options.empty ? ' (empty counterpart)' : ''}...\n`);
    let sim;
    try {
        sim = await startSimulator(options);
    } catch (err) {
        const message = err instanceof Error ? err.message.split('\n').join(' ') : String(err);
        process.stderr.write(`dataverse-sim: ${message}\n`);
        return (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 1 : 2;
    }
    const rows = Object.values(sim.stats().tables).reduce((n, t) => n + t.rows, 0);
    process.stderr.write(`dataverse-sim: ${rows} rows loaded in ${Date.now() - started} ms\n`);
    process.stdout.write(`listening ${sim.url}\n`);
    await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
    });
    await sim.close();
    process.stderr.write('dataverse-sim: stopped\n');
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
        process.stderr.write(`dataverse-sim: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    },
);
