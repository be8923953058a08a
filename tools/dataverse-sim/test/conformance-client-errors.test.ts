/**
 * Conformance against Microsoft's troubleshooting article "Troubleshoot Dataverse Web API client errors"
 * (MicrosoftDocs/SupportArticles-docs, support/power-platform/power-apps/dataverse/web-api-client-errors.md): the
 * unknown resource segment, the undeclared navigation property in a payload, and the invalid body property.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import type { Client } from './server-helpers.js';
import { startTestSimulator } from './server-helpers.js';

let sim: Simulator;
let client: Client;
let accountId: string;

beforeAll(async () => {
    ({ sim, client } = await startTestSimulator({ rows: 0 }));
    accountId = await client.create('accounts', { name: 'Contoso' });
});
afterAll(async () => {
    await sim.close();
});

describe('Resource not found for the segment', () => {
    it('answers 404 with 0x8006088a for an entity set name in the wrong case', async () => {
        // Article: GET [Organization URI]/api/data/v9.2/Account -> 404 {"code":"0x8006088a","message":"Resource not found for the segment 'Account'."}
        const r = await client.get('Account');
        expect(r.status).toBe(404);
        expect(r.json).toEqual({
            error: { code: '0x8006088a', message: "Resource not found for the segment 'Account'." },
        });
    });

    it('answers the same for an action that does not exist', async () => {
        const r = await client.post('CloseNothing', {});
        expect(r.status).toBe(404);
        expect(r.json.error).toEqual({
            code: '0x8006088a',
            message: "Resource not found for the segment 'CloseNothing'.",
        });
    });
});

describe('Error identified in Payload provided by the user for Entity', () => {
    it('answers 400 with 0x80048d19 for parentcustomerid@odata.bind, naming the entity set and the property', async () => {
        // Article: POST contacts {"parentcustomerid@odata.bind": "accounts(...)"} -> 400 0x80048d19 "Error identified in
        // Payload provided by the user for Entity :'contacts'  ---->  InnerException : Microsoft.OData.ODataException:
        // An undeclared property 'parentcustomerid' which only has property annotations in the payload but no
        // property value was found in the payload. In OData, only declared navigation properties and declared named
        // streams can be represented as properties without values <truncated for brevity>"
        const r = await client.post('contacts', {
            firstname: 'test',
            lastname: 'contact',
            'parentcustomerid@odata.bind': `accounts(${accountId})`,
        });
        expect(r.status).toBe(400);
        expect(r.json.error.code).toBe('0x80048d19');
        expect(r.json.error.message).toBe(
            "Error identified in Payload provided by the user for Entity :'contacts'  ---->  InnerException : Microsoft.OData.ODataException: An undeclared property 'parentcustomerid' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.",
        );
    });

    it('accepts the navigation property of the multi-table lookup the article names instead', async () => {
        // Article: "The correct single-valued navigation property in this case is parentcustomerid_account."
        const r = await client.post('contacts', {
            lastname: 'contact',
            'parentcustomerid_account@odata.bind': `accounts(${accountId})`,
        });
        expect(r.status).toBe(204);
    });
});

describe('Invalid property was found in entity', () => {
    it('answers 400 with the article message for a property in the wrong case', async () => {
        // Article: POST accounts {"Name": "Account name"} -> 400 {"code":"0x0","message":"An error occurred while validating
        // input parameters: Microsoft.Crm.CrmException: Invalid property 'Name' was found in entity
        // 'Microsoft.Dynamics.CRM.account'. ---> Microsoft.OData.ODataException: Does not support untyped value in
        // non-open type.<truncated for brevity>"}
        const r = await client.post('accounts', { Name: 'Account name' });
        expect(r.status).toBe(400);
        expect(r.json.error.code).toBe('0x0');
        expect(r.json.error.message).toBe(
            "An error occurred while validating input parameters: Microsoft.Crm.CrmException: Invalid property 'Name' was found in entity 'Microsoft.Dynamics.CRM.account'. ---> Microsoft.OData.ODataException: Does not support untyped value in non-open type.",
        );
    });
});
