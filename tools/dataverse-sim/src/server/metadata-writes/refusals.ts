/**
 * The refusals of metadata writes. Sources: powerapps-docs "Create and update table definitions using the Web API"
 * (create-update-entity-definitions-using-web-api.md), "Create and update table relationships using the Web API",
 * "Work with alternate keys" (define-alternate-keys-entity.md) and the Web service error codes list
 * (developer/data-platform/includes/data-service-error-codes.md). Where no page gives the service's answer the
 * simulator answers 400 InvalidArgument (`0x80040203`) with a sentence naming the property: [inferred].
 */
import { ErrorCodes, SimError } from '../../errors.js';

/** A body that is not a valid definition: [inferred] InvalidArgument, naming the property and the problem. */
export function invalidDefinition(what: string, problem: string): SimError {
    return new SimError(400, ErrorCodes.InvalidArgument, `Invalid ${what}: ${problem}`);
}

/**
 * A schema name that does not start with `<prefix>_` of a publisher of the environment. The documentation says the
 * schema name "should include the customization prefix that matches the solution publisher"; [inferred] code and
 * wording (no page quotes the refusal).
 */
export function noPublisherPrefix(schemaName: string, prefixes: string[]): SimError {
    return new SimError(
        400,
        ErrorCodes.InvalidArgument,
        `The schema name '${schemaName}' does not begin with the customization prefix of a publisher in this environment (${prefixes.map((p) => `'${p}_'`).join(', ')}).`,
    );
}

/** A schema name with other characters than letters, digits and `_`, or not beginning with a letter: [inferred]. */
export function invalidSchemaName(schemaName: string): SimError {
    return new SimError(
        400,
        ErrorCodes.InvalidArgument,
        `The schema name '${schemaName}' is not valid: it must begin with a letter and contain only letters, digits and underscores.`,
    );
}

/** A name another component of that kind already has: [inferred] DuplicateRecord's code, status 400. */
export function nameInUse(kind: string, name: string): SimError {
    return new SimError(
        400,
        ErrorCodes.DuplicateRecord,
        `A ${kind} with the name '${name}' already exists. Specify a unique name.`,
    );
}

/** A table, column or global option set the request names that does not exist. */
export function componentNotFound(what: string): SimError {
    return new SimError(404, ErrorCodes.ObjectDoesNotExist, `Could not find ${what}.`);
}

/** `MSCRM.SolutionUniqueName` naming no solution of the environment: [inferred] (ObjectDoesNotExist's code). */
export function unknownSolution(uniqueName: string): SimError {
    return new SimError(
        404,
        ErrorCodes.ObjectDoesNotExist,
        `The solution with unique name '${uniqueName}' does not exist in this environment.`,
    );
}

/**
 * DecimalAttributeMinMaxOutOfRange (`0x8009049C`, Web service error codes): MinValue / MaxValue outside what the
 * column type holds; the simulator answers it for every numeric type ([inferred] for the non-decimal ones).
 */
export function minMaxOutOfRange(
    name: string,
    attributeId: string,
    range: { min: number; max: number; lower: number; upper: number },
): SimError {
    return new SimError(
        400,
        '0x8009049C',
        `Min/max values are out of range for '${name}' attribute with AttributeId ${attributeId}. MinValue: ${range.min}, MaxValue: ${range.max}, ValueLowerLimit:${range.lower}, ValueUpperLimit: ${range.upper}.`,
    );
}
