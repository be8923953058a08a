import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_STORE_CONTAINER } from '../../src/runlog/index.js';
import { SPEC_STORE_CONTAINER } from '../../src/specstore/index.js';
import {
    azdParameterValue,
    envReferences,
    readAzdParameterFile,
    substitute,
    type ArmParameterType,
    type AzdParameterFile,
} from '../../tools/bicep/azd-parameters.js';
import { REPO_ROOT, bicep, findings } from '../../tools/bicep/cli.js';
import {
    onlyChild,
    onlyResource,
    resourcesOfType,
    snapshotDeployment,
    SNAPSHOT_CONTEXT,
    type DeploymentSnapshot,
    type ParameterValue,
} from '../../tools/bicep/snapshot.js';

const INFRA = path.join(REPO_ROOT, 'infra');

/**
 * What a user's azd environment holds after `azd init`, `azd env set DATAVERSE_ALLOWED_URLS ...` and
 * `azd env set AZURE_AUTH_CLIENT_ID ...` (the app registration people sign in to).
 */
const AZD_ENV = {
    AZURE_AUTH_CLIENT_ID: '22222222-2222-2222-2222-222222222222',
    AZURE_ENV_NAME: 'dev',
    AZURE_LOCATION: 'swedencentral',
    AZURE_PRINCIPAL_ID: '11111111-1111-1111-1111-111111111111',
    DATAVERSE_ALLOWED_URLS: 'https://contoso.crm.dynamics.com,https://contoso-dev.crm4.dynamics.com',
};

/** Parameters a user changed with `azd env set` (a non-default value shows it reaches the resource). */
const AZD_CHOICES = { RUN_LOG_RETENTION_DAYS: '14' };

const REQUIRED = {
    environmentName: 'dev',
    location: 'swedencentral',
    dataverseAllowedUrls: 'https://contoso.crm.dynamics.com',
    authClientId: '22222222-2222-2222-2222-222222222222',
};

interface ArmParameter {
    type: ArmParameterType;
    defaultValue?: unknown;
}

let template: { parameters: Record<string, ArmParameter>; outputs: Record<string, { type: string }> };
let buildDiagnostics: string;
let defaults: DeploymentSnapshot;
let scheduler: DeploymentSnapshot;
let vault: DeploymentSnapshot;
let parameterFile: AzdParameterFile;
/** What azd deploys from main.parameters.json and AZD_ENV + AZD_CHOICES; `fallsBack`: parameters left to their default. */
let azd: { values: Record<string, ParameterValue>; fallsBack: string[] };

function azdDeployment(env: Readonly<Record<string, string>>): typeof azd {
    const values: Record<string, ParameterValue> = {};
    const fallsBack: string[] = [];
    for (const [name, { value }] of Object.entries(parameterFile.parameters)) {
        const declared = template.parameters[name]!;
        const deployed = azdParameterValue(declared.type, substitute(value, env), declared.defaultValue);
        if (deployed === undefined) fallsBack.push(name);
        else values[name] = deployed as ParameterValue;
    }
    return { values, fallsBack };
}

async function bicepFiles(folder: string): Promise<string[]> {
    const entries = await readdir(folder, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith('.bicep')).map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
    const built = await bicep(['build', 'infra/main.bicep', '--stdout']);
    buildDiagnostics = built.stderr;
    template = JSON.parse(built.stdout);
    parameterFile = await readAzdParameterFile(path.join(INFRA, 'main.parameters.json'));
    azd = azdDeployment({ ...AZD_ENV, ...AZD_CHOICES });
    // The default deployment is what azd deploys; the optional parts are switched on one at a time.
    [defaults, scheduler, vault] = await Promise.all([
        snapshotDeployment(azd.values),
        snapshotDeployment({ ...REQUIRED, durableBackend: 'DurableTaskScheduler' }),
        snapshotDeployment({ ...REQUIRED, keyVaultEnabled: true }),
    ]);
}, 120_000);

describe('infra/main.bicep compiles with the real Bicep CLI', () => {
    it('builds with no warning (npm run infra:build also lints every file)', () => {
        expect(findings(buildDiagnostics)).toEqual([]);
    });

    it('uses only local modules, all of which exist and are used', async () => {
        const files = await bicepFiles(INFRA);
        const referenced = new Set<string>();
        for (const file of files) {
            const text = await readFile(file, 'utf8');
            for (const match of text.matchAll(/^\s*module\s+\w+\s+'([^']+)'/gm)) {
                const target = match[1]!;
                expect(target, `${file}: registry modules need the network to compile`).not.toMatch(/^(br|ts)[:/]/);
                const resolved = path.resolve(path.dirname(file), target);
                expect(files, `${path.relative(REPO_ROOT, file)} uses ${target}`).toContain(resolved);
                referenced.add(resolved);
            }
        }
        const modules = files.filter((file) => file.includes(`${path.sep}modules${path.sep}`));
        expect(modules.length).toBeGreaterThan(5);
        for (const module of modules) expect(referenced, `${module} is never used`).toContain(module);
    });
});

describe('infra/main.parameters.json', () => {
    it('gives every parameter a value, and names no parameter the template lacks', () => {
        expect(Object.keys(parameterFile.parameters).sort()).toEqual(Object.keys(template.parameters).sort());
    });

    it('uses the same defaults as the template, so azd and a plain deployment agree', () => {
        for (const [name, { value }] of Object.entries(parameterFile.parameters)) {
            const declared = template.parameters[name]!;
            for (const reference of envReferences(value)) {
                if (reference.fallback === undefined) continue;
                expect(azdParameterValue(declared.type, reference.fallback, declared.defaultValue), name).toEqual(
                    declared.defaultValue,
                );
            }
        }
    });

    it("needs nothing from the user but the allowed Dataverse URLs and the app registration's client id (azd sets the rest)", () => {
        const withoutFallback = Object.values(parameterFile.parameters)
            .flatMap(({ value }) => envReferences(value))
            .filter((reference) => reference.fallback === undefined)
            .map((reference) => reference.variable);
        expect(withoutFallback.sort()).toEqual(Object.keys(AZD_ENV).sort());
    });

    it('turns a plain azd environment into valid values for every parameter', () => {
        // A parameter left to azd's fallback needs a template default, or azd would prompt for it.
        for (const name of azd.fallsBack) expect(template.parameters[name]!.defaultValue, name).toBeDefined();
        expect(azd.fallsBack).toEqual(['principalId'].filter((name) => !(name in azd.values)));
        expect(azd.values).toMatchObject({
            environmentName: AZD_ENV.AZURE_ENV_NAME,
            dataverseAllowedUrls: AZD_ENV.DATAVERSE_ALLOWED_URLS,
            durableBackend: 'AzureStorage',
            maxRequestBodyBytes: 262144,
            runLogRetentionDays: 14,
            keyVaultEnabled: false,
            keyVaultSecretSettings: [],
        });
        // The snapshot of these values (the real CLI type-checks every one) is the `defaults` deployment.
        expect(onlyChild(defaults, 'Microsoft.Web/sites/config', 'appsettings').properties).toMatchObject({
            DATAVERSE_ALLOWED_URLS: AZD_ENV.DATAVERSE_ALLOWED_URLS,
        });
    });
});

describe('outputs', () => {
    it('are UPPER_SNAKE for azd and carry no secret', () => {
        const names = Object.keys(template.outputs);
        expect(names).toEqual(expect.arrayContaining(['AZURE_FUNCTION_APP_NAME', 'AZURE_MANAGED_IDENTITY_CLIENT_ID']));
        for (const name of names) {
            expect(name).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
            expect(name).not.toMatch(/SECRET|PASSWORD|CONNECTION_STRING|ACCOUNT_KEY|SAS/);
        }
        for (const snapshot of [defaults, scheduler, vault])
            expect(JSON.stringify(snapshot.outputs)).not.toMatch(/list(Keys|Secrets|ConnectionStrings)/i);
    });
});

describe('cross-tenant federation', () => {
    it("names the identity's tenant as issuer and its object id as subject, for the app registration to trust", () => {
        // The cloud's login endpoint (https://login.microsoftonline.com/ in the public cloud) is known at deployment.
        expect(defaults.outputs.AZURE_FEDERATION_ISSUER).toBe(
            `[format('{0}{1}/v2.0', environment().authentication.loginEndpoint, '${SNAPSHOT_CONTEXT.tenantId}')]`,
        );
        expect(defaults.outputs.AZURE_FEDERATION_SUBJECT).toBe(defaults.outputs.AZURE_MANAGED_IDENTITY_PRINCIPAL_ID);
        expect(String(defaults.outputs.AZURE_FEDERATION_SUBJECT)).toMatch(/principalId/);
    });
});

describe('no secret, key or key-bearing connection string anywhere in infra', () => {
    const FORBIDDEN: readonly RegExp[] = [
        /AccountKey\s*=/i,
        /SharedAccessKey/i,
        /SharedAccessSignature/i,
        /[?&;]sig=/i,
        /DefaultEndpointsProtocol=/i,
        /InstrumentationKey=/i,
        /Password\s*=/i,
        /-----BEGIN/,
        /\blist(Keys|Secrets|ConnectionStrings|AccountSas|ServiceSas)\s*\(/i,
        /\b(eyJ[A-Za-z0-9_-]{20,})/,
        // A storage account key: 64 bytes in base64.
        /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])/,
    ];

    it('in the sources, the parameter file and the compiled template', async () => {
        const sources = [
            ...(await bicepFiles(INFRA)),
            path.join(INFRA, 'main.parameters.json'),
            path.join(REPO_ROOT, 'azure.yaml'),
        ];
        const texts = await Promise.all(sources.map(async (file) => [file, await readFile(file, 'utf8')] as const));
        texts.push(['compiled template', JSON.stringify(template)]);
        for (const snapshot of [defaults, scheduler, vault]) texts.push(['snapshot', JSON.stringify(snapshot)]);
        for (const [where, text] of texts)
            for (const pattern of FORBIDDEN)
                expect(text.match(pattern)?.[0], `${where} matches ${pattern}`).toBeUndefined();
    });

    it('and no secure parameter with a default value', () => {
        for (const [name, parameter] of Object.entries(template.parameters))
            if (/^secure/i.test(parameter.type)) expect(parameter.defaultValue, name).toBeUndefined();
    });
});

describe('the storage account', () => {
    it('accepts Entra ID only, over TLS 1.2, with no public blobs', () => {
        const account = onlyResource(defaults, 'Microsoft.Storage/storageAccounts');
        expect(account.properties).toMatchObject({
            allowSharedKeyAccess: false,
            allowBlobPublicAccess: false,
            minimumTlsVersion: 'TLS1_2',
            supportsHttpsTrafficOnly: true,
            defaultToOAuthAuthentication: true,
        });
    });

    it('has the deployment, run log and spec containers, private', () => {
        const containers = resourcesOfType(defaults, 'Microsoft.Storage/storageAccounts/blobServices/containers');
        expect(containers.map((c) => c.name.split('/').pop()).sort()).toEqual(
            ['app-package', RUN_STORE_CONTAINER, SPEC_STORE_CONTAINER].sort(),
        );
        for (const container of containers) expect(container.properties).toMatchObject({ publicAccess: 'None' });
    });

    it('deletes run logs after the configured days, and only run logs', () => {
        const policy = onlyResource(defaults, 'Microsoft.Storage/storageAccounts/managementPolicies');
        expect(policy.properties).toMatchObject({
            policy: {
                rules: [
                    {
                        enabled: true,
                        definition: {
                            filters: {
                                blobTypes: ['blockBlob', 'appendBlob'],
                                prefixMatch: [`${RUN_STORE_CONTAINER}/runs/`],
                            },
                            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 14 } } },
                        },
                    },
                ],
            },
        });
    });
});

describe('the Function App', () => {
    it('runs on Flex Consumption (FC1, Linux)', () => {
        const plan = onlyResource(defaults, 'Microsoft.Web/serverfarms');
        expect(plan).toMatchObject({ sku: { name: 'FC1', tier: 'FlexConsumption' }, properties: { reserved: true } });
    });

    it('runs Node 22 from a blob deployment container with its user-assigned identity, one instance always ready for the durable group', () => {
        const identity = onlyResource(defaults, 'Microsoft.ManagedIdentity/userAssignedIdentities');
        const site = onlyResource(defaults, 'Microsoft.Web/sites');
        expect(site).toMatchObject({
            kind: 'functionapp,linux',
            identity: { type: 'UserAssigned', userAssignedIdentities: { [identity.id]: {} } },
            properties: {
                httpsOnly: true,
                keyVaultReferenceIdentity: identity.id,
                functionAppConfig: {
                    runtime: { name: 'node', version: '22' },
                    scaleAndConcurrency: { alwaysReady: [{ name: 'durable', instanceCount: 1 }] },
                    deployment: {
                        storage: {
                            type: 'blobContainer',
                            authentication: {
                                type: 'UserAssignedIdentity',
                                userAssignedIdentityResourceId: identity.id,
                            },
                        },
                    },
                },
            },
        });
        const deployment = (site.properties as { functionAppConfig: { deployment: { storage: { value: string } } } })
            .functionAppConfig.deployment.storage.value;
        expect(deployment).toMatch(/primaryEndpoints\.blob, 'app-package'\)\]$/);
    });

    it('lets in only Entra ID principals of the app registration (401 for the rest), leaving /api/automation to function keys', () => {
        const auth = onlyChild(defaults, 'Microsoft.Web/sites/config', 'authsettingsV2');
        expect(auth.properties).toMatchObject({
            platform: { enabled: true },
            globalValidation: {
                requireAuthentication: true,
                unauthenticatedClientAction: 'Return401',
                excludedPaths: ['/api/automation', '/api/automation/*'],
            },
            httpSettings: { requireHttps: true },
            identityProviders: {
                azureActiveDirectory: {
                    enabled: true,
                    registration: { clientId: AZD_ENV.AZURE_AUTH_CLIENT_ID },
                    validation: {
                        allowedAudiences: [AZD_ENV.AZURE_AUTH_CLIENT_ID, `api://${AZD_ENV.AZURE_AUTH_CLIENT_ID}`],
                    },
                },
            },
        });
    });

    it('allows no publishing user name and password', () => {
        const policies = resourcesOfType(defaults, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies');
        expect(policies.map((p) => [p.name.split('/').pop(), p.properties])).toEqual([
            ['ftp', { allow: false }],
            ['scm', { allow: false }],
        ]);
    });
});

describe('monitoring', () => {
    it('is Application Insights on Log Analytics, both with local authentication off', () => {
        const workspace = onlyResource(defaults, 'Microsoft.OperationalInsights/workspaces');
        const insights = onlyResource(defaults, 'Microsoft.Insights/components');
        expect(workspace.properties).toMatchObject({ features: { disableLocalAuth: true } });
        expect(insights.properties).toMatchObject({ DisableLocalAuth: true, WorkspaceResourceId: workspace.id });
    });
});

describe('the optional parts', () => {
    it('add a Durable Task Scheduler with the task hub only for that backend', () => {
        expect(resourcesOfType(defaults, 'Microsoft.DurableTask/schedulers')).toEqual([]);
        const hub = onlyResource(scheduler, 'Microsoft.DurableTask/schedulers/taskHubs');
        expect(hub.name.split('/').pop()).toBe('dataversemigrate');
        expect(onlyResource(scheduler, 'Microsoft.DurableTask/schedulers').properties).toMatchObject({
            sku: { name: 'Consumption' },
        });
    });

    it('add a Key Vault in RBAC mode with purge protection only when asked', () => {
        // Mapping secret settings also deploys it (test/unit/infra-agreement.test.ts).
        expect(resourcesOfType(defaults, 'Microsoft.KeyVault/vaults')).toEqual([]);
        expect(onlyResource(vault, 'Microsoft.KeyVault/vaults').properties).toMatchObject({
            enableRbacAuthorization: true,
            enablePurgeProtection: true,
            enableSoftDelete: true,
        });
    });
});
