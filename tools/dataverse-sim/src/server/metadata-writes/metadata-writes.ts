/**
 * Metadata writes: `POST EntityDefinitions` (a table), `POST EntityDefinitions(LogicalName='x')/Attributes` (a column),
 * `POST EntityDefinitions(LogicalName='x')/Keys` (an alternate key), `POST RelationshipDefinitions` (a one-to-many
 * relationship and its lookup), `POST GlobalOptionSetDefinitions` (a global choice), `POST PublishXml` /
 * `POST PublishAllXml`. Each answers 204 with `OData-EntityId` (the created definition's URI: "The URI for the
 * attribute is returned in the response"), is refused while another customization runs (customization-lock.ts), and
 * names its solution with `MSCRM.SolutionUniqueName` (solutions.ts). A created table is queryable at once, empty; its
 * metadata, columns, lookups and keys read like the schema's own (metadata.ts builds them from the same model).
 * The contract for clients is the README's "Metadata writes" section.
 */
import { z } from 'zod';
import { ErrorCodes, SimError } from '../../errors.js';
import type { SimRequest, SimResponse } from '../http-types.js';
import { emptyResponse } from '../http-types.js';
import { metadataId } from '../metadata.js';
import type { PathSegment } from '../resource-path.js';
import { notFound } from '../route-errors.js';
import type { SchemaIndex, TableInfo } from '../schema-index.js';
import type { SimClock } from '../sim-clock.js';
import type { Store } from '../store.js';
import type { CustomizationsConfig } from './config.js';
import { CustomizationLock, type CustomizationOperation } from './customization-lock.js';
import { KeyIndexJobs, buildKey } from './key-indexes.js';
import { labelSchema, labelText } from './labels.js';
import { checkedLogicalName } from './names.js';
import { buildColumns, optionSchema, optionsOf } from './new-column.js';
import { parsed } from './parsed.js';
import { buildManyToMany } from './new-many-to-many.js';
import { buildOneToMany } from './new-relationship.js';
import { buildTable } from './new-table.js';
import { componentNotFound, invalidDefinition, nameInUse } from './refusals.js';
import { ComponentType, Solutions } from './solutions.js';

export const PUBLISH_ACTIONS = new Set(['PublishXml', 'PublishAllXml']);

const globalOptionSetSchema = z
    .object({
        Name: z.string().min(1),
        DisplayName: labelSchema.optional(),
        OptionSetType: z.enum(['Picklist']).optional(),
        IsGlobal: z.literal(true).optional(),
        Options: z.array(optionSchema).min(1, 'needs at least one option'),
    })
    .passthrough();

export class MetadataWrites {
    readonly solutions: Solutions;
    readonly lock: CustomizationLock;
    readonly keyJobs: KeyIndexJobs;

    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
        clock: SimClock,
        config: CustomizationsConfig,
    ) {
        this.solutions = new Solutions(config);
        this.lock = new CustomizationLock(config.metadataLock?.refusalsAfterWrite ?? 0);
        this.keyJobs = new KeyIndexJobs(store, clock, config.keyIndexReads, config.keyIndexDelayMs);
    }

    /** A POST to a metadata set. */
    handle(req: SimRequest, segments: PathSegment[], base: string): SimResponse {
        const [head, nav, extra] = segments;
        if (!head || extra || (head.key === undefined) !== (nav === undefined)) throw notFound(req);
        const body = jsonBody(req);
        if (head.name === 'EntityDefinitions' && head.key === undefined)
            return this.write(req, 'EntityCustomization', (solution) => this.createTable(body, solution, base));
        if (head.name === 'EntityDefinitions' && nav?.name === 'Attributes' && nav.key === undefined) {
            const info = this.findTable(head);
            return this.write(req, 'EntityCustomization', (solution) => this.createColumn(info, body, solution, base));
        }
        if (head.name === 'EntityDefinitions' && nav?.name === 'Keys' && nav.key === undefined) {
            const info = this.findTable(head);
            return this.write(req, 'EntityCustomization', (solution) => this.createKey(info, body, solution, base));
        }
        if (head.name === 'RelationshipDefinitions' && head.key === undefined)
            return this.write(req, 'EntityCustomization', (solution) => this.createRelationship(body, solution, base));
        if (head.name === 'GlobalOptionSetDefinitions' && head.key === undefined)
            return this.write(req, 'EntityCustomization', (solution) =>
                this.createGlobalOptionSet(body, solution, base),
            );
        throw new SimError(
            405,
            ErrorCodes.UnexpectedError,
            `The HTTP method '${req.method}' is not allowed for metadata in the simulator.`,
        );
    }

    /**
     * `PublishXml` ({ ParameterXml }) and `PublishAllXml` (no parameters): "you must use the PublishXml Action or
     * PublishAllXml Action before the changes you make will be applied to the application"
     * (create-update-entity-definitions-using-web-api.md). Created definitions already work in the simulator, as
     * they do on the service for the Web API; publishing is accepted and takes the lock like any customization.
     */
    publish(req: SimRequest, action: string): SimResponse {
        const body = jsonBody(req);
        if (action === 'PublishXml')
            parsed('PublishXml', z.object({ ParameterXml: z.string().min(1) }).passthrough(), body);
        return this.write(req, action === 'PublishXml' ? 'Publish' : 'PublishAll', () => emptyResponse(204));
    }

    /** A metadata read happened: alternate key index jobs move on (key-indexes.ts). */
    afterMetadataRead(): void {
        this.keyJobs.afterMetadataRead();
    }

    /** The lock first, then the solution header, then the work; nothing is written when either refuses. */
    private write(
        req: SimRequest,
        operation: CustomizationOperation,
        work: (solution: string | undefined) => SimResponse,
    ): SimResponse {
        this.lock.enter(operation);
        const solution = this.solutions.solutionOf(req);
        const response = work(solution);
        this.lock.done();
        return response;
    }

    private createTable(body: unknown, solution: string | undefined, base: string): SimResponse {
        const table = buildTable(body, this.schema, this.solutions.prefixes());
        this.schema.addTable(table);
        this.store.addTable(table);
        const id = metadataId('entity', table.logicalName);
        this.solutions.addComponent(solution, ComponentType.Entity, id);
        return created(`${base}EntityDefinitions(${id})`);
    }

    private createColumn(info: TableInfo, body: unknown, solution: string | undefined, base: string): SimResponse {
        const columns = buildColumns(objectBody(body, 'AttributeMetadata'), {
            schema: this.schema,
            info,
            prefixes: this.solutions.prefixes(),
        });
        for (const c of columns) this.schema.addAttribute(info, c);
        const table = info.table.logicalName;
        const id = metadataId('attribute', table, columns[0]!.logicalName);
        this.solutions.addComponent(solution, ComponentType.Attribute, id);
        return created(`${base}EntityDefinitions(LogicalName='${table}')/Attributes(${id})`);
    }

    private createKey(info: TableInfo, body: unknown, solution: string | undefined, base: string): SimResponse {
        const key = buildKey(body, info, this.solutions.prefixes());
        info.table.keys = [...(info.table.keys ?? []), key];
        this.keyJobs.start(info.table.logicalName, key);
        const table = info.table.logicalName;
        const id = metadataId('key', table, key.logicalName);
        this.solutions.addComponent(solution, ComponentType.EntityKey, id);
        return created(`${base}EntityDefinitions(LogicalName='${table}')/Keys(${id})`);
    }

    private createRelationship(body: unknown, solution: string | undefined, base: string): SimResponse {
        const type = (objectBody(body, 'RelationshipMetadata')['@odata.type'] as string | undefined)?.replace(/^#/, '');
        if (type === 'Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata')
            return this.createManyToMany(body, solution, base);
        if (type !== 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata')
            throw invalidDefinition(
                'RelationshipMetadata',
                `@odata.type must be Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata or ManyToManyRelationshipMetadata ("to clarify the type of relationship you're creating"), not '${String(type)}'`,
            );
        const { info, attr } = buildOneToMany(body, this.schema, this.solutions.prefixes());
        this.schema.addAttribute(info, attr);
        const schemaName = attr.relationshipNames![attr.targets![0]!]!;
        const id = metadataId('relationship', schemaName);
        this.solutions.addComponent(solution, ComponentType.Relationship, id);
        return created(`${base}RelationshipDefinitions(${id})`);
    }

    private createManyToMany(body: unknown, solution: string | undefined, base: string): SimResponse {
        const { rel, intersect } = buildManyToMany(body, this.schema, this.solutions.prefixes());
        this.schema.addManyToMany(rel, intersect);
        this.store.addManyToMany(rel, intersect);
        const id = metadataId('relationship', rel.schemaName);
        this.solutions.addComponent(solution, ComponentType.Relationship, id);
        return created(`${base}RelationshipDefinitions(${id})`);
    }

    /**
     * OptionSetMetadata with IsGlobal true (create-update-optionsets.md, "Create a global option set"): a Name with the
     * publisher's prefix, a DisplayName and Options; columns then bind it with `GlobalOptionSet@odata.bind`.
     */
    private createGlobalOptionSet(body: unknown, solution: string | undefined, base: string): SimResponse {
        const input = parsed('OptionSetMetadata', globalOptionSetSchema, body);
        const name = checkedLogicalName(input.Name, this.solutions.prefixes());
        const taken =
            this.schema.globalOptionSets.has(name) ||
            [...this.schema.tables.values()].some((i) => i.table.attributes.some((a) => a.globalOptionSet === name));
        if (taken) throw nameInUse('global option set', name);
        const displayName = labelText(input.DisplayName);
        this.schema.globalOptionSets.set(name, {
            options: optionsOf(input.Options, 'OptionSetMetadata'),
            ...(displayName !== undefined ? { displayName } : {}),
        });
        const id = metadataId('globaloptionset', name);
        this.solutions.addComponent(solution, ComponentType.OptionSet, id);
        return created(`${base}GlobalOptionSetDefinitions(${id})`);
    }

    private findTable(head: PathSegment): TableInfo {
        const named = head.key?.named?.[0];
        const byName = named && named[0] === 'LogicalName' && typeof named[1] === 'string' ? named[1] : undefined;
        for (const info of this.schema.tables.values()) {
            const name = info.table.logicalName;
            if (name === byName || (head.key?.single !== undefined && metadataId('entity', name) === head.key.single))
                return info;
        }
        throw componentNotFound(`entity with name '${String(byName ?? head.key?.single)}'`);
    }
}

function created(uri: string): SimResponse {
    return emptyResponse(204, { 'OData-EntityId': uri });
}

/** Metadata bodies hold no values a double cannot carry, so plain JSON is read. */
function jsonBody(req: SimRequest): unknown {
    if (req.body.trim() === '') return {};
    try {
        return JSON.parse(req.body) as unknown;
    } catch (err) {
        throw new SimError(
            400,
            ErrorCodes.ODataParse,
            `The request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
        );
    }
}

function objectBody(body: unknown, what: string): Record<string, unknown> {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw invalidDefinition(what, 'the body must be a JSON object');
    return body as Record<string, unknown>;
}
