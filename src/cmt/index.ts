export { fetchXmlToODataFilter, type FilterTranslation } from './fetch-filter.js';
export { CmtSchemaError, parseCmtSchema, type CmtEntity, type CmtField, type CmtRelationship } from './schema.js';
export { cmtSchemaToSpec, type CmtImportOptions, type CmtImportResult } from './to-spec.js';
