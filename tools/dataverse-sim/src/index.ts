/**
 * Public API of the Dataverse Web API simulator: `startSimulator` runs one environment on a loopback
 * port, in-process; the schema, data, gate and query engine modules are re-exported for tests,
 * benchmarks and the CLI.
 */
import type { SimDataset, SimPlugin, SimRow, SimSchema } from './model.js';
import { crmSchema } from './data/crm-schema.js';
import { generateDataset } from './data/generate.js';
import { emptyCounterpart, loadCmtData } from './data/index.js';
import { addIntersectTables, addSystemTables } from './data/schema-complete.js';
import { loadSchemaFile } from './data/schema-file.js';
import { attachPlugins } from './data/plugins.js';
import type { FaultsConfig, Gate, LimitsConfig } from './gate/index.js';
import { createGate, DATAVERSE_LIMITS } from './gate/index.js';
import { queryEngine } from './odata/index.js';
import { collationOfLanguage, DEFAULT_LANGUAGE_CODE } from './odata/collation.js';
import type { SimStats } from './server/http-server.js';
import { SimHttpServer } from './server/http-server.js';
import type { OutageMode, OutageOptions } from './server/outages.js';
import type { LongTransaction } from './server/long-transactions.js';
import type { DeltaInvalidation } from './server/change-tracking.js';
import { SchemaIndex } from './server/schema-index.js';
import { DataverseService } from './server/service.js';
import { SimClock } from './server/sim-clock.js';
import type { RecordCountMode } from './server/record-counts.js';
import { stderrWarnings, type WarningSink } from './data/warnings.js';
import { Store } from './server/store.js';
import { addMaskingRules } from './security/masking-rules.js';
import { parseSecurityConfig, type SecurityConfigInput } from './security/config.js';
import { parseCustomizationsConfig, type CustomizationsConfigInput } from './server/metadata-writes/config.js';
import type { CustomizationOperation, HeldLock } from './server/metadata-writes/customization-lock.js';

export interface SimulatorOptions {
    /** 0 (default) picks a free port. */
    port?: number;
    /** A schema object, `'crm'` (default) or the path of a JSON schema or CMT data_schema.xml file. */
    schema?: SimSchema | string;
    /** Rows to load as they are (the schema option is then ignored in favour of `dataset.schema`). */
    dataset?: SimDataset;
    /** Business rows to generate (default 0: only the system rows every org has). */
    rows?: number;
    /** Generator seed (default 1). */
    seed?: number | string;
    /** With `rows`: also activities with their parties and notes with small files (data/generate-activities.ts). */
    activities?: boolean;
    /** A CMT data.xml file to load instead of generated rows. */
    data?: string;
    /** The matching target: the source's system rows with new ids, no business rows. */
    empty?: boolean;
    /**
     * With `empty`: source and target are in one Entra ID tenant (default true, as in a geo-migration), so users keep
     * their `azureactivedirectoryobjectid`; false gives the same people other object ids, as another tenant has them.
     */
    sameTenant?: boolean;
    /** Where a schema or data file's warnings go, one line each (default: stderr). */
    onWarning?: WarningSink;
    /** `'none'` (default in-process), `'dataverse'` (the documented limits), or a config object. */
    limits?: LimitsConfig | 'none' | 'dataverse';
    faults?: FaultsConfig;
    latencyMs?: number;
    timeScale?: number;
    /** `'any'` (default) accepts any bearer token or none; `'strict'` answers 401 as the service does. */
    auth?: 'any' | 'strict';
    /**
     * `RetrieveTotalRecordCount`: `'available'` (default) answers from the environment's row count snapshot;
     * `'missing'` answers 404 as an environment without the function; `'denied'` answers 403 PrivilegeDenied.
     */
    retrieveTotalRecordCount?: RecordCountMode;
    /**
     * The environment's own synchronous logic: each plug-in sets a column of a table on create and/or update, whatever
     * the client wrote (`SimPlugin`; checked against the schema, an Error naming a bad one).
     */
    plugins?: SimPlugin[];
    /**
     * The organization's base language (LCID, default 1033), its `languagecode`: it fixes the collation strings compare
     * by (1033 `_CI_AI`; the accent-sensitive languages, 1035 Finnish for one, `_CI_AS`: odata/collation.ts).
     */
    languageCode?: number;
    /**
     * The listener's keep-alive idle limit (ms). Unset: Node's server default (5 s), closed gracefully. Set: a request
     * arriving on a connection idle that long is cut unanswered, as a server close crossing it would (server/keep-alive.ts).
     */
    keepAliveTimeoutMs?: number;
    /**
     * Who the callers are and what they may do (`security/config.ts`; the README's "Identities and privileges"). Without
     * it every caller is an all-seeing System Administrator.
     */
    security?: SecurityConfigInput;
    /**
     * Publishers and solutions besides the Default ones, how alternate key index jobs advance and customization lock
     * contention (`server/metadata-writes/config.ts`; the README's "Metadata writes").
     */
    customizations?: CustomizationsConfigInput;
}

export interface Simulator {
    /** `http://127.0.0.1:PORT`; the Web API is under `${url}/api/data/v9.2/`. */
    url: string;
    port: number;
    schema: SimSchema;
    close(): Promise<void>;
    stats(): SimStats;
    resetStats(): void;
    /** Every stored row of a table in primary-key order (lookups as `{id, table}`). */
    dump(table: string): SimRow[];
    /**
     * Moves the environment's now forward (delta tokens age, createdon/modifiedon follow, the RetrieveTotalRecordCount
     * snapshot ages: 24 hours on, the next call counts again); also `POST /_sim/advance-clock`.
     */
    advanceClock(ms: number): void;
    /**
     * An outage until `endOutage()` (or for `seconds`): `'refuse'` closes the port (connections are refused, open ones
     * cut), `'unavailable'` answers every Web API request 503 with Retry-After. Data, clock and port are kept; also
     * `POST /_sim/outage`.
     */
    beginOutage(mode: OutageMode, options?: OutageOptions): Promise<void>;
    endOutage(): Promise<void>;
    /**
     * The next write request (any method but GET) becomes a long transaction: `modifiedon`/`createdon` are stamped when
     * it arrives, its rows stay as they were for readers, and it is applied and answered at `commit()`; `arrived`
     * resolves once it came in. Models rows committed with an older `modifiedon` than rows already visible.
     */
    holdNextWrite(): LongTransaction;
    /**
     * Change-tracking tokens issued so far (of `table`, a logical name, or of every table) are refused from now on, as
     * the service refuses tokens after a metadata change: by default with ExpiredVersionStamp; `answer` sets another
     * refusal (the service's answer to some invalidations is not documented).
     */
    invalidateDeltaTokens(options?: DeltaInvalidation): void;
    /**
     * Holds the environment's customization lock as a running `operation` (default EntityCustomization): every metadata
     * write answers the lock error until `release()`.
     */
    holdCustomizationLock(operation?: CustomizationOperation): HeldLock;
    /** Ends every alternate key index job now: each new key becomes Active (or Failed over duplicate values). */
    completeKeyIndexes(): void;
    gate: Gate;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
    const dataset = buildDataset(options);
    if (options.plugins) attachPlugins(dataset.schema, options.plugins);
    const [org] = dataset.rows.organization ?? [];
    const stored = org?.languagecode;
    const languageCode = options.languageCode ?? (typeof stored === 'number' ? stored : DEFAULT_LANGUAGE_CODE);
    if (org) org.languagecode = languageCode;
    const security = options.security === undefined ? undefined : parseSecurityConfig(options.security);
    addMaskingRules(dataset, security);
    const schemaIndex = new SchemaIndex(dataset.schema);
    const store = new Store(schemaIndex, collationOfLanguage(languageCode));
    store.load(dataset);
    const clock = new SimClock();
    const customizations = parseCustomizationsConfig(options.customizations);
    const service = new DataverseService(
        schemaIndex,
        store,
        queryEngine,
        clock,
        options.retrieveTotalRecordCount,
        security,
        customizations,
    );
    const limits = options.limits === 'dataverse' ? DATAVERSE_LIMITS : (options.limits ?? 'none');
    const server = new SimHttpServer(
        service,
        (envUrl) =>
            createGate({
                envUrl,
                auth: options.auth ?? 'any',
                limits,
                faults: options.faults,
                latencyMs: options.latencyMs,
                timeScale: options.timeScale,
            }),
        options.keepAliveTimeoutMs,
    );
    const url = await server.listen(options.port ?? 0);
    return {
        url,
        port: Number(new URL(url).port),
        schema: dataset.schema,
        close: () => server.close(),
        stats: () => server.stats(),
        resetStats: () => server.resetStats(),
        dump: (table) => server.dump(table),
        advanceClock: (ms) => clock.advance(ms),
        beginOutage: (mode, outage) => server.beginOutage(mode, outage),
        endOutage: () => server.endOutage(),
        holdNextWrite: () => server.holdNextWrite(),
        invalidateDeltaTokens: (invalidation) => service.data.tracking.invalidate(invalidation),
        holdCustomizationLock: (operation) => service.metadataWrites.lock.hold(operation),
        completeKeyIndexes: () => service.metadataWrites.keyJobs.completeAll(),
        gate: server.gate,
    };
}

/** The schema option resolved and completed with the system and intersect tables every org has. */
export function resolveSchema(schema: SimSchema | string | undefined, warn: WarningSink = stderrWarnings): SimSchema {
    let resolved: SimSchema;
    if (schema === undefined || schema === 'crm') resolved = crmSchema();
    else if (typeof schema === 'string') resolved = loadSchemaFile(schema, warn);
    else resolved = structuredClone(schema);
    addSystemTables(resolved);
    addIntersectTables(resolved);
    return resolved;
}

function buildDataset(options: SimulatorOptions): SimDataset {
    if (options.dataset) {
        const schema = resolveSchema(options.dataset.schema);
        return { ...options.dataset, schema };
    }
    const warn = options.onWarning ?? stderrWarnings;
    const schema = resolveSchema(options.schema, warn);
    const seed = options.seed ?? 1;
    const target = { seed, sameTenant: options.sameTenant ?? true };
    if (options.data !== undefined) {
        const source = loadCmtData(schema, options.data, warn);
        return options.empty ? emptyCounterpart(source, target) : source;
    }
    // The target of a generated source has the system rows the generator makes for the same seed.
    if (options.empty) return emptyCounterpart(generateDataset(schema, { rows: 0, seed }), target);
    return generateDataset(schema, { rows: options.rows ?? 0, seed, activities: options.activities === true });
}

export type { SimStats, TableStats } from './server/http-server.js';
export type { RecordCountMode } from './server/record-counts.js';
export type { OutageMode, OutageOptions } from './server/outages.js';
export type { LongTransaction } from './server/long-transactions.js';
export type { DeltaInvalidation } from './server/change-tracking.js';
export type { CustomizationsConfigInput } from './server/metadata-writes/config.js';
export type { CustomizationOperation, HeldLock } from './server/metadata-writes/customization-lock.js';
export { CUSTOMIZATION_LOCK_CODE } from './server/metadata-writes/customization-lock.js';
export { customizationsConfigSchema } from './server/metadata-writes/config.js';
export { RECORD_COUNT_SNAPSHOT_MAX_AGE_MS } from './server/record-counts.js';
export * from './model.js';
export { SimError, ErrorCodes } from './errors.js';
export { compareSqlGuids, sqlGuidSortKey, isGuid } from './guid-order.js';
export { ExactNumber, isExactNumber } from './exact-number.js';
export * from './gate/index.js';
export * from './data/index.js';
export { attachPlugins, loadPluginsFile, pluginsConfigSchema } from './data/plugins.js';
export { queryEngine } from './odata/index.js';
export { collationOfLanguage, collationKey, type Collation } from './odata/collation.js';
export type { SecurityConfig, SecurityConfigInput, Depth, AccessKind } from './security/config.js';
export {
    parseSecurityConfig,
    loadSecurityFile,
    securityConfigSchema,
    DEPTHS,
    ACCESS_KINDS,
} from './security/config.js';
export { privilegeName, privilegeId } from './security/privileges.js';
export { SecurityErrorCodes } from './security/refusals.js';
