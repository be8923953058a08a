export {
    APP_SETTINGS_BICEP,
    DurableBackends,
    SETTINGS,
    DYNAMIC_SETTING_READERS,
    isRequiredWith,
    STORAGE_CONNECTIONS,
    type AzurePlacement,
    type DurableBackend,
    type LocalPlacement,
    type SettingEntry,
    type SettingName,
    type SettingReader,
    type StorageConnectionName,
} from './catalogue.js';
export { DURABLE_HOST } from './durable.js';
export {
    SettingError,
    readSetting,
    requireSetting,
    settingProblems,
    type SettingProblem,
    type SettingRead,
    type SettingValue,
    type SettingsSource,
} from './read.js';
export { serveToken } from './values.js';
export { RUNTIME_ROLES, type RoleScope, type RuntimeRole } from './roles.js';
