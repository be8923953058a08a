/**
 * Dataverse Web API errors as the real service sends them: body `{"error":{"code","message"}}`
 * with an 8-hex-digit `0x` code, and the HTTP status the service uses for that code.
 */
export class SimError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly headers: Record<string, string> = {},
    ) {
        super(message);
        this.name = 'SimError';
    }

    toBody(): { error: { code: string; message: string } } {
        return { error: { code: this.code, message: this.message } };
    }
}

/** Error codes used by the simulator (hex as the Web API returns them). */
export const ErrorCodes = {
    ObjectDoesNotExist: '0x80040217',
    /** unManagedidsattachmentinvalidfilesize: "Attachment file size is too big." (file-column-data.md). */
    AttachmentInvalidFileSize: '0x80044a02',
    /** AttachmentBlocked (files-images-overview.md, blocked file extensions). */
    AttachmentBlocked: '0x80043e09',
    DuplicateRecord: '0x80040237',
    /** FetchXML query builder: "'account' entity doesn't contain attribute with Name = 'x' ...". */
    QueryBuilderNoAttribute: '0x80041103',
    /** QueryBuilderNoEntity (Web service error codes): "The specified entity was not found." */
    QueryBuilderNoEntity: '0x80041102',
    /**
     * OData URI parse failures: "Could not find a property named 'x' on type 'Microsoft.Dynamics.CRM.account'.",
     * "Skip Clause is not supported in CRM" (this code is seen with both messages in captured real responses).
     */
    ODataParse: '0x80060888',
    ValidationStringTooLong: '0x80044331',
    InvalidArgument: '0x80040203',
    ConcurrencyVersionMismatch: '0x80060882',
    RequestsLimit: '0x80072322',
    ExecutionTimeLimit: '0x80072321',
    ConcurrencyLimit: '0x80072326',
    /** PrivilegeDenied (Web service error codes): "The user does not hold the necessary privileges." */
    PrivilegeDenied: '0x80040220',
    /** -2147220970 "An unexpected error occurred.": the generic code, also sent for unsupported messages. */
    UnexpectedError: '0x80040216',
    /** InvalidStateTransition (Web service error codes): "The {0} (Id={1}) entity or component has attempted to transition from an invalid state: {2}." */
    InvalidStateTransition: '0x8004f00e',
    /** "Resource not found for the segment 'Account'." (troubleshooting article on Web API client errors). */
    ResourceNotFound: '0x8006088a',
    /** "Error identified in Payload provided by the user for Entity :'contacts' ----> InnerException : ..." (same article). */
    PayloadError: '0x80048d19',
    /** "Invalid property 'Name' was found in entity ..." answers code 0x0 in the same article. */
    InvalidProperty: '0x0',
    /** CannotUseOpportunitySetStateMessage (Web service error codes): won/lost need WinOpportunity/LoseOpportunity. */
    CannotUseOpportunitySetStateMessage: '0x80100005',
    /** -2147220946, "The entity cannot be updated because it is read-only." (a live org's answer for a closed quote). */
    ReadOnlyEntity: '0x8004022e',
    /** InvalidState (Web service error codes): "The object is not in a valid state to perform this operation." */
    InvalidState: '0x80040233',
    /** IncidentIsAlreadyClosedOrCancelled (Web service error codes): "Already Closed or Canceled". */
    IncidentIsAlreadyClosedOrCancelled: '0x80044411',
    /** ExpiredVersionStamp (Web service error codes): a change-tracking token older than the org's retention. */
    ExpiredVersionStamp: '0x80044352',
    /** A statuscode that is not a status of the statecode (code unverified, see README). */
    InvalidStatusCode: '0x80048408',
    /** A choice value outside its option set. */
    OptionOutOfRange: '0x8004431a',
    /** unManagedidssqlerror (Web service error codes): "Generic SQL error."; a deadlock names Sql Number 1205. */
    SqlError: '0x80044150',
    /** unManagedidssqltimeouterror (Web service error codes): "SQL timeout expired." */
    SqlTimeout: '0x80044151',
    /** TransactionAborted (Web service error codes): the transaction a swallowed deadlock rolled back. */
    TransactionAborted: '0x80040255',
} as const;

/** A path segment that names no entity set, function or action (case-sensitive), as the article shows it. */
export function unknownSegment(segment: string): SimError {
    return new SimError(404, ErrorCodes.ResourceNotFound, `Resource not found for the segment '${segment}'.`);
}
