export { SPEC_DEFAULTS, DEFAULT_REFERENCE_MATCH } from './defaults.js';
export { loadSpecFile, parseSpecText, readSpecDocument, type SpecDocumentRead } from './load.js';
export { formatPath, formatProblem, type InputProblem } from './problems.js';
export { isLoopbackUrl } from '../util/url.js';
export {
    migrationSpecSchema,
    specNameSchema,
    type CredentialSpec,
    type EnvironmentSpec,
    type MigrationSpec,
    type MigrationSpecInput,
    type ReferenceRule,
    type SpecOptions,
    type TableSpec,
} from './schema.js';
export { validateSpec, type SpecResult } from './validate.js';
export { FAKE_KINDS, type FakeKind, type MaskRule, type MaskingSpec } from './masking.js';
export { subsetSchema, type SubsetSpec, type SubsetStart } from './subset.js';
