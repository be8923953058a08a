/**
 * Opt-in content of a generated crm dataset (`activities: true`): e-mails, appointments, phone calls and tasks regarding
 * accounts, contacts and opportunities, their party lists as `activityparty` rows (a contact, an account, a user, a
 * lead, or an address no record has, `partyid` null and `addressused` alone, as the service keeps an unresolved
 * recipient), and notes with a small file on some accounts and contacts. Drawn from a PRNG stream of its own, after
 * the rows are made, so the other tables' values do not depend on whether activities are on.
 */
import type { SimLookupValue, SimRow, SimSchema, SimTable } from '../model.js';
import { Prng } from '../prng.js';
import { PARTICIPATION_MASKS } from './participation.js';
import { lookupRef } from './row-values.js';

/** Row shares of the content tables when activities are on (the other crm shares are unchanged). */
export const ACTIVITY_WEIGHTS: Readonly<Record<string, number>> = {
    email: 0.08,
    appointment: 0.03,
    phonecall: 0.03,
    task: 0.03,
    annotation: 0.04,
};

/** What an activity can be regarding in generated data. */
const REGARDING = ['account', 'contact', 'opportunity'];
/** Tables a generated party points to; null is an address no record has. */
const PARTY_KINDS = ['contact', 'account', 'systemuser', 'lead', null] as const;
/** Objects a generated note is about. */
const NOTE_OBJECTS = ['account', 'contact'];
const NOTE_TYPE_CODES: Readonly<Record<string, number>> = { account: 1, contact: 2 };

/**
 * Fills in the activities' regarding, adds their parties as `activityparty` rows and gives the notes their objects
 * and files. `rows` holds the generated rows of every table and is changed in place.
 */
export function addActivityContent(schema: SimSchema, rows: Record<string, SimRow[]>, seed: number | string): void {
    const rng = new Prng(`${String(seed)}:activities`);
    const refs = (table: string): SimLookupValue[] => {
        const t = schema.tables.find((x) => x.logicalName === table);
        return t ? (rows[table] ?? []).map((r) => lookupRef(table, r[t.primaryIdAttribute] as string)) : [];
    };
    const pools = new Map<string, SimLookupValue[]>(
        [...REGARDING, ...PARTY_KINDS.filter((k) => k !== null), ...NOTE_OBJECTS].map((t) => [t, refs(t)]),
    );
    const pick = (table: string): SimLookupValue | null => {
        const pool = pools.get(table) ?? [];
        return pool.length > 0 ? rng.pick(pool) : null;
    };
    const parties: SimRow[] = [];
    for (const table of schema.tables.filter((t) => t.isActivity === true)) {
        for (const row of rows[table.logicalName] ?? []) {
            const regarding = pick(rng.pick(REGARDING));
            if ('regardingobjectid' in row || table.attributes.some((a) => a.logicalName === 'regardingobjectid'))
                row.regardingobjectid = rng.chance(0.85) ? regarding : null;
            parties.push(...partiesOf(table, row, rng, pick));
        }
    }
    if (schema.tables.some((t) => t.logicalName === 'activityparty')) rows.activityparty = parties;
    for (const note of rows.annotation ?? []) noteContent(note, rng, pick);
}

/** The parties of one activity: one sender or organizer, one to three of every other list, some lists empty. */
function partiesOf(
    table: SimTable,
    activity: SimRow,
    rng: Prng,
    pick: (table: string) => SimLookupValue | null,
): SimRow[] {
    const id = activity[table.primaryIdAttribute] as string;
    const out: SimRow[] = [];
    for (const list of table.attributes.filter((a) => a.type === 'PartyList')) {
        const mask = PARTICIPATION_MASKS[list.logicalName];
        if (mask === undefined) continue;
        const single = list.logicalName === 'from' || list.logicalName === 'organizer';
        const count = single ? 1 : rng.chance(0.3) ? 0 : rng.int(1, 3);
        for (let i = 0; i < count; i++) {
            const kind = rng.pick(PARTY_KINDS);
            const party = kind === null ? null : pick(kind);
            out.push({
                activitypartyid: rng.guid(),
                activityid: lookupRef(table.logicalName, id),
                partyid: party,
                participationtypemask: mask,
                addressused: party === null ? `guest${rng.int(1, 99_999)}@example.net` : null,
                versionnumber: null,
            });
        }
    }
    return out;
}

/** A note about an account or contact; two in three carry a small text file (Base64 in `documentbody`). */
function noteContent(note: SimRow, rng: Prng, pick: (table: string) => SimLookupValue | null): void {
    const objectTable = rng.pick(NOTE_OBJECTS);
    const object = pick(objectTable);
    note.objectid = object;
    note.objecttypecode = object ? NOTE_TYPE_CODES[objectTable]! : null;
    if (!rng.chance(2 / 3)) {
        note.filename = null;
        note.mimetype = null;
        note.documentbody = null;
        note.filesize = null;
        note.isdocument = false;
        return;
    }
    const text = `Meeting notes ${rng.int(1, 99_999)}\n`.repeat(rng.int(1, 40));
    note.filename = `notes-${rng.int(1, 99_999)}.txt`;
    note.mimetype = 'text/plain';
    note.documentbody = Buffer.from(text, 'utf8').toString('base64');
    note.filesize = Buffer.byteLength(text, 'utf8');
    note.isdocument = true;
}
