/**
 * What infra/main.bicep would deploy for given parameter values, read from the real Bicep CLI (`bicep snapshot`):
 * every resource of every module with parameters, variables and conditions evaluated, and only the values known
 * at deployment time (a resource's runtime properties) left as ARM expressions such as `[reference(...)]`. Tests
 * read app settings, role assignments and resource properties from this instead of pattern-matching .bicep text.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { bicep, findings, REPO_ROOT } from './cli.js';

/** The deployment context the snapshot assumes (any fixed values do; these name nothing real). */
export const SNAPSHOT_CONTEXT = {
    subscriptionId: '00000000-0000-0000-0000-00000000000a',
    tenantId: '00000000-0000-0000-0000-00000000000b',
    resourceGroup: 'rg-snapshot',
    location: 'swedencentral',
} as const;

const resourceSchema = z
    .object({
        id: z.string(),
        type: z.string(),
        name: z.string(),
        apiVersion: z.string().optional(),
        properties: z.unknown().optional(),
    })
    .loose();

const snapshotSchema = z.object({
    predictedResources: z.array(resourceSchema),
    diagnostics: z.array(z.unknown()),
    outputs: z.record(z.string(), z.unknown()),
});

export type PredictedResource = z.infer<typeof resourceSchema>;
export type DeploymentSnapshot = z.infer<typeof snapshotSchema>;

/** Parameter values as JSON: strings, numbers, booleans, arrays and objects of them. */
export type ParameterValue = string | number | boolean | readonly ParameterValue[] | { [key: string]: ParameterValue };

/** Snapshots `template` (a path from the repository root) deployed with `parameters` into SNAPSHOT_CONTEXT. */
export async function snapshotDeployment(
    parameters: Readonly<Record<string, ParameterValue>>,
    template = 'infra/main.bicep',
): Promise<DeploymentSnapshot> {
    // Inside the repository (git-ignored): `using` paths must be relative, and the folder is unique per call.
    const folder = path.join(REPO_ROOT, '.tools', 'bicep', 'snapshots', randomUUID());
    await mkdir(folder, { recursive: true });
    try {
        const using = path.relative(folder, path.join(REPO_ROOT, template)).split(path.sep).join('/');
        const lines = [`using '${using}'`, ...Object.entries(parameters).map(([k, v]) => `param ${k} = ${literal(v)}`)];
        const file = path.join(folder, 'case.bicepparam');
        await writeFile(file, `${lines.join('\n')}\n`);
        const { stderr } = await bicep([
            'snapshot',
            file,
            '--subscription-id',
            SNAPSHOT_CONTEXT.subscriptionId,
            '--tenant-id',
            SNAPSHOT_CONTEXT.tenantId,
            '--resource-group',
            SNAPSHOT_CONTEXT.resourceGroup,
            '--location',
            SNAPSHOT_CONTEXT.location,
            '--config',
            path.join(REPO_ROOT, 'infra', 'bicepconfig.json'),
        ]);
        const problems = findings(stderr);
        if (problems.length > 0) throw new Error(`bicep snapshot reported:\n${problems.join('\n')}`);
        const text = await readFile(path.join(folder, 'case.snapshot.json'), 'utf8');
        return snapshotSchema.parse(JSON.parse(text));
    } finally {
        await rm(folder, { recursive: true, force: true });
    }
}

/** The resources of one type. */
export function resourcesOfType(snapshot: DeploymentSnapshot, type: string): PredictedResource[] {
    return snapshot.predictedResources.filter((resource) => resource.type.toLowerCase() === type.toLowerCase());
}

/** The one resource of a type; throws when there is none or more than one. */
export function onlyResource(snapshot: DeploymentSnapshot, type: string): PredictedResource {
    const found = resourcesOfType(snapshot, type);
    if (found.length !== 1) throw new Error(`expected one ${type}, the snapshot has ${found.length}`);
    return found[0]!;
}

/** The one resource of a type whose name ends in `/<leaf>` (child resources such as `sites/config/appsettings`). */
export function onlyChild(snapshot: DeploymentSnapshot, type: string, leaf: string): PredictedResource {
    const found = resourcesOfType(snapshot, type).filter((resource) => resource.name.split('/').pop() === leaf);
    if (found.length !== 1) throw new Error(`expected one ${type} named ${leaf}, the snapshot has ${found.length}`);
    return found[0]!;
}

/** A JSON value as a Bicep literal. */
export function literal(value: ParameterValue): string {
    if (typeof value === 'string')
        return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$\{/g, '\\${').replace(/\n/g, '\\n')}'`;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) return `[\n${value.map((item: ParameterValue) => literal(item)).join('\n')}\n]`;
    const entries = Object.entries(value as Record<string, ParameterValue>);
    return `{\n${entries.map(([key, item]) => `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : literal(key)}: ${literal(item)}`).join('\n')}\n}`;
}
