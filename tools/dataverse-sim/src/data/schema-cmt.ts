/**
 * Reads a Configuration Migration Tool `data_schema.xml` into a SimSchema.
 *
 * The file lists entities with their fields (CMT type names), primary id/name fields, object type
 * code (`etc`) and many-to-many relationships; it has no entity set names, lengths, precisions or
 * option values. We derive entity set names as the service does (see entity-set-name.ts) and pick
 * permissive sizes for what the file lacks, since its data came from a real org where it fit.
 */
import type { OwnershipType, SimAttribute, SimManyToMany, SimSchema, SimTable } from '../model.js';
import { ACTIVE_INACTIVE, defaultRelationshipNames, READ_ONLY } from './columns.js';
import { asNode, asNodes, attr, parseCmtXml } from './cmt-xml.js';
import { deriveEntitySetName } from './entity-set-name.js';

/** Columns the service maintains itself: read-only whatever the file says. */
const SYSTEM_READ_ONLY = new Set([
    'createdon',
    'modifiedon',
    'createdby',
    'modifiedby',
    'createdonbehalfby',
    'modifiedonbehalfby',
    'versionnumber',
    'owninguser',
    'owningteam',
    'owningbusinessunit',
    'organizationid',
    'exchangerate',
]);

interface Parsed {
    attribute?: SimAttribute;
    problem?: string;
}

function fieldToAttribute(table: string, f: Record<string, unknown>, path: string): Parsed {
    const logicalName = attr(f, 'name');
    const type = attr(f, 'type');
    if (!logicalName) return { problem: `${path}: field without a name` };
    if (!type) return { problem: `${path} (${logicalName}): field without a type` };
    const std = defaultRelationshipNames(table);
    const stdRel = (std as unknown as Record<string, string | undefined>)[logicalName];
    let a: SimAttribute;
    switch (type) {
        case 'string':
            a = { logicalName, type: 'String', maxLength: 4000 };
            break;
        case 'memo':
            a = { logicalName, type: 'Memo', maxLength: 1048576 };
            break;
        case 'guid':
            a = { logicalName, type: 'Uniqueidentifier' };
            break;
        case 'number':
            a = { logicalName, type: 'Integer' };
            break;
        case 'bigint':
            a = { logicalName, type: 'BigInt' };
            break;
        case 'decimal':
            a = { logicalName, type: 'Decimal', precision: 10 };
            break;
        case 'float':
            a = { logicalName, type: 'Double', precision: 5 };
            break;
        case 'money':
            a = { logicalName, type: 'Money', precision: 4 };
            break;
        case 'bool':
            a = { logicalName, type: 'Boolean' };
            break;
        case 'datetime':
            a = { logicalName, type: 'DateTime' };
            break;
        case 'optionsetvalue':
            // Option values are not in the file; loadCmtData adds those it sees in the data.
            a = { logicalName, type: 'Picklist', options: [] };
            break;
        case 'optionsetvaluecollection':
            a = { logicalName, type: 'MultiSelectPicklist', options: [] };
            break;
        case 'state':
            a = {
                logicalName,
                type: 'State',
                validForCreate: false,
                options: ACTIVE_INACTIVE.states.map((s) => ({ ...s })),
            };
            break;
        case 'status':
            a = { logicalName, type: 'Status', options: ACTIVE_INACTIVE.statuses.map((s) => ({ ...s })) };
            break;
        case 'owner':
            a = {
                logicalName,
                type: 'Owner',
                targets: ['systemuser', 'team'],
                relationshipNames: { systemuser: std.ownerid, team: std.ownerid },
            };
            break;
        case 'entityreference': {
            const lookupType = attr(f, 'lookupType');
            const targets = (lookupType ?? '').split('|').filter((t) => t !== '');
            if (targets.length === 0)
                return { problem: `${path} (${logicalName}): entityreference without lookupType` };
            const isCustomer = targets.length === 2 && targets.includes('account') && targets.includes('contact');
            a = { logicalName, type: isCustomer ? 'Customer' : 'Lookup', targets, relationshipNames: {} };
            for (const target of targets)
                a.relationshipNames![target] =
                    targets.length === 1 && stdRel !== undefined ? stdRel : `${target}_${table}_${logicalName}`;
            break;
        }
        case 'partylist':
        case 'image':
        case 'file':
            a = { logicalName, type: 'Virtual', ...READ_ONLY };
            break;
        default:
            return { problem: `${path} (${logicalName}): unknown CMT field type '${type}'` };
    }
    if (attr(f, 'customfield') === 'true') a.isCustom = true;
    if (attr(f, 'primaryKey') === 'true') {
        a.isPrimaryId = true;
        a.validForUpdate = false;
    }
    if (SYSTEM_READ_ONLY.has(logicalName)) Object.assign(a, READ_ONLY);
    if (logicalName === 'overriddencreatedon' || logicalName === 'importsequencenumber') a.validForUpdate = false;
    return { attribute: a };
}

/** Parses a CMT data_schema.xml text; system tables and missing targets are added by the caller. */
export function parseCmtSchema(text: string): { schema: SimSchema; problems: string[] } {
    const root = asNode(asNode(parseCmtXml(text)).entities);
    const problems: string[] = [];
    const tables: SimTable[] = [];
    const manyToMany: SimManyToMany[] = [];
    const entities = asNodes(root.entity);
    if (entities.length === 0) problems.push('entities: no <entity> elements');
    entities.forEach((e, ei) => {
        const path = `entities/entity[${ei}]`;
        const logicalName = attr(e, 'name');
        const primaryId = attr(e, 'primaryidfield');
        const primaryName = attr(e, 'primarynamefield');
        if (!logicalName || !primaryId || !primaryName) {
            problems.push(`${path}: entity needs name, primaryidfield and primarynamefield attributes`);
            return;
        }
        const attributes: SimAttribute[] = [];
        asNodes(asNode(e.fields).field).forEach((f, fi) => {
            const r = fieldToAttribute(logicalName, f, `${path} (${logicalName})/fields/field[${fi}]`);
            if (r.problem) problems.push(r.problem);
            if (r.attribute) attributes.push(r.attribute);
        });
        const id = attributes.find((a) => a.logicalName === primaryId);
        if (id) {
            id.isPrimaryId = true;
            id.validForUpdate = false;
        } else
            attributes.push({
                logicalName: primaryId,
                type: 'Uniqueidentifier',
                isPrimaryId: true,
                validForUpdate: false,
            });
        const name = attributes.find((a) => a.logicalName === primaryName);
        if (name) name.isPrimaryName = true;
        else attributes.push({ logicalName: primaryName, type: 'String', maxLength: 4000, isPrimaryName: true });
        const has = (n: string): boolean => attributes.some((a) => a.logicalName === n);
        // Money columns have a read-only twin holding the amount in the base currency.
        for (const a of attributes)
            if (a.type === 'Money' && a.logicalName.endsWith('_base') && has(a.logicalName.slice(0, -5)))
                Object.assign(a, READ_ONLY);
        const ownershipType: OwnershipType = has('ownerid')
            ? 'UserOwned'
            : has('organizationid')
              ? 'OrganizationOwned'
              : 'BusinessOwned';
        const etc = Number(attr(e, 'etc'));
        const table: SimTable = {
            logicalName,
            entitySetName: deriveEntitySetName(logicalName),
            primaryIdAttribute: primaryId,
            primaryNameAttribute: primaryName,
            ownershipType,
            // CMT does not say; on, so that incremental sync can be exercised against these tables.
            changeTracking: true,
            isCustom: attributes.some((a) => a.isCustom === true) || undefined,
            attributes,
        };
        if (table.isCustom === undefined) delete table.isCustom;
        if (Number.isInteger(etc) && etc > 0) table.objectTypeCode = etc;
        tables.push(table);
        asNodes(asNode(e.relationships).relationship).forEach((r, ri) => {
            if (attr(r, 'manyToMany') !== 'true') return;
            const rpath = `${path} (${logicalName})/relationships/relationship[${ri}]`;
            const schemaName = attr(r, 'name');
            const target = attr(r, 'm2mTargetEntity');
            const targetKey = attr(r, 'm2mTargetEntityPrimaryKey');
            const intersect = attr(r, 'relatedEntityName') ?? schemaName;
            if (!schemaName || !target || !targetKey || !intersect) {
                problems.push(`${rpath}: many-to-many needs name, m2mTargetEntity and m2mTargetEntityPrimaryKey`);
                return;
            }
            const reflexive = target === logicalName || attr(r, 'isreflexive') === 'true';
            manyToMany.push({
                schemaName,
                entity1LogicalName: logicalName,
                entity2LogicalName: target,
                intersectEntityName: intersect,
                entity1IntersectAttribute: reflexive ? `${primaryId}one` : primaryId,
                entity2IntersectAttribute: reflexive ? `${targetKey}two` : targetKey,
                entity1NavigationPropertyName: schemaName,
                entity2NavigationPropertyName: schemaName,
            });
        });
    });
    return { schema: { tables, manyToMany }, problems };
}
