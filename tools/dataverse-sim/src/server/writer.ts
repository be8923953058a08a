/**
 * Create, update and delete as the service performs them: JSON body validation (unknown and
 * read-only columns, types, lengths, choices, `_x_value` rejected), `@odata.bind` with referential
 * integrity, statecode/statuscode pairs, and the system columns (created/modified on/by, owner,
 * owning business unit, `overriddencreatedon`, the transaction currency of rows with money: currency.ts).
 */
import { randomUUID } from 'node:crypto';
import { isBase64 } from '../base64.js';
import { ErrorCodes, SimError } from '../errors.js';
import { type ExactNumber, isExactNumber, roundExact } from '../exact-number.js';
import { isGuid } from '../guid-order.js';
import type { SimAttribute, SimLookupValue, SimManyToMany, SimRow, SimTable, SimValue } from '../model.js';
import { hasNoProperty, isLookupType, isLookupValue } from '../model.js';
import { tableProperties } from '../odata/index.js';
import { applyTransactionCurrency } from './currency.js';
import { schemaNameOf } from './metadata.js';
import type { KeyTarget } from './references.js';
import { existingRowId, notFoundById, parseEntityReference } from './references.js';
import type { SchemaIndex, TableInfo } from './schema-index.js';
import type { Store } from './store.js';
import { runPlugins } from './plugins.js';
import type { RestrictedPrincipal } from '../security/principal.js';
import type { CallerColumns } from '../security/column-security.js';
import { checkCreate, checkDelete, checkUpdate } from '../security/write-checks.js';

export interface Caller {
    userId: string;
    businessUnitId: string | undefined;
    /** What a configured caller may do (security/); absent for an all-seeing System Administrator. */
    principal?: RestrictedPrincipal;
    /** A disabled user: every request is refused (security/refusals.ts userNotEnabled). */
    disabled?: boolean;
    /** Column-level security of the caller; absent when the environment secures no column. */
    columns?: CallerColumns;
}

/** Refuses a principal that may not own a row of the table (security/owners.ts). */
export type OwnerCheck = (table: SimTable, owner: SimLookupValue, callerId: string) => void;

export interface WriteContext {
    caller: Caller;
    /** `$n` -> entity URL, inside a batch change set. */
    contentIds?: Map<string, string>;
}

export type Mode = 'create' | 'update';

/**
 * What a write carries besides row values (an activity's party collection, note bodies, image columns): each
 * extension takes its keys out of the body (a copy) and checks them before anything is stored, and returns the work
 * to do in the write's transaction once the row id is known.
 */
export interface WriteExtension {
    take(
        info: TableInfo,
        body: Record<string, unknown>,
        mode: Mode,
        ctx: WriteContext,
    ): ((id: string) => void) | undefined;
    /** Before a row is deleted (may refuse the delete, or drop what belongs to the row). */
    beforeDelete?(info: TableInfo, id: string): void;
}

interface PendingAssociation {
    relationship: SimManyToMany;
    side: 1 | 2;
    otherId: string;
}

const ODATA_BIND = '@odata.bind';
/** Columns the service never accepts from a client, whatever the schema says. */
const CREATE_ONLY = new Set(['overriddencreatedon']);

export class Writer {
    /** Extensions (activity-parties.ts, content/), applied in order to every create and update. */
    readonly extensions: WriteExtension[] = [];

    constructor(
        private readonly schema: SchemaIndex,
        private readonly store: Store,
        private readonly now: () => Date = () => new Date(),
        private readonly checkOwner: OwnerCheck = () => undefined,
    ) {}

    create(info: TableInfo, body: Record<string, unknown>, ctx: WriteContext, preset: KeyTarget = {}): SimRow {
        this.rejectIntersect(info);
        const extended = this.extend(info, body, 'create', ctx);
        const { changes, associations } = this.toChanges(info, extended.body, 'create', ctx);
        if (ctx.caller.principal) checkCreate(ctx.caller.principal, info, changes, this.store);
        ctx.caller.columns?.checkWrite(info.table, changes, 'create');
        const { table } = info;
        this.checkNewOwner(table, changes, ctx);
        const pk = table.primaryIdAttribute;
        const bodyId = changes[pk];
        if (bodyId !== undefined && preset.id !== undefined && bodyId !== preset.id) {
            throw new SimError(
                400,
                ErrorCodes.InvalidArgument,
                `The ${pk} in the request body does not match the key in the URL.`,
            );
        }
        const id = preset.id ?? (typeof bodyId === 'string' ? bodyId : randomUUID());
        const row: SimRow = { ...preset.keyValues, ...changes, [pk]: id };
        this.applyStateDefaults(info, row, undefined, id);
        composeFullName(info, row, undefined);
        applyTransactionCurrency(info, this.store, row, undefined);
        const stamp = isoSeconds(this.now());
        runPlugins(info, 'create', row, undefined, stamp);
        const user: SimLookupValue = { id: ctx.caller.userId, table: 'systemuser' };
        const setIf = (name: string, value: SimValue) => {
            if (info.attributes.has(name)) row[name] = value;
        };
        const overridden = row.overriddencreatedon;
        setIf('createdon', typeof overridden === 'string' ? overridden : stamp);
        setIf('modifiedon', stamp);
        setIf('createdby', user);
        setIf('modifiedby', user);
        const ownerAttr = table.attributes.find((a) => a.type === 'Owner');
        if (ownerAttr && !isLookupValue(row[ownerAttr.logicalName])) row[ownerAttr.logicalName] = user;
        if (ownerAttr) this.applyOwnerColumns(info, row, row[ownerAttr.logicalName]);
        return this.store.transaction(() => {
            const stored = this.store.insert(table.logicalName, row);
            this.associateAll(id, associations);
            for (const after of extended.after) after(id);
            return stored;
        });
    }

    /** `viaMessage`: a dedicated message (WinOpportunity, ...) sets a state a plain update may not set. */
    update(
        info: TableInfo,
        id: string,
        body: Record<string, unknown>,
        ctx: WriteContext,
        options: { viaMessage?: boolean } = {},
    ): SimRow {
        this.rejectIntersect(info);
        const { table } = info;
        const existing = this.store.get(table.logicalName, id);
        if (!existing) throw notFoundById(table.logicalName, id);
        const extended = this.extend(info, body, 'update', ctx);
        const { changes, associations } = this.toChanges(info, extended.body, 'update', ctx);
        if (ctx.caller.principal) checkUpdate(ctx.caller.principal, info, existing, changes, this.store);
        ctx.caller.columns?.checkWrite(info.table, changes, 'update');
        this.checkNewOwner(info.table, changes, ctx);
        if (!options.viaMessage) {
            this.rejectDedicatedState(info, changes);
            // What an extension took (an activity's parties, a body, an image) changes the row too.
            rejectReadOnly(info, existing, extended.after.length > 0 ? { ...changes, '(extension)': null } : changes);
        }
        const pk = table.primaryIdAttribute;
        if (changes[pk] !== undefined && changes[pk] !== id) {
            throw new SimError(
                400,
                ErrorCodes.InvalidArgument,
                `The ${pk} in the request body does not match the key in the URL.`,
            );
        }
        delete changes[pk];
        this.applyStateDefaults(info, changes, existing, id);
        rejectTransition(info, existing, changes, id);
        composeFullName(info, changes, existing);
        applyTransactionCurrency(info, this.store, changes, existing);
        const stamp = isoSeconds(this.now());
        sendPendingEmail(info, changes, stamp);
        runPlugins(info, 'update', changes, existing, stamp);
        if (info.attributes.has('modifiedon')) changes.modifiedon = stamp;
        if (info.attributes.has('modifiedby')) changes.modifiedby = { id: ctx.caller.userId, table: 'systemuser' };
        const ownerAttr = table.attributes.find((a) => a.type === 'Owner');
        if (ownerAttr && ownerAttr.logicalName in changes) {
            if (!isLookupValue(changes[ownerAttr.logicalName])) {
                throw new SimError(
                    400,
                    ErrorCodes.InvalidArgument,
                    `Attribute '${ownerAttr.logicalName}' cannot be NULL`,
                );
            }
            this.applyOwnerColumns(info, changes, changes[ownerAttr.logicalName]);
        }
        return this.store.transaction(() => {
            const stored = this.store.update(table.logicalName, id, changes);
            this.associateAll(id, associations);
            for (const after of extended.after) after(id);
            return stored;
        });
    }

    delete(info: TableInfo, id: string, ctx: WriteContext): void {
        this.rejectIntersect(info);
        const existing = this.store.get(info.table.logicalName, id);
        if (!existing) throw notFoundById(info.table.logicalName, id);
        if (ctx.caller.principal) checkDelete(ctx.caller.principal, info, existing);
        for (const e of this.extensions) e.beforeDelete?.(info, id);
        this.store.delete(info.table.logicalName, id);
    }

    /** Resolves a reference to an existing row or throws the service's not-found error. */
    resolveExisting(reference: string, ctx: WriteContext): { info: TableInfo; id: string } {
        const ref = parseEntityReference(this.schema, reference, ctx.contentIds);
        return { info: ref.info, id: existingRowId(this.store, ref.info, ref.target) };
    }

    private extend(
        info: TableInfo,
        body: Record<string, unknown>,
        mode: Mode,
        ctx: WriteContext,
    ): { body: Record<string, unknown>; after: Array<(id: string) => void> } {
        if (this.extensions.length === 0) return { body, after: [] };
        const copy = { ...body };
        const after: Array<(id: string) => void> = [];
        for (const e of this.extensions) {
            const work = e.take(info, copy, mode, ctx);
            if (work) after.push(work);
        }
        return { body: copy, after };
    }

    /** An owner the body sets must be able to own the row (security/owners.ts). */
    private checkNewOwner(table: SimTable, changes: SimRow, ctx: WriteContext): void {
        const ownerAttr = table.attributes.find((a) => a.type === 'Owner');
        const owner = ownerAttr ? changes[ownerAttr.logicalName] : undefined;
        if (isLookupValue(owner)) this.checkOwner(table, owner, ctx.caller.userId);
    }

    private rejectIntersect(info: TableInfo): void {
        if (info.table.isIntersect) {
            throw new SimError(
                405,
                ErrorCodes.UnexpectedError,
                `The '${info.table.logicalName}' entity is an intersect entity; use the relationship's $ref to associate or disassociate.`,
            );
        }
    }

    private toChanges(
        info: TableInfo,
        body: Record<string, unknown>,
        mode: Mode,
        ctx: WriteContext,
    ): { changes: SimRow; associations: PendingAssociation[] } {
        const { table } = info;
        const changes: SimRow = {};
        const associations: PendingAssociation[] = [];
        for (const [key, value] of Object.entries(body)) {
            if (key.endsWith(ODATA_BIND)) {
                this.bind(info, key.slice(0, -ODATA_BIND.length), value, mode, ctx, changes, associations);
                continue;
            }
            if (key.startsWith('@') || key.includes('@')) continue; // instance annotations (@odata.type, ...)
            const lookupMatch = /^_(.+)_value$/.exec(key);
            const lookupAttr = lookupMatch ? info.attributes.get(lookupMatch[1]!) : undefined;
            if (lookupAttr && isLookupType(lookupAttr.type)) throw directLookupUpdate();
            const attr = info.attributes.get(key);
            if (!attr || attr.attributeOf || hasNoProperty(attr.type) || attr.validForRead === false) {
                if (info.navigation.has(key) && value !== null && typeof value === 'object') {
                    throw new SimError(
                        501,
                        ErrorCodes.UnexpectedError,
                        `Deep insert through '${key}' is not supported by the simulator.`,
                    );
                }
                throw invalidProperty(key, table.logicalName);
            }
            if (attr.type === 'File') throw fileColumnWrite(attr.logicalName);
            if (isLookupType(attr.type)) {
                // `"parentaccountid": null` clears a lookup; any value must go through @odata.bind.
                if (value !== null) throw directLookupUpdate();
                this.checkWritable(info, attr, mode);
                changes[attr.logicalName] = null;
                continue;
            }
            this.checkWritable(info, attr, mode);
            changes[attr.logicalName] = convertValue(info, attr, value);
        }
        return { changes, associations };
    }

    private bind(
        info: TableInfo,
        nav: string,
        value: unknown,
        mode: Mode,
        ctx: WriteContext,
        changes: SimRow,
        associations: PendingAssociation[],
    ): void {
        const { table } = info;
        const m2m = info.manyToMany.get(nav);
        if (m2m) {
            if (!Array.isArray(value)) throw undeclaredNavigation(table.entitySetName, nav);
            for (const item of value) {
                if (typeof item !== 'string') throw undeclaredNavigation(table.entitySetName, nav);
                const other = this.resolveExisting(item, ctx);
                associations.push({ relationship: m2m.relationship, side: m2m.side, otherId: other.id });
            }
            return;
        }
        const navTarget = info.navigation.get(nav);
        if (!navTarget) throw undeclaredNavigation(table.entitySetName, nav);
        const { attribute } = navTarget;
        this.checkWritable(info, attribute, mode);
        if (value === null) {
            changes[attribute.logicalName] = null;
            return;
        }
        if (typeof value !== 'string') {
            throw new SimError(400, ErrorCodes.ODataParse, `The value of '${nav}@odata.bind' must be an entity URL.`);
        }
        const target = this.resolveExisting(value, ctx);
        if (!navTarget.targets.includes(target.info.table.logicalName)) {
            throw new SimError(
                400,
                ErrorCodes.ODataParse,
                `The navigation property '${nav}' of 'Microsoft.Dynamics.CRM.${table.logicalName}' cannot refer to a '${target.info.table.logicalName}'.`,
            );
        }
        changes[attribute.logicalName] = { id: target.id, table: target.info.table.logicalName };
    }

    private associateAll(id: string, associations: PendingAssociation[]): void {
        for (const a of associations) {
            if (a.side === 1) this.store.associate(a.relationship, id, a.otherId);
            else this.store.associate(a.relationship, a.otherId, id);
        }
    }

    private checkWritable(info: TableInfo, attr: SimAttribute, mode: Mode): void {
        const valid =
            mode === 'create'
                ? attr.validForCreate !== false
                : attr.validForUpdate !== false && !CREATE_ONLY.has(attr.logicalName) && !attr.isPrimaryId;
        if (attr.isPrimaryId && mode === 'update') return; // checked against the URL key by the caller
        if (!valid) {
            throw new SimError(
                400,
                ErrorCodes.InvalidArgument,
                `The '${attr.logicalName}' attribute of the '${info.table.logicalName}' entity is not valid for ${mode}.`,
            );
        }
    }

    /**
     * Opportunity won/lost: a plain update of statecode is refused the way the service refuses it
     * (CannotUseOpportunitySetStateMessage, worded as observed on a live org: "... to won ... use the won message").
     */
    private rejectDedicatedState(info: TableInfo, changes: SimRow): void {
        const messages = info.table.dedicatedStateMessages;
        const stateAttr = info.table.attributes.find((a) => a.type === 'State');
        const state = stateAttr ? changes[stateAttr.logicalName] : undefined;
        if (!messages || typeof state !== 'number' || messages[state] === undefined) return;
        const label = (stateAttr?.options?.find((o) => o.value === state)?.label ?? String(state)).toLowerCase();
        const table = info.table.logicalName;
        throw new SimError(
            400,
            ErrorCodes.CannotUseOpportunitySetStateMessage,
            `This message can not be used to set the state of ${table} to ${label}. In order to set state of ${table} to ${label}, use the ${label} message instead.`,
        );
    }

    /** statecode/statuscode: fill the default status of a state, reject pairs that don't belong together. */
    private applyStateDefaults(info: TableInfo, row: SimRow, existing: SimRow | undefined, id: string): void {
        const stateAttr = info.table.attributes.find((a) => a.type === 'State');
        const statusAttr = info.table.attributes.find((a) => a.type === 'Status');
        if (!stateAttr) return;
        const stateName = stateAttr.logicalName;
        const statusName = statusAttr?.logicalName;
        const stateGiven = row[stateName] !== undefined && row[stateName] !== null;
        const statusGiven = statusName !== undefined && row[statusName] !== undefined && row[statusName] !== null;
        if (!existing && !stateGiven) {
            row[stateName] = stateAttr.options?.[0]?.value ?? 0;
        }
        if (!statusAttr || !statusName) return;
        const stateValue = row[stateName] ?? existing?.[stateName];
        if (!statusGiven) {
            if (row[stateName] === undefined) return;
            const def = stateAttr.options?.find((o) => o.value === stateValue)?.defaultStatus;
            const firstOfState = statusAttr.options?.find((o) => o.state === stateValue)?.value;
            row[statusName] = def ?? firstOfState ?? null;
            return;
        }
        const status = statusAttr.options?.find((o) => o.value === row[statusName]);
        if (status && status.state !== undefined && status.state !== stateValue) {
            const stateLabel =
                stateAttr.options?.find((o) => o.value === stateValue)?.label ?? JSON.stringify(stateValue);
            const typeName = schemaNameOf(info.table.logicalName, info.table.schemaName);
            throw new SimError(
                400,
                ErrorCodes.InvalidStatusCode,
                `${JSON.stringify(row[statusName])} is not a valid status code for state code ${typeName}State.${stateLabel.replace(/\s+/g, '')} on ${info.table.logicalName} with Id ${id}.`,
            );
        }
    }

    /** The owning business unit (and owninguser/owningteam) follow the owner. */
    private applyOwnerColumns(info: TableInfo, row: SimRow, owner: SimValue | undefined): void {
        if (!isLookupValue(owner)) return;
        const ownerRow = this.store.get(owner.table, owner.id);
        const bu = ownerRow?.businessunitid;
        if (info.attributes.has('owningbusinessunit') && isLookupValue(bu)) row.owningbusinessunit = bu;
        if (info.attributes.has('owninguser')) row.owninguser = owner.table === 'systemuser' ? owner : null;
        if (info.attributes.has('owningteam')) row.owningteam = owner.table === 'team' ? owner : null;
    }
}

/**
 * An e-mail set to Pending Send or Sending is server-side sync's to send: with an approved, enabled mailbox it goes out
 * and the row reads Sent with its `senton` (email table reference: statuscode 6 Pending Send, 7 Sending, 3 Sent;
 * [inferred] the simulator sends at once, the service within minutes).
 */
function sendPendingEmail(info: TableInfo, changes: SimRow, stamp: string): void {
    if (!info.table.sendsPendingEmail) return;
    const status = changes.statuscode;
    if (status !== 6 && status !== 7) return;
    changes.statuscode = 3;
    if (info.attributes.has('senton')) changes.senton = stamp;
}

/**
 * EnforceStateTransitions: a status may only move to the statuses its TransitionData allows (EntityMetadata and
 * StatusOptionMetadata.TransitionData references; "Define custom state model transitions"), closing messages included.
 * [inferred] No page gives the refusal; the simulator answers the documented InvalidStateTransition (0x8004f00e)
 * with its template filled.
 */
function rejectTransition(info: TableInfo, existing: SimRow, changes: SimRow, id: string): void {
    if (!info.table.enforceStateTransitions) return;
    const statusAttr = info.table.attributes.find((a) => a.type === 'Status');
    if (!statusAttr) return;
    const from = existing[statusAttr.logicalName];
    const to = changes[statusAttr.logicalName];
    if (typeof to !== 'number' || to === from) return;
    const allowed = statusAttr.options?.find((o) => o.value === from)?.transitions;
    if (!allowed || allowed.includes(to)) return;
    throw new SimError(
        400,
        ErrorCodes.InvalidStateTransition,
        `The ${info.table.logicalName} (Id=${id}) entity or component has attempted to transition from an invalid state: ${JSON.stringify(from)}.`,
    );
}

/**
 * A row in one of its table's read-only states (a closed opportunity, quote, order or case, an active quote) takes
 * no update of its columns, only a move of statecode/statuscode to an editable state where the table allows one.
 * Live orgs answer -2147220946 (0x8004022E) "The entity cannot be updated because it is read-only." (captured
 * OrganizationServiceFault on a quote; Mark Carrington, "MSDyn365 Internals: Read-Only Sales Entities", 2023: only a
 * Draft quote is editable, a won quote goes back to Draft by an update). A resolved case answers "This case has already
 * been resolved. Close and reopen the case record to see the updates." (quoted by KingswaySoft, "Dance with CRM
 * Statuses"; the code is not quoted, the simulator sends the read-only code). Leaving a 'final' state by update is the
 * documented InvalidState 0x80040233 "The object is not in a valid state to perform this operation." [inferred].
 */
function rejectReadOnly(info: TableInfo, existing: SimRow, changes: SimRow): void {
    const readOnly = info.table.readOnlyStates;
    const stateAttr = info.table.attributes.find((a) => a.type === 'State');
    if (!readOnly || !stateAttr) return;
    const current = existing[stateAttr.logicalName];
    const kind = typeof current === 'number' ? readOnly[current] : undefined;
    if (kind === undefined) return;
    const statusAttr = info.table.attributes.find((a) => a.type === 'Status');
    const stateNames = new Set([stateAttr.logicalName, statusAttr?.logicalName]);
    const columns = Object.keys(changes).filter((c) => !stateNames.has(c));
    if (columns.length > 0) {
        const message =
            info.table.logicalName === 'incident' && current === 1
                ? 'This case has already been resolved. Close and reopen the case record to see the updates.'
                : 'The entity cannot be updated because it is read-only.';
        throw new SimError(400, ErrorCodes.ReadOnlyEntity, message);
    }
    const next = changes[stateAttr.logicalName];
    if (kind === 'final' && next !== undefined && next !== current) {
        throw new SimError(
            400,
            ErrorCodes.InvalidState,
            'The object is not in a valid state to perform this operation.',
        );
    }
}

/**
 * `fullname` of contacts, leads and users is composed by the platform from firstname and lastname (read-only, the
 * default "First Last" format), whenever either changes.
 */
function composeFullName(info: TableInfo, changes: SimRow, existing: SimRow | undefined): void {
    const full = info.attributes.get('fullname');
    if (!full || full.validForUpdate !== false || !info.attributes.has('lastname')) return;
    if (existing && !('firstname' in changes) && !('lastname' in changes)) return;
    const part = (name: string): string | undefined => {
        const v = name in changes ? changes[name] : existing?.[name];
        return typeof v === 'string' && v !== '' ? v : undefined;
    };
    const name = [part('firstname'), part('lastname')].filter((p) => p !== undefined).join(' ');
    changes.fullname = name === '' ? null : name;
}

function convertValue(info: TableInfo, attr: SimAttribute, value: unknown): SimValue {
    if (value === null) {
        if (attr.requiredLevel === 'SystemRequired') {
            throw new SimError(400, ErrorCodes.InvalidArgument, `Attribute '${attr.logicalName}' cannot be NULL`);
        }
        return null;
    }
    const mismatch = () =>
        new SimError(
            400,
            ErrorCodes.ODataParse,
            `Cannot convert the literal '${typeof value === 'string' || isExactNumber(value) ? String(value) : JSON.stringify(value)}' to the expected type '${tableProperties(info.table).get(attr.logicalName)?.edm ?? 'Edm.String'}'.`,
        );
    switch (attr.type) {
        case 'String':
        case 'Memo':
        case 'EntityName': {
            if (typeof value !== 'string') throw mismatch();
            const max = attr.maxLength;
            if (max !== undefined && value.length > max) {
                throw new SimError(
                    400,
                    ErrorCodes.ValidationStringTooLong,
                    `A validation error occurred.  The length of the '${attr.logicalName}' attribute of the '${info.table.logicalName}' entity exceeded the maximum allowed length of '${max}'.`,
                );
            }
            return value;
        }
        case 'Integer':
            if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2147483647) throw mismatch();
            return value;
        case 'BigInt':
            // Edm.Int64: a whole number in SQL bigint's range, kept exactly (beyond 2^53 as an ExactNumber).
            if (!isWholeInt64(value)) throw mismatch();
            return value;
        case 'Decimal':
        case 'Money':
            // Edm.Decimal, kept exactly and rounded to the column's precision (see roundToColumn).
            if (!(typeof value === 'number' && Number.isFinite(value)) && !isExactNumber(value)) throw mismatch();
            return roundToColumn(attr, value);
        case 'Double':
            // Edm.Double: SQL float holds a double, so more digits than a double has are lost, as in the service.
            if (isExactNumber(value)) return Number(value.text);
            if (typeof value !== 'number' || !Number.isFinite(value)) throw mismatch();
            return value;
        case 'Boolean':
            if (typeof value !== 'boolean') throw mismatch();
            return value;
        case 'DateTime': {
            if (typeof value !== 'string') throw mismatch();
            const d = new Date(value);
            if (Number.isNaN(d.getTime())) throw mismatch();
            return isoSeconds(d);
        }
        case 'Picklist':
        case 'State':
        case 'Status':
            if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch();
            checkOption(info, attr, value);
            return value;
        case 'MultiSelectPicklist': {
            if (typeof value !== 'string') throw mismatch();
            const parts = value.split(',').map((v) => Number(v.trim()));
            if (parts.some((p) => !Number.isInteger(p))) throw mismatch();
            for (const p of parts) checkOption(info, attr, p);
            return parts.join(',');
        }
        case 'Uniqueidentifier':
            if (typeof value !== 'string' || !isGuid(value)) throw mismatch();
            return value.toLowerCase();
        case 'Image':
            // Edm.Binary: the image bytes as base64.
            if (typeof value !== 'string' || !isBase64(value)) throw mismatch();
            return value;
        default:
            throw mismatch();
    }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function isWholeInt64(value: unknown): value is number | ExactNumber {
    if (typeof value === 'number' && !Number.isInteger(value)) return false;
    if (typeof value !== 'number' && !(isExactNumber(value) && value.isInteger)) return false;
    const n = BigInt(String(value));
    return n >= INT64_MIN && n <= INT64_MAX;
}

/**
 * A Decimal or Money value at the column's precision (digits after the point), rounded half away from zero as SQL
 * Server converts a decimal to a smaller scale. [inferred] No page says whether the service rounds or refuses a value
 * with more decimals; imports that send more decimals than a column keeps report them stored rounded (a 0.003 price
 * stored as 0.00 in a precision-2 money column, scaleablesolutions.com "Currency precision in Dynamics CRM"), so the
 * simulator rounds. Money's precision here is the column's own (MoneyAttributeMetadata.PrecisionSource 0).
 */
function roundToColumn(attr: SimAttribute, value: number | ExactNumber): number | ExactNumber {
    return roundExact(value, attr.precision ?? 2);
}

function checkOption(info: TableInfo, attr: SimAttribute, value: number): void {
    if (!attr.options || attr.options.some((o) => o.value === value)) return;
    throw new SimError(
        400,
        ErrorCodes.OptionOutOfRange,
        `A validation error occurred. The value ${value} of '${attr.logicalName}' on record of type '${info.table.logicalName}' is outside the valid range. Accepted Values: ${attr.options.map((o) => o.value).join(',')}`,
    );
}

function directLookupUpdate(): SimError {
    return new SimError(
        400,
        ErrorCodes.ODataParse,
        'CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.',
    );
}

/** A body property the entity type does not declare (troubleshooting article on Web API client errors). */
/**
 * A file column's value (its file id) set by a create or update: "you can't directly set the values in a create or
 * update operation" (file-column-data.md). [inferred] The status, code and wording.
 */
function fileColumnWrite(column: string): SimError {
    return new SimError(
        400,
        ErrorCodes.InvalidArgument,
        `The file column '${column}' cannot be set by a create or update: upload its file (InitializeFileBlocksUpload, or a PATCH of the column).`,
    );
}

export function invalidProperty(name: string, logicalName: string): SimError {
    return new SimError(
        400,
        ErrorCodes.InvalidProperty,
        `An error occurred while validating input parameters: Microsoft.Crm.CrmException: Invalid property '${name}' was found in entity 'Microsoft.Dynamics.CRM.${logicalName}'. ---> Microsoft.OData.ODataException: Does not support untyped value in non-open type.`,
    );
}

/**
 * `<nav>@odata.bind` on a name that is no single-valued navigation property (`parentcustomerid` instead of
 * `parentcustomerid_account`): the payload error of the troubleshooting article, naming the entity set.
 */
function undeclaredNavigation(entitySet: string, nav: string): SimError {
    return new SimError(
        400,
        ErrorCodes.PayloadError,
        `Error identified in Payload provided by the user for Entity :'${entitySet}'  ---->  InnerException : Microsoft.OData.ODataException: An undeclared property '${nav}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
    );
}

export function isoSeconds(d: Date): string {
    return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
