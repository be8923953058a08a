/**
 * Metadata writes: create a table, column, global choice, relationship or key (a POST of the definition, with
 * `MSCRM.SolutionUniqueName` when a solution is named: create-update-entity-definitions-using-web-api.md), publish
 * (PublishXml), wait for an alternate key's index, and read what of a planned schema the environment already has.
 *
 * The service runs one customization at a time: a write that meets another is refused (customization-lock.ts) and
 * waited out here with backoff, each wait counted. A key's index builds asynchronously (define-alternate-keys-entity.md: EntityKeyIndexStatus Pending,
 * InProgress, Active, Failed); rows are addressed by it only once Active.
 */
import type { DataverseClient, DataverseWriteClient } from './client-types.js';
import { isCustomizationLockAnswer } from './customization-lock.js';
import { DataverseError } from './errors.js';
import { odataString } from './odata-url.js';
import { backoffDelay, DEFAULT_RETRY_OPTIONS, sleep } from './retry-policy.js';

export function isCustomizationLock(error: unknown): boolean {
    return error instanceof DataverseError && isCustomizationLockAnswer(error.code, error.serviceMessage);
}

/** How waits back off; the defaults follow the client's retry options (tests shorten them there). */
export interface WaitOptions {
    baseDelayMs?: number;
    maxDelayMs?: number;
    /** Waits before giving up (default 60: about half an hour at the 30 s cap). */
    maxWaits?: number;
}

export interface MetadataWriteOptions {
    /** The solution the component joins (`MSCRM.SolutionUniqueName`); absent: the default solution. */
    solution?: string;
    signal?: AbortSignal;
    wait?: WaitOptions;
}

function delay(wait: WaitOptions | undefined, attempt: number): number {
    return backoffDelay(attempt, {
        baseDelayMs: wait?.baseDelayMs ?? DEFAULT_RETRY_OPTIONS.baseDelayMs,
        maxDelayMs: wait?.maxDelayMs ?? DEFAULT_RETRY_OPTIONS.maxDelayMs,
    });
}

/** Sends the write, waiting out customization locks; how many waits it took. */
async function whenUnlocked<T>(
    send: () => Promise<T>,
    what: string,
    options: MetadataWriteOptions,
): Promise<{ result: T; lockWaits: number }> {
    const maxWaits = options.wait?.maxWaits ?? 60;
    for (let waits = 0; ; waits++) {
        try {
            return { result: await send(), lockWaits: waits };
        } catch (error) {
            if (!isCustomizationLock(error)) throw error;
            if (waits >= maxWaits)
                throw new Error(
                    `${what}: another customization held the target's lock through ${maxWaits} waits; run again once it has finished (Solution History shows it)`,
                    { cause: error },
                );
            await sleep(delay(options.wait, waits + 1), options.signal);
        }
    }
}

/** POST one definition (`EntityDefinitions`, `.../Attributes`, `RelationshipDefinitions`, `.../Keys`, ...). */
export async function createDefinition(
    client: DataverseWriteClient,
    path: string,
    body: Record<string, unknown>,
    options: MetadataWriteOptions = {},
): Promise<{ entityId?: string; lockWaits: number }> {
    const headers = options.solution ? { 'MSCRM.SolutionUniqueName': options.solution } : undefined;
    const { result, lockWaits } = await whenUnlocked(
        () =>
            client.post(path, body, {
                ...(headers ? { headers } : {}),
                ...(options.signal ? { signal: options.signal } : {}),
            }),
        `POST ${path}`,
        options,
    );
    return { ...(result.entityId !== undefined ? { entityId: result.entityId } : {}), lockWaits };
}

/** PublishXml for these tables (publish-customizations.md: the ParameterXml of the publish request schema). */
export async function publishTables(
    client: DataverseWriteClient,
    tables: readonly string[],
    options: MetadataWriteOptions = {},
): Promise<{ lockWaits: number }> {
    const entities = tables.map((t) => `<entity>${t}</entity>`).join('');
    const body = { ParameterXml: `<importexportxml><entities>${entities}</entities></importexportxml>` };
    const { lockWaits } = await whenUnlocked(
        () => client.post('PublishXml', body, options.signal ? { signal: options.signal } : {}),
        'PublishXml',
        options,
    );
    return { lockWaits };
}

/** An alternate key whose index the service could not build: rows cannot be addressed by it. */
export class KeyIndexFailedError extends Error {
    constructor(
        readonly table: string,
        readonly key: string,
    ) {
        super(
            `alternate key '${key}' of '${table}' failed to build its index (EntityKeyIndexStatus Failed): usually rows of '${table}' in the target share a value of its columns; fix them, then reactivate the key (ReactivateEntityKey) or delete it, and run again`,
        );
        this.name = 'KeyIndexFailedError';
    }
}

/** Polls a key until its index is Active; Failed throws KeyIndexFailedError. How many polls it took. */
export async function waitForKeyIndex(
    client: DataverseClient,
    table: string,
    key: string,
    options: MetadataWriteOptions = {},
): Promise<{ polls: number }> {
    const maxWaits = options.wait?.maxWaits ?? 60;
    const path = `EntityDefinitions(LogicalName=${odataString(table)})/Keys?$select=LogicalName,EntityKeyIndexStatus`;
    for (let polls = 1; ; polls++) {
        const keys = await client.get<{ value: Array<{ LogicalName: string; EntityKeyIndexStatus: string }> }>(path, {
            ...(options.signal ? { signal: options.signal } : {}),
        });
        const status = keys.value.find((k) => k.LogicalName === key)?.EntityKeyIndexStatus;
        if (status === 'Active') return { polls };
        if (status === 'Failed') throw new KeyIndexFailedError(table, key);
        if (status === undefined)
            throw new Error(`alternate key '${key}' of '${table}' is not in the target after its creation`);
        if (polls > maxWaits)
            throw new Error(
                `alternate key '${key}' of '${table}' is still ${status} after ${maxWaits} checks: its index is being built; run again later`,
            );
        await sleep(delay(options.wait, polls), options.signal);
    }
}

/** What of a planned schema one table already has in the environment (absent table: undefined). */
export interface ExistingTable {
    columns: Set<string>;
    relationships: Set<string>;
    /** Key logical name -> EntityKeyIndexStatus. */
    keys: Map<string, string>;
}

export interface ExistingSchema {
    tables: Map<string, ExistingTable | undefined>;
    /** Global option set name -> MetadataId. */
    optionSets: Map<string, string>;
}

interface RawTable {
    Attributes: Array<{ LogicalName: string }>;
    Keys: Array<{ LogicalName: string; EntityKeyIndexStatus: string }>;
    ManyToOneRelationships: Array<{ SchemaName: string }>;
}

/** One request per table (a 404: not there) and one for the global choices. */
export async function readExistingSchema(
    client: DataverseClient,
    tables: readonly string[],
    options: { signal?: AbortSignal } = {},
): Promise<ExistingSchema> {
    const signal = options.signal ? { signal: options.signal } : {};
    const read = async (table: string): Promise<[string, ExistingTable | undefined]> => {
        try {
            const raw = await client.get<RawTable>(
                `EntityDefinitions(LogicalName=${odataString(table)})?$select=LogicalName&$expand=Attributes($select=LogicalName),Keys($select=LogicalName,EntityKeyIndexStatus),ManyToOneRelationships($select=SchemaName)`,
                signal,
            );
            return [
                table,
                {
                    columns: new Set(raw.Attributes.map((a) => a.LogicalName)),
                    relationships: new Set(raw.ManyToOneRelationships.map((r) => r.SchemaName.toLowerCase())),
                    keys: new Map(raw.Keys.map((k) => [k.LogicalName, k.EntityKeyIndexStatus])),
                },
            ];
        } catch (error) {
            if (error instanceof DataverseError && error.status === 404) return [table, undefined];
            throw error;
        }
    };
    const [entries, optionSets] = await Promise.all([
        Promise.all(tables.map(read)),
        client.get<{ value: Array<{ Name: string; MetadataId: string }> }>(
            'GlobalOptionSetDefinitions?$select=Name,MetadataId',
            signal,
        ),
    ]);
    return {
        tables: new Map(entries),
        optionSets: new Map(optionSets.value.map((o) => [o.Name, o.MetadataId])),
    };
}
