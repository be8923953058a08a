/**
 * Reading app settings through the catalogue: how product code reads configuration. Each reader knows
 * the setting's parser and default from the catalogue, so a value is validated where it is read, and an error
 * names the setting, says what was wrong and where to set it, and never echoes a value that may carry a key.
 */
import type { z } from 'zod';
import {
    APP_SETTINGS_BICEP,
    isRequiredWith,
    SETTINGS,
    type DurableBackend,
    type SettingEntry,
    type SettingName,
    type Settings,
} from './catalogue.js';

/** Environment variables as the Functions host hands app settings to the worker (process.env or a test's object). */
export type SettingsSource = Readonly<Record<string, string | undefined>>;

export class SettingError extends Error {
    constructor(
        /** The setting the problem is about. */
        readonly setting: string,
        message: string,
    ) {
        super(message);
        this.name = 'SettingError';
    }
}

export type SettingValue<N extends SettingName> = z.output<Settings[N]['parse']>;
/** Settings with a default always have a value; the others may be unset. */
export type SettingRead<N extends SettingName> = Settings[N] extends { readonly default: string }
    ? SettingValue<N>
    : SettingValue<N> | undefined;

/** The parsed value of `name`, its default when unset or blank, or undefined. Throws SettingError on a bad value. */
export function readSetting<N extends SettingName>(env: SettingsSource, name: N): SettingRead<N> {
    const entry: SettingEntry = SETTINGS[name];
    const raw = env[name]?.trim();
    const text = raw ? raw : entry.default;
    if (text === undefined) return undefined as SettingRead<N>;
    const result = entry.parse.safeParse(text);
    if (!result.success) {
        const problems = result.error.issues.map((issue) => issue.message).join('; ');
        const shown = raw === undefined || raw === '' ? ` (its default '${text}')` : shownValue(entry, text);
        throw new SettingError(name, `App setting ${name}${shown}: ${problems}`);
    }
    return result.data as SettingRead<N>;
}

/** Like readSetting, for a setting the caller cannot do without: an unset one is a SettingError saying where to set it. */
export function requireSetting<N extends SettingName>(env: SettingsSource, name: N): SettingValue<N> {
    const value = readSetting(env, name);
    if (value === undefined) throw new SettingError(name, `App setting ${name} is not set: ${unsetHint(name)}`);
    return value;
}

export interface SettingProblem {
    readonly setting: SettingName;
    readonly message: string;
}

/**
 * Every problem with the settings a host needs, at once: required ones unset, set ones that do not parse, and
 * ones that must not be there (a key-bearing connection string in Azure). For a start-up check that fails with
 * the whole list instead of at the first read.
 */
export function settingProblems(
    env: SettingsSource,
    where: 'azure' | 'local',
    durableBackend: DurableBackend = 'AzureStorage',
): SettingProblem[] {
    const problems: SettingProblem[] = [];
    for (const name of Object.keys(SETTINGS) as SettingName[]) {
        const entry: SettingEntry = SETTINGS[name];
        const placement = where === 'azure' ? entry.azure : entry.local;
        const isSet = Boolean(env[name]?.trim());
        if (placement.need === 'forbidden') {
            if (isSet)
                problems.push({
                    setting: name,
                    message: `${name} must not be set ${where === 'azure' ? 'in Azure' : 'locally'}: ${placement.because}`,
                });
            continue;
        }
        if (!isSet && isRequiredWith(placement, durableBackend) && entry.default === undefined) {
            problems.push({ setting: name, message: `${name} is not set: ${unsetHint(name)}` });
            continue;
        }
        try {
            readSetting(env, name);
        } catch (error) {
            if (!(error instanceof SettingError)) throw error;
            problems.push({ setting: name, message: error.message });
        }
    }
    return problems;
}

function shownValue(entry: SettingEntry, text: string): string {
    if (entry.sensitive) return '';
    return ` ('${text.length > 120 ? `${text.slice(0, 120)}...` : text}')`;
}

function unsetHint(name: SettingName): string {
    const entry: SettingEntry = SETTINGS[name];
    const azure =
        entry.azure.need === 'forbidden' ? 'not used in Azure' : `in Azure infra sets it (${APP_SETTINGS_BICEP})`;
    const local =
        entry.local.need === 'forbidden'
            ? 'not used locally'
            : 'locally add it to local.settings.json (see local.settings.sample.json)';
    return `${entry.description} ${capitalize(azure)}; ${local}.`;
}

function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
