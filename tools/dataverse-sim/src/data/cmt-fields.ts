/**
 * CMT field types -> simulator attributes. A CMT schema names each field's type (string, memo, number, integer,
 * bigint, decimal, float, money, bool, datetime, guid, entityreference, owner, partylist, state, status,
 * optionsetvalue, optionsetvaluecollection, imagedata) but not its length, precision or options; tools that write
 * the format also use other names (`double`, `boolean`, `Unknown`). Every field becomes the closest Dataverse
 * attribute: another name of a known type maps to that type, a standard column keeps its real definition, anything
 * else is a string column; each such guess is a warning, never a refusal.
 */
import type { SimAttribute } from '../model.js';
import { ACTIVE_INACTIVE, defaultRelationshipNames, READ_ONLY, standardColumns } from './columns.js';

/** The longest single line of text a Dataverse column holds; CMT files give no length, so `string` columns get it. */
const SINGLE_LINE_MAX = 4000;
/** The longest multiple lines of text (Memo) column. */
const MULTI_LINE_MAX = 1048576;
/** The longest text column of all (annotation.documentbody, which holds a note's file as base64). */
const TEXT_MAX = 1073741823;

/** Types CMT itself writes. */
const CMT_TYPES = new Set([
    'string',
    'memo',
    'number',
    'integer',
    'bigint',
    'decimal',
    'float',
    'money',
    'bool',
    'datetime',
    'guid',
    'entityreference',
    'owner',
    'partylist',
    'state',
    'status',
    'optionsetvalue',
    'optionsetvaluecollection',
    'imagedata',
]);

/** Names other tools use for the same types. */
const ALIASES: Record<string, string> = {
    boolean: 'bool',
    double: 'float',
    int: 'integer',
    long: 'bigint',
    image: 'imagedata',
    lookup: 'entityreference',
    customer: 'entityreference',
    picklist: 'optionsetvalue',
    text: 'string',
};

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

export interface FieldInput {
    table: string;
    name: string;
    type: string;
    lookupType?: string;
    primaryKey: boolean;
    custom: boolean;
}

export interface FieldResult {
    attribute: SimAttribute;
    /** Set when the file's type was guessed at: the warning to print. */
    warning?: string;
}

/** The standard column of this name (createdby, ownerid, statecode, ...) as Dataverse defines it on a new table. */
function standardColumn(table: string, name: string): SimAttribute | undefined {
    return standardColumns({ table, ownershipType: 'UserOwned', state: ACTIVE_INACTIVE }).find(
        (a) => a.logicalName === name,
    );
}

function attributeFor(f: FieldInput, type: string): SimAttribute | undefined {
    const logicalName = f.name;
    const std = defaultRelationshipNames(f.table);
    switch (type) {
        case 'string':
            return { logicalName, type: 'String', maxLength: SINGLE_LINE_MAX };
        case 'memo':
            return { logicalName, type: 'Memo', maxLength: MULTI_LINE_MAX };
        case 'guid':
            return { logicalName, type: 'Uniqueidentifier' };
        case 'number':
        case 'integer':
            return { logicalName, type: 'Integer' };
        case 'bigint':
            return { logicalName, type: 'BigInt' };
        case 'decimal':
            return { logicalName, type: 'Decimal', precision: 10 };
        case 'float':
            return { logicalName, type: 'Double', precision: 5 };
        case 'money':
            return { logicalName, type: 'Money', precision: 4 };
        case 'bool':
            return { logicalName, type: 'Boolean' };
        case 'datetime':
            return { logicalName, type: 'DateTime' };
        case 'optionsetvalue':
            // Option values are not in the file; loadCmtData adds those it sees in the data.
            return { logicalName, type: 'Picklist', options: [] };
        case 'optionsetvaluecollection':
            return { logicalName, type: 'MultiSelectPicklist', options: [] };
        case 'state':
            return {
                logicalName,
                type: 'State',
                validForCreate: false,
                options: ACTIVE_INACTIVE.states.map((s) => ({ ...s })),
            };
        case 'status':
            return { logicalName, type: 'Status', options: ACTIVE_INACTIVE.statuses.map((s) => ({ ...s })) };
        case 'owner':
            return {
                logicalName,
                type: 'Owner',
                targets: ['systemuser', 'team'],
                relationshipNames: { systemuser: std.ownerid, team: std.ownerid },
            };
        case 'entityreference': {
            const targets = (f.lookupType ?? '').split('|').filter((t) => t !== '');
            if (targets.length === 0) return undefined;
            const isCustomer = targets.length === 2 && targets.includes('account') && targets.includes('contact');
            const stdRel = (std as unknown as Record<string, string | undefined>)[logicalName];
            const relationshipNames: Record<string, string> = {};
            for (const target of targets)
                relationshipNames[target] =
                    targets.length === 1 && stdRel !== undefined ? stdRel : `${target}_${f.table}_${logicalName}`;
            return { logicalName, type: isCustomer ? 'Customer' : 'Lookup', targets, relationshipNames };
        }
        case 'partylist':
            // Targets are the party tables the schema has (set when the schema is complete).
            return { logicalName, type: 'PartyList', ...READ_ONLY };
        case 'imagedata':
            return { logicalName, type: 'Image' };
        case 'file':
        case 'filedata':
            return { logicalName, type: 'File', ...READ_ONLY };
        default:
            return undefined;
    }
}

/**
 * Microsoft's CMT writes `string` for multiple lines of text too (portal web templates, JSON settings, a note's
 * documentbody in the Education and Field Service packages); a value longer than a single line holds shows that the
 * column is one: the file's `string` column becomes the smallest text column that holds it. Columns the simulator
 * knows keep their length.
 */
export function widenText(a: SimAttribute, length: number): void {
    const fileText =
        (a.type === 'String' && a.maxLength === SINGLE_LINE_MAX) ||
        (a.type === 'Memo' && a.maxLength === MULTI_LINE_MAX);
    if (!fileText || length <= (a.maxLength ?? 0)) return;
    if (length <= MULTI_LINE_MAX) Object.assign(a, { type: 'Memo', maxLength: MULTI_LINE_MAX });
    else a.maxLength = TEXT_MAX;
}

/** The attribute for one CMT field, with a warning when its type had to be guessed. */
export function fieldToAttribute(f: FieldInput, where: string): FieldResult {
    const given = f.type.trim();
    const lower = given.toLowerCase();
    const canonical = CMT_TYPES.has(lower) ? lower : ALIASES[lower];
    let attribute = canonical !== undefined ? attributeFor(f, canonical) : undefined;
    let warning: string | undefined;
    if (!attribute) {
        // Unknown type (or a lookup without lookupType): the standard column of that name, else a string column.
        const standard = standardColumn(f.table, f.name);
        attribute = standard ?? { logicalName: f.name, type: 'String', maxLength: SINGLE_LINE_MAX };
        const how = standard ? `the standard ${f.name} column (${attribute.type})` : 'a string column';
        warning =
            canonical === 'entityreference'
                ? `${where}: entityreference without lookupType; modeled as ${how}`
                : `${where}: CMT field type '${given}' is not a Dataverse type; modeled as ${how}`;
    } else if (canonical !== lower) {
        warning = `${where}: field type '${given}' is not a CMT type; modeled as '${canonical}' (${attribute.type})`;
    }
    if (f.custom) attribute.isCustom = true;
    if (f.primaryKey) {
        attribute.isPrimaryId = true;
        attribute.validForUpdate = false;
    }
    if (SYSTEM_READ_ONLY.has(f.name)) Object.assign(attribute, READ_ONLY);
    if (f.name === 'overriddencreatedon' || f.name === 'importsequencenumber') attribute.validForUpdate = false;
    return warning === undefined ? { attribute } : { attribute, warning };
}
