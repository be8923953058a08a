import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
    APP_SETTINGS_BICEP,
    DURABLE_HOST,
    RUNTIME_ROLES,
    SETTINGS,
    DYNAMIC_SETTING_READERS,
    isRequiredWith,
    STORAGE_CONNECTIONS,
    type DurableBackend,
    type RoleScope,
    type SettingEntry,
    type SettingName,
} from '../../src/settings/index.js';
import { REPO_ROOT } from '../../tools/bicep/cli.js';
import {
    onlyChild,
    onlyResource,
    resourcesOfType,
    snapshotDeployment,
    type DeploymentSnapshot,
} from '../../tools/bicep/snapshot.js';

/**
 * Infra and code agree: the settings the code reads (catalogue, and a scan of src/) are what the Bicep sets,
 * the roles the runtime needs are what the Bicep grants, host.json is what the code assumes, and the local
 * sample lists what a local run needs. The Bicep side is read from `bicep snapshot` output for each shape of
 * deployment (Durable backend, Key Vault, deployer access).
 */

const REQUIRED = {
    environmentName: 'dev',
    location: 'swedencentral',
    dataverseAllowedUrls: 'https://contoso.crm.dynamics.com',
    authClientId: '22222222-2222-2222-2222-222222222222',
};
const DEPLOYER = '11111111-1111-1111-1111-111111111111';
const SECRET_SETTINGS = [
    { settingName: 'DATAVERSE_TARGET_SECRET', secretName: 'dataverse-target-secret' },
    { settingName: 'FABRIKAM_CLIENT_SECRET', secretName: 'fabrikam' },
];

interface Case {
    name: string;
    backend: DurableBackend;
    /** A vault is deployed: asked for with keyVaultEnabled, or implied by secret settings (then not asked for). */
    keyVault: boolean;
    deployer: boolean;
    secretSettings: typeof SECRET_SETTINGS;
    snapshot?: DeploymentSnapshot;
}

const CASES: Case[] = [
    {
        name: 'Azure Storage backend, no vault, no deployer',
        backend: 'AzureStorage',
        keyVault: false,
        deployer: false,
        secretSettings: [],
    },
    {
        name: 'Durable Task Scheduler, deployer access',
        backend: 'DurableTaskScheduler',
        keyVault: false,
        deployer: true,
        secretSettings: [],
    },
    {
        name: 'Key Vault with two secret settings, deployer access',
        backend: 'AzureStorage',
        keyVault: true,
        deployer: true,
        secretSettings: SECRET_SETTINGS,
    },
];

const ROLE_SCOPE_TYPES: Record<RoleScope, string> = {
    storageAccount: 'Microsoft.Storage/storageAccounts',
    applicationInsights: 'Microsoft.Insights/components',
    durableTaskScheduler: 'Microsoft.DurableTask/schedulers',
    keyVault: 'Microsoft.KeyVault/vaults',
};

const NAMES = Object.keys(SETTINGS) as SettingName[];
const entryOf = (name: SettingName): SettingEntry => SETTINGS[name];
const isExpression = (value: string) => value.startsWith('[') && value.endsWith(']');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `[reference('<resource id>', '<api version>').<path>]`, the snapshot's form of a runtime property. */
const referenceTo = (id: string, property: string) =>
    new RegExp(`^\\[reference\\('${escape(id)}', '[^']+'\\)\\.${escape(property)}\\]$`);

beforeAll(async () => {
    await Promise.all(
        CASES.map(async (c) => {
            c.snapshot = await snapshotDeployment({
                ...REQUIRED,
                durableBackend: c.backend,
                keyVaultEnabled: c.keyVault && c.secretSettings.length === 0,
                keyVaultSecretSettings: c.secretSettings,
                ...(c.deployer ? { principalId: DEPLOYER } : {}),
            });
        }),
    );
}, 120_000);

function appSettings(snapshot: DeploymentSnapshot): Record<string, string> {
    return z
        .record(z.string(), z.string())
        .parse(onlyChild(snapshot, 'Microsoft.Web/sites/config', 'appsettings').properties);
}

describe.each(CASES)('the app settings infra sets ($name)', (c) => {
    const settings = () => appSettings(c.snapshot!);
    const id = (type: string) => onlyResource(c.snapshot!, type).id;

    it('include every setting the code needs in Azure, and only for its Durable backend', () => {
        for (const name of NAMES) {
            const azure = entryOf(name).azure;
            const wanted = isRequiredWith(azure, c.backend);
            const unwanted = azure.need === 'forbidden' || (azure.need === 'required' && !wanted);
            if (wanted) expect(settings(), `${name} is required in Azure`).toHaveProperty([name]);
            if (unwanted) expect(settings(), `${name} must not be set here`).not.toHaveProperty([name]);
        }
    });

    it('name nothing the catalogue does not know, except the spec-named secret settings', () => {
        const known = new Set<string>([...NAMES, ...c.secretSettings.map((s) => s.settingName)]);
        expect(Object.keys(settings()).filter((name) => !known.has(name))).toEqual([]);
    });

    it("hold values the code parses, or references to this deployment's own resources", () => {
        const identity = id('Microsoft.ManagedIdentity/userAssignedIdentities');
        const storage = id('Microsoft.Storage/storageAccounts');
        for (const [name, value] of Object.entries(settings())) {
            if (!(name in SETTINGS)) continue;
            const entry = entryOf(name as SettingName);
            if (!isExpression(value)) {
                expect(entry.parse.safeParse(value).success, `${name} = '${value}'`).toBe(true);
                continue;
            }
            expect(value, name).not.toMatch(/\blist\w*\(/i);
            for (const [, referenced] of value.matchAll(/reference\('([^']+)'/g))
                expect(
                    c.snapshot!.predictedResources.map((r) => r.id),
                    `${name} references ${referenced}`,
                ).toContain(referenced);
        }
        for (const name of ['AzureWebJobsStorage__clientId', 'MIGRATION_LOG_STORAGE__clientId', 'AZURE_CLIENT_ID'])
            expect(settings()[name], name).toMatch(referenceTo(identity, 'clientId'));
        for (const service of ['blob', 'queue', 'table'])
            expect(settings()[`AzureWebJobsStorage__${service}ServiceUri`]).toMatch(
                referenceTo(storage, `primaryEndpoints.${service}`),
            );
        expect(settings().MIGRATION_LOG_STORAGE__blobServiceUri).toMatch(referenceTo(storage, 'primaryEndpoints.blob'));
        expect(settings().APPLICATIONINSIGHTS_CONNECTION_STRING).toMatch(
            referenceTo(id('Microsoft.Insights/components'), 'ConnectionString'),
        );
        expect(settings().APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toMatch(
            /^\[format\('ClientId=\{0\};Authorization=AAD'/,
        );
        expect(settings().DATAVERSE_ALLOWED_URLS).toBe(REQUIRED.dataverseAllowedUrls);
    });

    it('switch the Durable provider to the scheduler through host.json overrides, with the identity', () => {
        if (c.backend !== 'DurableTaskScheduler') return;
        expect(settings()).toMatchObject({
            AzureFunctionsJobHost__extensions__durableTask__storageProvider__type:
                DURABLE_HOST.scheduler.storageProvider,
            AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName:
                DURABLE_HOST.scheduler.connectionStringName,
        });
        const connection = settings()[DURABLE_HOST.scheduler.connectionStringName]!;
        expect(connection).toMatch(/^\[format\('Endpoint=\{0\};Authentication=ManagedIdentity;ClientID=\{1\}'/);
        expect(connection).toContain(`reference('${id('Microsoft.DurableTask/schedulers')}'`);
        expect(connection).toContain(`reference('${id('Microsoft.ManagedIdentity/userAssignedIdentities')}'`);
    });

    it('fill the spec-named secret settings from Key Vault references', () => {
        expect(resourcesOfType(c.snapshot!, 'Microsoft.KeyVault/vaults')).toHaveLength(c.keyVault ? 1 : 0);
        for (const { settingName, secretName } of c.secretSettings) {
            const vault = id('Microsoft.KeyVault/vaults');
            expect(settings()[settingName]).toBe(
                `[format('@Microsoft.KeyVault(SecretUri={0}secrets/{1}/)', reference('${vault}', '2024-11-01').vaultUri, '${secretName}')]`,
            );
        }
    });
});

describe('where the catalogue says a setting is set', () => {
    it('is the Bicep module that sets it', async () => {
        const bicep = await readFile(path.join(REPO_ROOT, APP_SETTINGS_BICEP), 'utf8');
        for (const name of NAMES) if (entryOf(name).azure.need === 'required') expect(bicep, name).toContain(name);
    });
});

describe.each(CASES)('the roles infra grants ($name)', (c) => {
    const assignments = () =>
        resourcesOfType(c.snapshot!, 'Microsoft.Authorization/roleAssignments').map((assignment) => {
            const properties = z
                .object({ roleDefinitionId: z.string(), principalId: z.string(), principalType: z.string().optional() })
                .parse(assignment.properties);
            // An expression while the principal is known only at deployment time, a plain id once it is given.
            const scope =
                /^\[extensionResourceId\('([^']+)', 'Microsoft\.Authorization\/roleAssignments'/.exec(
                    assignment.id,
                )?.[1] ??
                /^(.+)\/providers\/Microsoft\.Authorization\/roleAssignments\/[0-9a-f-]{36}$/.exec(assignment.id)?.[1];
            return { ...properties, name: assignment.name, scope, role: properties.roleDefinitionId.split('/').pop()! };
        });
    const identity = () => onlyResource(c.snapshot!, 'Microsoft.ManagedIdentity/userAssignedIdentities').id;

    it("give the app's identity every role the runtime needs, on the right resource, and nothing else", () => {
        const expected = RUNTIME_ROLES.filter(
            (role) =>
                (role.onlyWith === undefined || role.onlyWith === c.backend) && (!role.onlyWithKeyVault || c.keyVault),
        ).map((role) => `${role.name} on ${onlyResource(c.snapshot!, ROLE_SCOPE_TYPES[role.scope]).id}`);
        const app = assignments().filter((a) => referenceTo(identity(), 'principalId').test(a.principalId));
        for (const a of app) expect(a.principalType).toBe('ServicePrincipal');
        const granted = app.map((a) => `${RUNTIME_ROLES.find((r) => r.id === a.role)?.name ?? a.role} on ${a.scope}`);
        expect(granted.sort()).toEqual(expected.sort());
    });

    it('name each assignment with guid() of scope, principal and role, so a redeployment updates it', () => {
        const names = new Set<string>();
        for (const a of assignments()) {
            expect(a.scope, a.name).toBeDefined();
            if (a.name.startsWith('[')) {
                expect(a.name).toMatch(/^\[guid\(/);
                expect(a.name).toContain(a.scope!);
                expect(a.name).toContain(a.role);
            } else expect(a.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
            names.add(a.name);
        }
        expect(names.size).toBe(assignments().length);
    });

    it('give the deployer read access only when a principal id is given', () => {
        const deployer = assignments().filter((a) => a.principalId === DEPLOYER);
        if (!c.deployer) return expect(deployer).toEqual([]);
        const storage = onlyResource(c.snapshot!, 'Microsoft.Storage/storageAccounts').id;
        expect(deployer.map((a) => a.role)).toContain('2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'); // Storage Blob Data Reader
        expect(deployer.find((a) => a.role === '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')?.scope).toBe(storage);
        // No principalType: the same template serves a user (azd up) and a pipeline's service principal.
        for (const a of deployer) expect(a.principalType).toBeUndefined();
        expect(assignments().length).toBe(
            assignments().filter(
                (a) => a.principalId === DEPLOYER || referenceTo(identity(), 'principalId').test(a.principalId),
            ).length,
        );
    });
});

const hostJsonSchema = z
    .object({
        version: z.literal('2.0'),
        extensionBundle: z.object({ id: z.string(), version: z.string() }),
        extensions: z.object({
            durableTask: z
                .object({
                    hubName: z.string(),
                    storageProvider: z.object({ type: z.string(), maxQueuePollingInterval: z.string() }).loose(),
                    maxConcurrentActivityFunctions: z.number(),
                    maxConcurrentOrchestratorFunctions: z.number(),
                    overridableExistingInstanceStates: z.string(),
                })
                .loose(),
            http: z.object({ routePrefix: z.string() }).loose(),
        }),
    })
    .loose();

function seconds(timespan: string): number {
    const match = /^(\d+):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(timespan);
    if (!match) throw new Error(`'${timespan}' is not hh:mm:ss`);
    return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

describe('host.json', () => {
    let host: z.infer<typeof hostJsonSchema>;
    beforeAll(async () => {
        host = hostJsonSchema.parse(JSON.parse(await readFile(path.join(REPO_ROOT, 'host.json'), 'utf8')));
    });

    it('matches the durable settings the code assumes', () => {
        const durable = host.extensions.durableTask;
        expect(host.extensionBundle).toEqual(DURABLE_HOST.extensionBundle);
        expect(durable.hubName).toBe(DURABLE_HOST.hubName);
        expect(durable.storageProvider.type).toBe(DURABLE_HOST.storageProvider);
        expect(seconds(durable.storageProvider.maxQueuePollingInterval)).toBeLessThanOrEqual(
            DURABLE_HOST.maxQueuePollingIntervalSeconds,
        );
        expect(durable.maxConcurrentActivityFunctions).toBe(DURABLE_HOST.maxConcurrentActivityFunctions);
        expect(durable.maxConcurrentOrchestratorFunctions).toBe(DURABLE_HOST.maxConcurrentOrchestratorFunctions);
        expect(durable.overridableExistingInstanceStates).toBe(DURABLE_HOST.overridableExistingInstanceStates);
        expect(host.extensions.http.routePrefix).toBe(DURABLE_HOST.httpRoutePrefix);
    });

    it('takes the task hub from a setting both Azure and local runs have', () => {
        const setting = /^%(\w+)%$/.exec(host.extensions.durableTask.hubName)?.[1] as SettingName;
        expect(NAMES).toContain(setting);
        expect(entryOf(setting).azure.need).toBe('required');
        expect(entryOf(setting).local.need).toBe('required');
    });
});

describe('local.settings.sample.json', () => {
    it("lists every setting a local run needs, with the catalogue's sample values, and nothing Azure-only", async () => {
        const sample = z
            .object({ IsEncrypted: z.literal(false), Values: z.record(z.string(), z.string()) })
            .strict()
            .parse(JSON.parse(await readFile(path.join(REPO_ROOT, 'local.settings.sample.json'), 'utf8')));
        const expected = Object.fromEntries(
            NAMES.flatMap((name) => {
                const local = entryOf(name).local;
                return local.need !== 'forbidden' && local.sample !== undefined ? [[name, local.sample]] : [];
            }),
        );
        expect(sample.Values).toEqual(expected);
        for (const name of NAMES)
            if (entryOf(name).local.need === 'required') expect(sample.Values, name).toHaveProperty([name]);
    });
});

/** A place in src/ that reads an environment variable: the names it reads, or 'dynamic' when the key is computed. */
interface EnvRead {
    file: string;
    line: number;
    names: string[] | 'dynamic';
}

/** Declared types of an environment: Node's, or a Record<string, string | undefined> under an alias named for settings. */
const ENV_TYPES = new Set(['NodeJS.ProcessEnv', 'ProcessEnv']);
const ENV_RECORD = new Set(['Record<string,string|undefined>', 'Readonly<Record<string,string|undefined>>']);
const ENV_ALIAS_NAME = /env|setting/i;

/**
 * Reads of environment variables in TypeScript sources: element access, property access, destructuring and `in`
 * on `process.env` or on any value declared as an environment (NodeJS.ProcessEnv, or a Record<string, string |
 * undefined> under an alias named for settings, such as SettingsSource), found by resolving each name to its
 * declaration. The program is bound without libraries or module resolution beyond the given files: fast.
 */
function scanEnvReads(files: readonly string[]): EnvRead[] {
    const program = ts.createProgram(files, {
        noResolve: true,
        noLib: true,
        types: [],
        noEmit: true,
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
        target: ts.ScriptTarget.ES2022,
    });
    const checker = program.getTypeChecker();
    const isEnvType = (type: ts.TypeNode): boolean => {
        if (ENV_TYPES.has(type.getText().replace(/\s+/g, ''))) return true;
        if (!ts.isTypeReferenceNode(type)) return false;
        let symbol = checker.getSymbolAtLocation(type.typeName);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        return (symbol?.declarations ?? []).some(
            (d) =>
                ts.isTypeAliasDeclaration(d) &&
                ((ENV_ALIAS_NAME.test(d.name.text) && ENV_RECORD.has(d.type.getText().replace(/\s+/g, ''))) ||
                    isEnvType(d.type)),
        );
    };
    const isEnv = (node: ts.Expression): boolean => {
        if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node))
            return isEnv(node.expression);
        if (ts.isPropertyAccessExpression(node) && node.name.text === 'env' && node.expression.getText() === 'process')
            return true;
        const name = ts.isIdentifier(node) ? node : ts.isPropertyAccessExpression(node) ? node.name : undefined;
        const declaration = name && checker.getSymbolAtLocation(name)?.declarations?.[0];
        if (!declaration) return false;
        const typed = declaration as ts.Node & { type?: ts.TypeNode; initializer?: ts.Expression };
        if (typed.type) return isEnvType(typed.type);
        return typed.initializer !== undefined && isEnv(typed.initializer);
    };
    const keyNames = (key: ts.Expression): string[] | 'dynamic' => {
        if (ts.isStringLiteralLike(key)) return [key.text];
        const type = checker.getTypeAtLocation(key);
        const parts = type.isUnion() ? type.types : [type];
        const literals = parts.filter((t) => t.isStringLiteral());
        return literals.length === parts.length ? literals.map((t) => t.value) : 'dynamic';
    };
    const reads: EnvRead[] = [];
    for (const source of program.getSourceFiles()) {
        const file = path.relative(REPO_ROOT, source.fileName).split(path.sep).join('/');
        const add = (node: ts.Node, names: string[] | 'dynamic') =>
            reads.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, names });
        const visit = (node: ts.Node): void => {
            if (ts.isElementAccessExpression(node) && isEnv(node.expression))
                add(node, keyNames(node.argumentExpression));
            else if (ts.isPropertyAccessExpression(node) && isEnv(node.expression)) add(node, [node.name.text]);
            else if (
                ts.isBinaryExpression(node) &&
                node.operatorToken.kind === ts.SyntaxKind.InKeyword &&
                isEnv(node.right)
            )
                add(node, keyNames(node.left));
            else if (
                ts.isVariableDeclaration(node) &&
                node.initializer &&
                ts.isObjectBindingPattern(node.name) &&
                isEnv(node.initializer)
            )
                for (const element of node.name.elements) {
                    const key = element.propertyName ?? element.name;
                    add(element, ts.isIdentifier(key) || ts.isStringLiteral(key) ? [key.text] : 'dynamic');
                }
            ts.forEachChild(node, visit);
        };
        visit(source);
    }
    return reads;
}

/** The `__suffix` parts a connection reader appends to a connection name (`${name}__blobServiceUri`). */
function connectionSuffixes(text: string): string[] {
    return [...new Set([...text.matchAll(/\$\{\w+\}(__\w+)`/g)].map((m) => m[1]!))];
}

async function sourceFiles(folder: string): Promise<string[]> {
    const entries = await readdir(path.join(REPO_ROOT, folder), { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

const where = (read: EnvRead) => `${read.file}:${read.line}`;

describe('the settings the code reads', () => {
    let reads: EnvRead[];
    beforeAll(async () => {
        // The catalogue's own readers take names typed as catalogue keys.
        reads = scanEnvReads(await sourceFiles('src')).filter((read) => !read.file.startsWith('src/settings/'));
    });

    it('are all in the catalogue', () => {
        const unknown = reads.flatMap((read) =>
            read.names === 'dynamic'
                ? []
                : read.names.filter((name) => !(name in SETTINGS)).map((name) => `${where(read)} ${name}`),
        );
        expect(unknown, 'add these to src/settings/catalogue.ts (and infra), or read them with readSetting').toEqual(
            [],
        );
        expect(reads.length).toBeGreaterThan(0);
    });

    it('are computed names only in the registered readers, and those still read some', () => {
        const registered = new Set<string>(DYNAMIC_SETTING_READERS.map((reader) => reader.file));
        const dynamic = reads.filter((read) => read.names === 'dynamic');
        expect(
            dynamic.filter((read) => !registered.has(read.file)).map(where),
            'read settings with readSetting, or register the reader in DYNAMIC_SETTING_READERS with a reason',
        ).toEqual([]);
        for (const file of registered)
            expect(
                dynamic.map((read) => read.file),
                `${file} reads no computed name`,
            ).toContain(file);
    });

    it('of a storage connection are catalogue settings, whatever suffix the reader appends', async () => {
        for (const reader of DYNAMIC_SETTING_READERS) {
            if (reader.kind !== 'connection') continue;
            const suffixes = connectionSuffixes(await readFile(path.join(REPO_ROOT, reader.file), 'utf8'));
            expect(suffixes, reader.file).toContain('__blobServiceUri');
            for (const connection of STORAGE_CONNECTIONS)
                for (const suffix of ['', ...suffixes])
                    expect(NAMES, `${reader.file} reads it`).toContain(`${connection}${suffix}`);
        }
    });

    it('are found by the scan in every form it handles, and other maps are left alone', async () => {
        const folder = await mkdtemp(path.join(tmpdir(), 'env-scan-'));
        try {
            const probe = path.join(folder, 'probe.ts');
            await writeFile(
                probe,
                [
                    'type SettingsMap = Readonly<Record<string, string | undefined>>;',
                    'const a = process.env.ALPHA;',
                    "const b = process.env['BRAVO'];",
                    "function f(env: NodeJS.ProcessEnv, name: string) { return env.CHARLIE ?? env[name] ?? ('DELTA' in env); }",
                    "const { ECHO, 'FOX': fox } = process.env;",
                    "function g(settings: SettingsMap) { const key = 'GOLF' as const; return settings[key]; }",
                    'const copy = process.env; const h = copy.HOTEL;',
                    'interface Io { env: NodeJS.ProcessEnv } function i(io: Io) { return io.env.INDIA; }',
                    "const env = { url: 'x' }; const headers: Record<string, string> = {}; const j = env.url + headers['content-type'];",
                    'function k(params: Readonly<Record<string, string | undefined>>) { return params.id; }',
                ].join('\n'),
            );
            expect(scanEnvReads([probe]).map((read) => read.names)).toEqual([
                ['ALPHA'],
                ['BRAVO'],
                ['CHARLIE'],
                'dynamic',
                ['DELTA'],
                ['ECHO'],
                ['FOX'],
                ['GOLF'],
                ['HOTEL'],
                ['INDIA'],
            ]);
            expect(connectionSuffixes('const a = `${name}__clientId`; const b = `${prefix}__blobServiceUri`;')).toEqual(
                ['__clientId', '__blobServiceUri'],
            );
        } finally {
            await rm(folder, { recursive: true, force: true });
        }
    });
});

describe('infra/README.md', () => {
    it('documents every setting and every deployment parameter', async () => {
        const readme = await readFile(path.join(REPO_ROOT, 'infra', 'README.md'), 'utf8');
        const main = await readFile(path.join(REPO_ROOT, 'infra', 'main.bicep'), 'utf8');
        const parameters = [...main.matchAll(/^param\s+(\w+)/gm)].map((m) => m[1]!);
        expect(parameters.length).toBeGreaterThan(10);
        for (const name of [...NAMES, ...parameters]) expect(readme, name).toContain(`\`${name}\``);
    });
});
