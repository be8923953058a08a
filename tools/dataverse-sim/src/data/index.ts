/** Schemas and datasets of the simulator: built-in crm schema, schema files, generator, CMT data, empty target. */
export { systemTables, SYSTEM_TABLE_NAMES, isSystemTable } from './system-tables.js';
export { STANDARD_ROLES, roleId } from './system-roles.js';
export { findManyToMany, systemRelationships } from './system-relationships.js';
export { crmSchema } from './crm-schema.js';
export { loadSchemaFile, cmtSchemaFromText, jsonSchemaFromText } from './schema-file.js';
export { SchemaFileError } from './schema-complete.js';
export { deriveEntitySetName } from './entity-set-name.js';
export { generateDataset, splitRows, businessTables, type GenerateOptions } from './generate.js';
export { loadCmtData, cmtDataFromText } from './cmt-data.js';
export { emptyCounterpart, type EmptyCounterpartOptions } from './empty-counterpart.js';
export { stderrWarnings, type WarningSink } from './warnings.js';
export { minimalTable, fullTable } from './standard-tables.js';
export { Prng } from '../prng.js';
export { checkIntegrity } from './integrity.js';
