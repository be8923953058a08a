export { SPEC_DEFAULTS, DEFAULT_REFERENCE_MATCH } from './defaults.js';
export { loadSpecFile, parseSpecText } from './load.js';
export { formatPath, formatProblem, type InputProblem } from './problems.js';
export { isLoopbackUrl } from '../util/url.js';
export {
    migrationSpecSchema,
    type CredentialSpec,
    type EnvironmentSpec,
    type MigrationSpec,
    type MigrationSpecInput,
    type ReferenceRule,
    type SpecOptions,
    type TableSpec,
} from './schema.js';
export { validateSpec, type SpecResult } from './validate.js';
