/**
 * How Dataverse reports a write that SQL Server rolled back: a SQL timeout (the batch was too big for the time the
 * database gives a transaction) or a deadlock (another writer held the rows). Codes and texts are the service's
 * ("Troubleshoot Dataverse bulk operation errors" and the web service error codes; tools/dataverse-sim README, "Faults
 * and outages"). Answered by the service itself (500), either means nothing of the request was written: standard
 * tables roll the whole request back on any error (research §3.2), so it may be sent again as it is.
 */
import { isDataverseError } from './errors.js';

/** unManagedidssqltimeouterror, -2147204783: "SQL timeout expired." */
export const SQL_TIMEOUT_CODE = '0x80044151';
/** unManagedidssqlerror, -2147204784: "Generic SQL error."; a deadlock victim's message names Sql Number 1205. */
export const SQL_ERROR_CODE = '0x80044150';
/** TransactionAborted, -2147220907: "already rolled back or committed ... a swallowed SQL deadlock exception". */
export const TRANSACTION_ABORTED_CODE = '0x80040255';

const SQL_TIMEOUT_MESSAGE = /\bSQL timeout expired\b/i;
const DEADLOCK_MESSAGE = /\bSql Number:\s*1205\b|\bswallowed SQL deadlock\b|\bdeadlock victim\b/i;

export type SqlFault = 'sqlTimeout' | 'deadlock';

/** The SQL fault a failed request or `$batch` part reports, from its error code and message. */
export function sqlFaultOf(code: string | undefined, message: string | undefined): SqlFault | undefined {
    const lower = code?.toLowerCase();
    if (lower === TRANSACTION_ABORTED_CODE) return 'deadlock';
    if (lower === SQL_ERROR_CODE && message !== undefined && DEADLOCK_MESSAGE.test(message)) return 'deadlock';
    if (lower === SQL_TIMEOUT_CODE) return 'sqlTimeout';
    if (message !== undefined && SQL_TIMEOUT_MESSAGE.test(message)) return 'sqlTimeout';
    return undefined;
}

function faultOf(error: unknown): SqlFault | undefined {
    if (!isDataverseError(error)) return undefined;
    // A same-named error that is not ours may lack serviceMessage.
    const message = typeof error.serviceMessage === 'string' ? error.serviceMessage : error.message;
    return sqlFaultOf(error.code, message);
}

/** The service timed the request out in SQL: a smaller batch of the same rows may go through. */
export function isSqlTimeout(error: unknown): boolean {
    return faultOf(error) === 'sqlTimeout';
}

/** SQL Server chose the request as a deadlock victim: the same request a moment later usually goes through. */
export function isDeadlock(error: unknown): boolean {
    return faultOf(error) === 'deadlock';
}

/**
 * The service itself answered that it rolled the write back (a 500 with a SQL timeout or a deadlock): nothing of it
 * was written. Not for 502/504: a gateway's answer says nothing about what the service behind it committed.
 */
export function isRolledBackWrite(error: unknown): boolean {
    return isDataverseError(error) && error.status === 500 && faultOf(error) !== undefined;
}
