/**
 * How azd turns infra/main.parameters.json into deployment parameters, modelled on azd's own code
 * (cli/azd/pkg/infra/provisioning/bicep: envsubst of `${VAR}` / `${VAR=default}`, then armParameterFileValue):
 * strings that hold a bool or an int become one when the parameter has that type, and an empty string for a
 * parameter whose default is not empty replaces that default. Tests use it to check that the parameter file
 * yields a valid value for every parameter from a plain azd environment.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const parameterFileSchema = z.object({
    $schema: z.string(),
    contentVersion: z.string(),
    parameters: z.record(z.string(), z.object({ value: z.unknown() }).strict()),
});

export type AzdParameterFile = z.infer<typeof parameterFileSchema>;

export async function readAzdParameterFile(file: string): Promise<AzdParameterFile> {
    return parameterFileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:=([^}]*))?\}/g;

export interface EnvReference {
    variable: string;
    /** The text after `=`, when the reference has one. */
    fallback: string | undefined;
}

/** The `${VAR}` / `${VAR=default}` references in a parameter file value. */
export function envReferences(value: unknown): EnvReference[] {
    if (typeof value !== 'string') return [];
    return [...value.matchAll(REFERENCE)].map((match) => ({ variable: match[1]!, fallback: match[2] }));
}

/** Substitutes references like azd's envsubst: an unset variable becomes its default, or the empty string. */
export function substitute(value: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
    if (typeof value !== 'string') return value;
    return value.replace(REFERENCE, (_match, variable: string, fallback: string | undefined) => {
        const set = env[variable];
        return set !== undefined && set !== '' ? set : (fallback ?? '');
    });
}

/** ARM parameter types as azd groups them. */
export type ArmParameterType = 'string' | 'securestring' | 'int' | 'bool' | 'array' | 'object' | 'secureObject';

const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * The value azd deploys for a parameter file value, or undefined where azd falls back to the template default (or
 * prompts when there is none).
 */
export function azdParameterValue(type: ArmParameterType, value: unknown, templateDefault: unknown): unknown {
    if (typeof value !== 'string') return value;
    switch (type.toLowerCase()) {
        case 'bool':
            if (GO_TRUE.has(value)) return true;
            if (GO_FALSE.has(value)) return false;
            return undefined;
        case 'int':
            return /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
        case 'string':
        case 'securestring':
            if (value !== '') return value;
            if (typeof templateDefault === 'string' && templateDefault !== value) return value;
            return undefined;
        default:
            return value;
    }
}
