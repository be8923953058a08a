/**
 * The Functions app as the host indexes it: the entry points of package.json `main`, built, loaded by Node in a
 * process of their own with no app settings, with a stand-in for the host's `@azure/functions-core` module (the
 * Node worker provides it by intercepting `require`) that records every registration. Asserts what the host
 * would receive: names, triggers, routes, methods, auth levels and Durable bindings.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, FUNCTIONS_PAGES, pageRoutes } from '../../src/api/index.js';
import { ACTIVITY_NAMES } from '../../src/activities/contract.js';
import { orchestrators } from '../../src/orchestrators/index.js';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');

interface Binding {
    type: string;
    direction: string;
    [key: string]: unknown;
}
interface Registration {
    name: string;
    bindings: Record<string, Binding>;
}

/** What the stand-in host does: load every file the `main` glob matches, as the Node worker does, and record. */
const HOST_SCRIPT = String.raw`
import Module from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
const root = process.cwd();
const registrations = [];
const models = [];
const disposable = { dispose() {} };
const core = {
    version: '3.10.1',
    hostVersion: '4.1037.0',
    registerFunction(metadata, callback) {
        if (typeof callback !== 'function') throw new Error('no callback for ' + metadata.name);
        registrations.push(metadata);
        return disposable;
    },
    setProgrammingModel(model) { models.push(model.name + '@' + model.version); },
    getProgrammingModel() { return undefined; },
    registerHook() { return disposable; },
    log() {},
    Disposable: class { static from() { return disposable; } dispose() {} },
};
const original = Module.prototype.require;
Module.prototype.require = function (id, ...rest) {
    return id === '@azure/functions-core' ? core : original.call(this, id, ...rest);
};
const main = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).main;
const folder = path.join(root, path.dirname(main));
const pattern = new RegExp('^' + path.basename(main).replace(/[.]/g, '\\.').replace(/[*]/g, '[^/]*') + '$');
const files = readdirSync(folder).filter((f) => pattern.test(f)).sort();
for (const file of files) await import(pathToFileURL(path.join(folder, file)).href);
process.stdout.write(JSON.stringify({ files, models, registrations }));
`;

let folder: string;
let loaded: { files: string[]; models: string[]; registrations: Registration[] };
let byName: Map<string, Registration>;

beforeAll(async () => {
    await mkdir(path.join(REPO, '.runs'), { recursive: true });
    // Inside the repository, so the built files resolve the installed packages as in the app's own package.
    folder = await mkdtemp(path.join(REPO, '.runs', 'functions-app-'));
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--noCheck', '--outDir', path.join(folder, 'dist')], {
        cwd: REPO,
    });
    await copyFile(path.join(REPO, 'package.json'), path.join(folder, 'package.json'));
    // No app settings at all: indexing must not need them.
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', HOST_SCRIPT], {
        cwd: folder,
        env: { PATH: process.env.PATH ?? '' },
    });
    loaded = JSON.parse(stdout);
    byName = new Map(loaded.registrations.map((r) => [r.name, r]));
}, 180_000);

afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
});

const triggerOf = (r: Registration) => Object.values(r.bindings).find((b) => /trigger$/i.test(b.type))!;
const durableClientOf = (r: Registration) => Object.values(r.bindings).filter((b) => b.type === 'durableClient');

describe('the registrations the Functions host receives', () => {
    it('loads every entry point of main through the v4 programming model', () => {
        expect(loaded.files).toEqual(['activities.js', 'http.js', 'orchestrations.js', 'timer.js']);
        expect(loaded.models[0]).toMatch(/^@azure\/functions@4\./);
    });

    it('registers each function once, and nothing else', () => {
        const names = loaded.registrations.map((r) => r.name);
        expect(new Set(names).size).toBe(names.length);
        const expected = [
            ...Object.keys(orchestrators),
            ...ACTIVITY_NAMES,
            ...API_ROUTES.map((r) => r.name),
            ...API_ROUTES.map((r) => `${r.name}ByKey`),
            ...pageRoutes(FUNCTIONS_PAGES).map((r) => r.name),
            'refreshSchedules',
        ];
        expect([...names].sort()).toEqual([...expected].sort());
    });

    it('registers the orchestration table as orchestration triggers', () => {
        for (const name of [
            'migrationRun',
            'tableCopy',
            'tablePhase',
            'tableFollowUp',
            'relationshipCopy',
            'pageBatch',
        ]) {
            const registration = byName.get(name)!;
            expect(triggerOf(registration)).toMatchObject({ type: 'orchestrationTrigger', direction: 'in' });
            expect(Object.keys(registration.bindings)).toHaveLength(1);
        }
    });

    it('registers the activity table as activity triggers', () => {
        const activities = loaded.registrations.filter((r) => triggerOf(r).type === 'activityTrigger');
        expect(activities.map((r) => r.name).sort()).toEqual([...ACTIVITY_NAMES].sort());
        for (const registration of activities) expect(Object.keys(registration.bindings)).toHaveLength(1);
    });

    it('registers the HTTP API twice, behind App Service authentication and under automation/ with function keys, and the dashboard pages behind App Service authentication, one route and method each, and a Durable client', () => {
        const table = [
            ['startMigration', 'POST', 'migrations'],
            ['listMigrations', 'GET', 'migrations'],
            ['getMigration', 'GET', 'migrations/{id}'],
            ['getMigrationLog', 'GET', 'migrations/{id}/log'],
            ['getMigrationErrors', 'GET', 'migrations/{id}/errors'],
            ['cancelMigration', 'POST', 'migrations/{id}/cancel'],
            ['createPlan', 'POST', 'plans'],
            ['listSpecs', 'GET', 'specs'],
            ['getSpec', 'GET', 'specs/{name}'],
            ['putSpec', 'PUT', 'specs/{name}'],
            ['deleteSpec', 'DELETE', 'specs/{name}'],
        ] as const;
        const doors = [
            // App Service authentication (Entra ID) stands in front: the host asks no key, the API checks roles.
            { suffix: '', prefix: '', authLevel: 'anonymous' },
            { suffix: 'ByKey', prefix: 'automation/', authLevel: 'function' },
        ];
        for (const { suffix, prefix, authLevel } of doors)
            for (const [name, method, route] of table) {
                const registration = byName.get(`${name}${suffix}`);
                expect(registration, name).toBeDefined();
                expect(triggerOf(registration!)).toMatchObject({
                    type: 'httpTrigger',
                    direction: 'in',
                    authLevel,
                    methods: [method],
                    route: `${prefix}${route}`,
                });
                expect(durableClientOf(registration!), name).toEqual([expect.objectContaining({ direction: 'in' })]);
                expect(registration!.bindings.$return).toMatchObject({ type: 'http', direction: 'out' });
            }
        const http = loaded.registrations.filter((r) => triggerOf(r).type === 'httpTrigger');
        const pages = [
            ['dashboard', 'dashboard', 'anonymous'],
            ['dashboardRun', 'dashboard/runs/{id}', 'anonymous'],
            ['dashboardPlan', 'dashboard/specs/{name}/plan', 'anonymous'],
            // Behind App Service authentication, as the API's Entra ID routes: the host asks no key.
            ['dashboardStyles', 'dashboard/assets/dashboard.css', 'anonymous'],
            ['dashboardScript', 'dashboard/assets/dashboard.js', 'anonymous'],
            ['dashboardIcon', 'dashboard/assets/icon.svg', 'anonymous'],
        ] as const;
        for (const [name, route, authLevel] of pages)
            expect(triggerOf(byName.get(name)!), name).toMatchObject({ authLevel, methods: ['GET'], route });
        expect(http).toHaveLength(table.length * doors.length + pages.length);
        const pairs = http.map((r) => `${String((triggerOf(r).methods as string[])[0])} ${String(triggerOf(r).route)}`);
        expect(new Set(pairs).size).toBe(pairs.length);
    });

    it('registers the refresh tick as a timer on REFRESH_TICK_SCHEDULE with a Durable client', () => {
        const registration = byName.get('refreshSchedules')!;
        expect(triggerOf(registration)).toMatchObject({
            type: 'timerTrigger',
            direction: 'in',
            schedule: '%REFRESH_TICK_SCHEDULE%',
        });
        expect(durableClientOf(registration)).toHaveLength(1);
    });
});
