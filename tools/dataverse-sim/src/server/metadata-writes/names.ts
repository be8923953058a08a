/**
 * Schema names of created components: letters, digits and `_`, beginning with a letter, and `<prefix>_...` with the
 * customization prefix of a publisher of the environment ("You should include the customization prefix that matches
 * the solution publisher", create-update-entity-definitions-using-web-api.md). The logical name is the schema name in
 * lower case (the documented example: SchemaName `new_BankAccount`, LogicalName `new_bankaccount`).
 */
import { invalidSchemaName, noPublisherPrefix } from './refusals.js';

export function checkedLogicalName(schemaName: string, prefixes: string[]): string {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(schemaName)) throw invalidSchemaName(schemaName);
    const prefix = schemaName.slice(0, schemaName.indexOf('_')).toLowerCase();
    const rest = schemaName.slice(schemaName.indexOf('_') + 1);
    if (!schemaName.includes('_') || !prefixes.includes(prefix) || rest === '')
        throw noPublisherPrefix(schemaName, prefixes);
    return schemaName.toLowerCase();
}

/** The `@odata.type` of a body without `#` and namespace: `StringAttributeMetadata`. */
export function odataTypeOf(body: Record<string, unknown>): string | undefined {
    const type = body['@odata.type'];
    return typeof type === 'string' ? type.replace(/^#/, '').replace(/^Microsoft\.Dynamics\.CRM\./, '') : undefined;
}
