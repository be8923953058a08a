/** The Dataverse Web API client and metadata reader: the public surface other modules import. */
export type * from './client-types.js';
export type * from './metadata-types.js';
export { createDataverseClient, type DataverseClientOptions } from './client.js';
export { AdaptiveLimiter, SERVICE_CONCURRENCY_LIMIT, type LimiterOptions, type LimiterStats } from './concurrency.js';
export {
    createTokenCredential,
    CredentialConfigError,
    identityKey,
    scopeFor,
    type CredentialSpec,
} from './credentials.js';
export { dataverseEnvironments, EnvironmentRegistry, type EnvironmentConnection } from './environment-registry.js';
export {
    DataverseError,
    describeError,
    errorToJson,
    EXPIRED_VERSION_STAMP_CODE,
    isDataverseError,
    isExpiredDeltaToken,
    redactSecrets,
    type DataverseErrorJson,
    type DataverseErrorKind,
    type ErrorJson,
    type PlainErrorJson,
} from './errors.js';
export { decimalKey, ExactNumber, isExactNumber } from './exact-number.js';
export { API_PATH, type HttpStats, type RetryEvent } from './http.js';
export {
    readAllTableNames,
    readEnvironmentMetadata,
    readManyToMany,
    readTableMetadata,
    UnknownNamesError,
    type MetadataReadOptions,
    type ReadMetadataOptions,
} from './metadata.js';
export { entityPath, odataString } from './odata-url.js';
export { COUNT_LIMIT, countMatchingRows, retrieveTotalRecordCounts, type FilteredCount } from './record-counts.js';
export { emptyRequestCounts, tallyRequests, type RequestCounts, type RequestTally } from './request-tally.js';
export { isUnknownOutcome } from './unknown-outcome.js';
export { DEFAULT_RETRY_OPTIONS, type RetryOptions } from './retry-policy.js';
export {
    isDeadlock,
    isRolledBackWrite,
    isSqlTimeout,
    SQL_ERROR_CODE,
    SQL_TIMEOUT_CODE,
    TRANSACTION_ABORTED_CODE,
} from './sql-errors.js';
