/**
 * The README, run: every command its ```bash blocks show runs here, in the README's order, as a reader runs it in
 * the clone, against one pair of simulators started for the file (small row counts); and every output it shows
 * (plain ``` blocks) has the lines, columns and fields the product prints today, with numbers, ids, URLs and paths
 * masked. A README command the test does not know fails the test with its text: give it a runner (RUNNERS), its
 * placeholders a value (PLACEHOLDERS, VARIABLES), or list it in SKIPPED_BY_DESIGN with the reason it cannot run here.
 *
 * The commands run the built CLI (`npm test` builds first) in child processes. `npx --no-install dataverse-migrate`
 * and `npx --no-install dataverse-sim` are the package bins (package.json "bin"; test/unit/readme-npx.test.ts
 * shows npx resolves them from any folder of the clone); they are spawned with node directly, because npx itself
 * costs seconds a call on a busy machine. `npm run demo` likewise runs the script package.json gives it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
    copyFileSync,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readdirSync,
    readFileSync,
    rmSync,
    writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import { validateSpec } from '../../src/spec/index.js';
import { blockCommands, fencedBlocks, shellWords } from '../helpers/readme.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const README = path.join(ROOT, 'README.md');
const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    scripts: Record<string, string>;
};
const MIGRATE_BIN = path.join(ROOT, PACKAGE.bin['dataverse-migrate']!);
const SIM_BIN = path.join(ROOT, 'tools/dataverse-sim/bin/dataverse-sim.js');
/** Source rows of the shared simulators, of the simulators the README starts and of the demo. */
const ROWS = 300;
const NAME = 'nightly';

/** README commands that cannot run here, and why. Each must still be in the README. */
const SKIPPED_BY_DESIGN: Readonly<Record<string, string>> = {
    'npm ci': 'installs the clone; this suite runs inside an installed clone',
    'npm test': 'runs this very suite',
    'BASE=https://<app>.azurewebsites.net/api/automation': 'an Azure Function App; the local lines set BASE to serve',
    'KEY=$(az functionapp keys list -g rg-dvm -n <app> --query functionKeys.default -o tsv)': 'Azure CLI, signed in',
    'az group create -n rg-dvm -l swedencentral': 'Azure CLI, signed in',
    'azd env new prod': 'Azure Developer CLI, signed in',
    'azd env set AZURE_RESOURCE_GROUP rg-dvm': 'Azure Developer CLI, signed in',
    'azd env set DATAVERSE_ALLOWED_URLS "https://contoso.crm.dynamics.com,https://contoso-dev.crm4.dynamics.com"':
        'Azure Developer CLI, signed in',
    'azd env set AZURE_AUTH_CLIENT_ID <client id>': 'Azure Developer CLI, signed in',
    'azd up': 'deploys to Azure',
    'MI_CLIENT_ID=$(azd env get-value AZURE_MANAGED_IDENTITY_CLIENT_ID)': 'Azure Developer CLI, after azd up',
    'ISSUER=$(azd env get-value AZURE_FEDERATION_ISSUER)': 'Azure Developer CLI, after azd up',
    'SUBJECT=$(azd env get-value AZURE_FEDERATION_SUBJECT)': 'Azure Developer CLI, after azd up',
    'APP_ID=$(az ad app create --display-name dataverse-migrate-cross-tenant --sign-in-audience AzureADMultipleOrgs --query appId -o tsv)':
        'Azure CLI, signed in to the Entra tenant',
    [String.raw`az ad app federated-credential create --id "$APP_ID" --parameters "{\"name\": \"dataverse-migrate\", \"issuer\": \"$ISSUER\", \"subject\": \"$SUBJECT\", \"audiences\": [\"api://AzureADTokenExchange\"]}"`]:
        'Azure CLI, signed in to the Entra tenant',
    'az ad sp create --id "$APP_ID"': 'Azure CLI, signed in to the other tenant',
};

interface Fixture {
    /** The temporary folder that holds the folders below. */
    root: string;
    source: Simulator;
    target: Simulator;
    /** Where the migration commands run: spec.json for the shared simulators, the default run store. */
    work: string;
    /** Where import-cmt runs: the CMT export the README names (data_schema.xml, data.xml), no spec yet. */
    cmt: string;
    /** Where serve and curl run: spec.json for the shared simulators. */
    api: string;
    demo: string;
    ports: Record<string, number>;
    /** `npm run demo`, started with the simulators: it has simulators and a folder of its own, and waits mostly. */
    demoRun: Promise<Outcome>;
    serve?: ChildProcess;
    /** Shell variables the README's API lines set, as they stand. */
    variables: Record<string, string>;
}
let fx: Fixture;

/** The value of each placeholder word of a README command (words the reader replaces). */
const PLACEHOLDERS: Readonly<Record<string, (previous: string | undefined) => string>> = {
    'spec.json': () => 'spec.json', // the folder's spec for the shared simulators (import-cmt writes its own)
    FILE: () => 'spec.json',
    NAME: () => NAME,
    DIR: () => '.dataverse-migrate', // the default store, so every command sees the same runs and specs
    N: () => '2',
    NCRONTAB: () => '0 0 3 * * *',
    RUN_ID: () => latestRunId(),
    ETAG: () => storedEtag(NAME),
    URL: (previous) => (previous === '--source' ? fx.source.url : fx.target.url),
    'https://contoso.crm.dynamics.com': () => fx.source.url,
    'https://contoso-dev.crm4.dynamics.com': () => fx.target.url,
    'data_schema.xml': () => 'data_schema.xml', // test/fixtures/cmt-small, copied into the folder
    'data.xml': () => 'data.xml',
    '100000': () => String(ROWS),
    '5555': () => String(fx.ports['5555']),
    '5556': () => String(fx.ports['5556']),
    '5557': () => String(fx.ports['5557']),
    '7071': () => String(fx.ports['7071']),
    TOKEN: () => fx.variables.TOKEN!, // the README's TOKEN= line runs before serve starts
};

/** Shell variables the README's API lines may set or use. ID is the run the README's POST started. */
const VARIABLES = ['BASE', 'KEY', 'H', 'ID', 'TOKEN'];

/** What each API call the README shows answers: the statuses it may and the fields its JSON carries. */
const API_CALLS: Readonly<Record<string, { status: number[]; fields?: string[]; why?: string }>> = {
    'PUT /specs/nightly': { status: [201], fields: ['name', 'etag', 'status'] },
    'GET /specs': { status: [200], fields: ['specs[].name', 'specs[].status', 'specs[].etag'] },
    'POST /migrations': { status: [202], fields: ['id', 'statusUrl', 'logUrl', 'errorsUrl', 'cancelUrl'] },
    'GET /migrations': { status: [200], fields: ['runs[].runId', 'runs[].spec', 'runs[].status'] },
    // Polled until the run has finished (see runCurl): phase and tier are gone, the summary is there.
    'GET /migrations/$ID': {
        status: [200],
        fields: [
            'status',
            'tables',
            'failedRows',
            'planned.pages',
            'planned.rows',
            'planned.complete',
            'planned.tables',
            'summary',
        ],
    },
    'GET /migrations/$ID/log': { status: [200], fields: ['id', 'events'] },
    'GET /migrations/$ID/errors': { status: [200] },
    'POST /migrations/$ID/cancel': { status: [409], fields: ['error'], why: 'the run has finished: already-finished' },
    'POST /plans': { status: [200], fields: ['tiers'] },
    'DELETE /specs/nightly': { status: [204] },
};

interface Outcome {
    code: number | null;
    stdout: string;
    stderr: string;
}
/** The output of each README command, by command, for the output checks. */
const outcomes = new Map<string, Outcome>();

// ---------------------------------------------------------------------------------------------------- the README

interface ReadmeCommand {
    command: string;
    line: number;
}
const blocks = fencedBlocks(README);
const commands: ReadmeCommand[] = blocks
    .filter((b) => b.lang === 'bash')
    .flatMap((b) => blockCommands(b).map((command) => ({ command, line: b.line })));
const runnable = commands.filter((c) => !(c.command in SKIPPED_BY_DESIGN));

/** How each kind of README command runs, first match wins. */
const RUNNERS: ReadonlyArray<{ pattern: RegExp; run: (command: string) => Promise<Outcome> }> = [
    { pattern: /^npm run demo$/, run: () => fx.demoRun }, // started in beforeAll: it needs nothing else
    { pattern: /^npx --no-install dataverse-migrate serve\b/, run: (c) => startServe(c) },
    { pattern: /^npx --no-install dataverse-migrate import-cmt\b/, run: (c) => runMigrate(c, fx.cmt) },
    { pattern: /^npx --no-install dataverse-migrate\b/, run: (c) => runMigrate(c, fx.work) },
    { pattern: /^npx --no-install dataverse-sim\b/, run: (c) => runSimulator(c) },
    { pattern: /^[A-Z]+=/, run: (c) => assign(c) },
    { pattern: /^curl\b/, run: (c) => runCurl(c) },
];

/**
 * Commands that may run beside their neighbours of the same kind: they write nothing another command reads (plan,
 * verify, runs, log and specs list/show/next read; import-cmt writes the CMT folder's spec.json only, which no
 * neighbour reads; each simulator is a process of its own). A command that writes the work folder's store or the
 * target (run, specs put/delete) or starts serve runs alone, so every command still sees what those before it did.
 */
const SIDE_BY_SIDE =
    /^npx --no-install (?:dataverse-sim\b|dataverse-migrate (?:plan|verify|runs|log|import-cmt|specs (?:list|show|next))\b)/;

function runnerOf(command: string) {
    return RUNNERS.find((r) => r.pattern.test(command));
}

// ---------------------------------------------------------------------------------------------------- processes

function spawnNode(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.DATAVERSE_MIGRATE_LOG_DIR;
    return spawn(process.execPath, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(child: ChildProcess): Promise<Outcome> {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
}

/** Resolves with what the child printed once a stdout line starts with `listening `. */
function listening(child: ChildProcess): Promise<string> {
    let stdout = '';
    let stderr = '';
    return new Promise((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => {
            stdout += d.toString();
            const line = /^listening (\S+)$/m.exec(stdout);
            if (line) resolve(line[1]!);
        });
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
    });
}

async function stop(child: ChildProcess): Promise<number | null> {
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    return exited;
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
        });
    });
}

// ---------------------------------------------------------------------------------------------------- runners

/** The argv a README command line stands for: optional `[...]` groups included, placeholders replaced. */
function argvOf(command: string): string[] {
    const words = shellWords(command.replace(/[[\]]/g, '')).slice(3); // npx --no-install <program>
    return words.map((word, i) => {
        const value = PLACEHOLDERS[word];
        if (value) return value(words[i - 1]);
        if (/^[A-Z][A-Z_]*$/.test(word) || /<[^>]*>/.test(word))
            throw new Error(`README command "${command}": add the placeholder ${word} to PLACEHOLDERS`);
        return word;
    });
}

async function runMigrate(command: string, cwd: string): Promise<Outcome> {
    return finish(spawnNode([MIGRATE_BIN, ...argvOf(command)], cwd));
}

async function runSimulator(command: string): Promise<Outcome> {
    const child = spawnNode([SIM_BIN, ...argvOf(command)], fx.cmt);
    const output = finish(child);
    const url = await listening(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/api/data/v9.2/WhoAmI`);
    expect(response.status).toBe(200);
    await stop(child);
    return output;
}

/** `npm run demo`: the script package.json gives it, in a folder of its own (it writes .runs/demo there). */
async function runDemo(): Promise<Outcome> {
    const [program, ...args] = shellWords(PACKAGE.scripts.demo!);
    expect(program).toBe('node');
    const absolute = args.map((a) => (existsSync(path.join(ROOT, a)) ? path.join(ROOT, a) : a));
    return finish(spawnNode(absolute, fx.demo, { DEMO_ROWS: String(ROWS) }));
}

async function startServe(command: string): Promise<Outcome> {
    expect(fx.serve, 'the README starts serve once').toBeUndefined();
    const child = spawnNode([MIGRATE_BIN, ...argvOf(command)], fx.api);
    fx.serve = child;
    const url = await listening(child);
    // The URL carries the token, as Jupyter's does: the one the README's TOKEN line chose.
    expect(url).toBe(`http://127.0.0.1:${fx.ports['7071']}/?token=${fx.variables.TOKEN}`);
    return { code: null, stdout: `listening ${url}\n`, stderr: '' };
}

function bash(script: string, cwd: string): Promise<Outcome> {
    const env: NodeJS.ProcessEnv = { ...process.env, ...fx.variables };
    return finish(spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Shell variables a line uses, to fail on one the test does not set. */
function checkVariables(command: string): void {
    for (const [, name] of command.matchAll(/\$([A-Z_]+)|\$\{([A-Z_]+)\}/g))
        if (name && !VARIABLES.includes(name))
            throw new Error(`README command "${command}": add the variable ${name} to VARIABLES`);
}

/** `NAME=value`: evaluated by bash with the variables set so far (ports replaced), as a reader's shell would. */
async function assign(command: string): Promise<Outcome> {
    const name = /^([A-Z]+)=/.exec(command)![1]!;
    if (!VARIABLES.includes(name))
        throw new Error(`README command "${command}": add the variable ${name} to VARIABLES`);
    checkVariables(command);
    const line = command.replace(/\b(5555|5556|5557|7071)\b/g, (port) => PLACEHOLDERS[port]!(undefined));
    const outcome = await bash(`${line}\nprintf %s "$${name}"`, fx.api);
    expect(outcome.code, `${command}: ${outcome.stderr}`).toBe(0);
    expect(outcome.stdout, command).not.toMatch(/^(?:|null)$/);
    fx.variables[name] = outcome.stdout;
    return outcome;
}

/** The API call of a curl line: method and path under $BASE, query left out. */
function apiCallOf(command: string): string {
    const method = /-X ([A-Z]+)/.exec(command)?.[1] ?? 'GET';
    const url = /"\$BASE(\/[^"?]*)/.exec(command)?.[1];
    if (!url) throw new Error(`README command "${command}": not a call to "$BASE/..."`);
    return `${method} ${url}`;
}

/** A curl line as shown, with `-w` added to learn the status; GET of a run is repeated until it has finished. */
async function runCurl(command: string): Promise<Outcome> {
    checkVariables(command);
    const call = apiCallOf(command);
    const expected = API_CALLS[call];
    if (!expected) throw new Error(`README command "${command}": add ${call} to API_CALLS`);
    for (let attempt = 0; ; attempt++) {
        const outcome = await bash(`${command} -w '\\n%{http_code}'`, fx.api);
        expect(outcome.code, `${command}: ${outcome.stderr}`).toBe(0);
        const lines = outcome.stdout.split('\n');
        const status = Number(lines.pop());
        const body = lines.join('\n');
        const json = body.trim().startsWith('{') ? (JSON.parse(body) as unknown) : undefined;
        const running = call === 'GET /migrations/$ID' && !isFinished(json);
        if (running && attempt < 200) {
            await new Promise((resolve) => setTimeout(resolve, 100));
            continue;
        }
        expect(expected.status, `${command}: answered ${status} ${body}`).toContain(status);
        for (const field of expected.fields ?? [])
            expect(hasField(json, field), `${command}: ${field} in ${body}`).toBe(true);
        return { code: status, stdout: body, stderr: outcome.stderr };
    }
}

function isFinished(json: unknown): boolean {
    const status = (json as { status?: string } | undefined)?.status;
    return status !== undefined && !['pending', 'in-progress', 'running'].includes(status);
}

/** `a.b` is a key path; `a[].b` means every item of the array a has b (and a has at least one). */
function hasField(value: unknown, field: string): boolean {
    const [head, ...rest] = field.split('.');
    const each = head!.endsWith('[]');
    const key = each ? head!.slice(0, -2) : head!;
    if (typeof value !== 'object' || value === null || !(key in value)) return false;
    const inner = (value as Record<string, unknown>)[key];
    if (!each) return rest.length === 0 || hasField(inner, rest.join('.'));
    return (
        Array.isArray(inner) &&
        inner.length > 0 &&
        inner.every((item) => rest.length === 0 || hasField(item, rest.join('.')))
    );
}

/** The newest run of the work folder's store (run ids sort by their UTC time after the spec name). */
function latestRunId(): string {
    const runs = readdirSync(path.join(fx.work, '.dataverse-migrate/runs'));
    const byTime = (id: string) => id.replace(/^.*-(\d{8}-\d{6})-[0-9a-f]{4}$/, '$1');
    const newest = runs.sort((a, b) => byTime(a).localeCompare(byTime(b))).at(-1);
    if (!newest) throw new Error('RUN_ID: no run in the work folder yet');
    return newest;
}

/** The ETag of a stored spec of the work folder, as `specs show NAME --json` prints it. */
function storedEtag(name: string): string {
    const shown = execFileSync(process.execPath, [MIGRATE_BIN, 'specs', 'show', name, '--json'], { cwd: fx.work });
    return (JSON.parse(shown.toString()) as { etag: string }).etag;
}

// ---------------------------------------------------------------------------------------------------- outputs

/** A line's shape: numbers, run ids, URLs and paths masked; column padding and rule lengths folded. */
function shape(line: string): string {
    return line
        .replace(/[a-z0-9-]+-\d{8}-\d{6}-[0-9a-f]{4}/g, '<run>')
        .replace(/https?:\/\/[^\s)]+/g, '<url>')
        .replace(/\S*\/\S*/g, '<path>')
        .replace(/\d[\d,]*(?:\.\d+)?/g, '#')
        .replace(/\b(page|row|problem)s\b/g, '$1')
        .replace(/-{2,}/g, '-')
        .replace(/\s+/g, ' ')
        .trim();
}

/** Each run of README lines between `...` lines appears in the output, in order, line for line. */
function expectExcerpt(actual: string, shown: string[], what: string): void {
    const lines = actual.split('\n').map(shape);
    const segments: string[][] = [[]];
    for (const line of shown) {
        if (line.trim() === '...') segments.push([]);
        else segments.at(-1)!.push(shape(line));
    }
    let from = 0;
    for (const segment of segments.filter((s) => s.length > 0)) {
        let at = -1;
        for (let i = from; i + segment.length <= lines.length && at < 0; i++)
            if (segment.every((l, k) => lines[i + k] === l)) at = i;
        expect(
            at,
            `${what}: the README shows\n${segment.join('\n')}\n\nthe product prints\n${lines.join('\n')}`,
        ).toBeGreaterThanOrEqual(0);
        from = at + segment.length;
    }
}

/** The output blocks of the README, by their first line, and what prints them today. */
const OUTPUTS: ReadonlyArray<{ first: RegExp; what: string; produce: () => Promise<string>; excerpt?: 'header' }> = [
    {
        first: /^Run demo-\S+ \(demo\): succeeded$/,
        what: "npm run demo's run summary",
        produce: () => Promise.resolve(outcomes.get('npm run demo')?.stdout ?? ''),
    },
    {
        first: /^Plan '/,
        what: 'plan --spec spec.json (the spec of the work folder: the demo tables, open opportunities only)',
        produce: async () =>
            (await runMigrate('npx --no-install dataverse-migrate plan --spec spec.json', fx.work)).stdout,
    },
    {
        first: /^spec\.json: \d+ problems:$/,
        what: 'plan of a spec with the three problems shown',
        produce: async () => {
            const folder = path.join(fx.work, 'bad');
            mkdirSync(folder, { recursive: true });
            writeFileSync(path.join(folder, 'spec.json'), JSON.stringify(badSpec()));
            const outcome = await runMigrate('npx --no-install dataverse-migrate plan --spec spec.json', folder);
            expect(outcome.code).toBe(2);
            return outcome.stderr;
        },
    },
    {
        first: /^name\s+schedule\s+next run/,
        what: 'specs list, header only (its rows are the store of the moment)',
        excerpt: 'header',
        produce: async () => {
            await runMigrate(
                `npx --no-install dataverse-migrate specs put spec.json --name hourly --schedule "0 15 * * * *"`,
                fx.work,
            );
            return (await runMigrate('npx --no-install dataverse-migrate specs list', fx.work)).stdout;
        },
    },
];

function badSpec(): unknown {
    const spec = workSpec();
    return {
        ...spec,
        source: { url: 'http://contoso.crm.dynamics.com' },
        tables: [spec.tables[0], { name: 'contact', colums: ['firstname'] }, ...spec.tables.slice(2)],
        options: { pageSize: 6000 },
    };
}

/** The spec the README's commands run: the demo's tables, open opportunities only, as the README's plan shows. */
function workSpec() {
    return {
        name: 'crm',
        source: { url: fx.source.url },
        target: { url: fx.target.url },
        tables: [
            { name: 'account' },
            { name: 'contact' },
            { name: 'lead' },
            { name: 'opportunity', filter: 'statecode eq 0' },
        ] as unknown[],
        manyToMany: ['accountleads_association', 'contactleads_association'],
        references: { fallbackOwner: 'avery.admin@contoso.onmicrosoft.com' },
    };
}

// ---------------------------------------------------------------------------------------------------- tests

beforeAll(async () => {
    expect(existsSync(MIGRATE_BIN), 'run `npm run build` first (npm test does)').toBe(true);
    const common = { schema: 'crm' as const, rows: ROWS, seed: 42 };
    const [source, target] = await Promise.all([startSimulator(common), startSimulator({ ...common, empty: true })]);
    const root = mkdtempSync(path.join(tmpdir(), 'readme-commands-'));
    const folder = (name: string) => {
        const dir = path.join(root, name);
        mkdirSync(dir);
        return dir;
    };
    const ports: Record<string, number> = {};
    for (const shown of ['5555', '5556', '5557', '7071']) ports[shown] = await freePort();
    fx = {
        root,
        source,
        target,
        work: folder('work'),
        cmt: folder('cmt'),
        api: folder('api'),
        demo: folder('demo'),
        ports,
        variables: {},
        demoRun: Promise.resolve({ code: null, stdout: '', stderr: '' }),
    };
    fx.demoRun = runDemo();
    const spec = `${JSON.stringify(workSpec(), null, 2)}\n`;
    writeFileSync(path.join(fx.work, 'spec.json'), spec);
    // The README's API lines store spec.json as nightly, which a PUT takes only under its own name.
    writeFileSync(path.join(fx.api, 'spec.json'), `${JSON.stringify({ ...workSpec(), name: NAME }, null, 2)}\n`);
    for (const file of ['data_schema.xml', 'data.xml'])
        copyFileSync(path.join(ROOT, 'test/fixtures/cmt-small', file), path.join(fx.cmt, file));
});

afterAll(async () => {
    if (fx?.serve) expect(await stop(fx.serve)).toBe(0);
    await fx?.demoRun;
    if (fx) rmSync(fx.root, { recursive: true, force: true });
    await Promise.all([fx?.source.close(), fx?.target.close()]);
});

describe('the README', () => {
    it('has every command either run here or skipped by design, and no stale skip', () => {
        const unknown = runnable.filter((c) => !runnerOf(c.command)).map((c) => `line ${c.line}: ${c.command}`);
        expect(unknown, 'README commands with no runner: add one to RUNNERS or to SKIPPED_BY_DESIGN').toEqual([]);
        const shown = new Set(commands.map((c) => c.command));
        expect(
            Object.keys(SKIPPED_BY_DESIGN).filter((c) => !shown.has(c)),
            'skips the README no longer shows',
        ).toEqual([]);
        expect(runnable.length).toBeGreaterThan(20);
    });

    it("has the Quick start's install and test commands, which .ci/run runs on a clean clone", () => {
        const quickStart = blocks.find((b) => b.lang === 'bash')!;
        expect(blockCommands(quickStart)).toEqual(['npm ci', 'npm run demo', 'npm test']);
        const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8').split('\n');
        expect(ci.some((l) => /^npm ci\b/.test(l))).toBe(true);
        expect(ci.some((l) => /^npm test\b/.test(l))).toBe(true);
    });

    // In the README's order; a run of commands next to each other that only read (SIDE_BY_SIDE) runs at once, as
    // vitest runs neighbouring concurrent tests: each is a process of its own, so the file waits for the slowest.
    for (const { command, line } of runnable)
        (SIDE_BY_SIDE.test(command) ? it.concurrent : it)(
            `runs \`${command}\` (block at line ${line})`,
            { timeout: 60_000 },
            async () => {
                const runner = runnerOf(command);
                if (!runner)
                    throw new Error(
                        `README command "${command}": add a runner to RUNNERS or list it in SKIPPED_BY_DESIGN`,
                    );
                const outcome = await runner.run(command);
                outcomes.set(command, outcome);
                if (runner.pattern.source.startsWith('^npx') || command === 'npm run demo')
                    expect(outcome.code, `${command}\n${outcome.stdout}\n${outcome.stderr}`).toBe(
                        command.includes(' serve') ? null : 0,
                    );
            },
        );

    it('shows the demo as it runs: plan, run, verify, identical, the run log', () => {
        const demo = outcomes.get('npm run demo');
        expect(demo, 'npm run demo ran').toBeDefined();
        expect(demo!.stdout).toMatch(/^identical$/m);
        for (const step of ['plan', 'run', 'verify'])
            expect(demo!.stderr).toContain(`$ dataverse-migrate ${step} --spec `);
        expect(demo!.stderr).toMatch(/\.runs\/demo\/spec\.json/);
        expect(demo!.stderr).toMatch(/^Run log: /m);
    });

    const outputBlocks = blocks.filter((b) => b.lang === '');
    // Side by side: each output comes from a folder or a spec name of its own (see OUTPUTS).
    it.concurrent.each(outputBlocks.map((b) => [b.lines[0] ?? '', b] as const))(
        'shows output as printed today: %s',
        async (first, block) => {
            const output = OUTPUTS.find((o) => o.first.test(first));
            if (!output)
                throw new Error(
                    `README output block at line ${block.line} ("${first}"): add what prints it to OUTPUTS`,
                );
            const actual = await output.produce();
            expectExcerpt(actual, output.excerpt === 'header' ? block.lines.slice(0, 2) : block.lines, output.what);
        },
    );

    it.each(blocks.filter((b) => b.lang === 'json').map((b) => [b.line, b] as const))(
        'shows a valid spec (block at line %i)',
        (_, block) => {
            const result = validateSpec(JSON.parse(block.lines.join('\n')));
            expect(result.ok ? [] : result.problems).toEqual([]);
        },
    );
});
