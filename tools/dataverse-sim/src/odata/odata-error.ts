import { ErrorCodes, SimError } from '../errors.js';

/**
 * A 400 for a bad OData query option. Dataverse answers OData URI parse failures (unknown property, syntax,
 * `$skip`) with code 0x80060888, seen in captured responses.
 */
export function odataError(message: string): SimError {
    return new SimError(400, ErrorCodes.ODataParse, message);
}

/** A 400 for something the real service supports but this simulator does not model; the message says so. */
export function simulatorLimitation(what: string): SimError {
    return new SimError(400, ErrorCodes.UnexpectedError, `The Dataverse simulator does not support ${what}.`);
}
