import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'dataverse-sim';
import {
    createDataverseClient,
    readAllTableNames,
    readEnvironmentMetadata,
    readManyToMany,
    readTableMetadata,
    UnknownNamesError,
    type EnvironmentMetadata,
} from '../../src/dataverse/index.js';

describe('metadata of the crm schema', () => {
    let sim: Simulator;
    let metadata: EnvironmentMetadata;
    beforeAll(async () => {
        sim = await startSimulator({ schema: 'crm' });
        const client = createDataverseClient({ url: sim.url });
        metadata = await readEnvironmentMetadata(client, ['account', 'contact'], { includeLookupTargets: true });
    });
    afterAll(() => sim.close());

    const table = (name: string) => {
        const found = metadata.tables.get(name);
        if (!found) throw new Error(`no metadata for ${name}`);
        return found;
    };
    const attribute = (tableName: string, name: string) => {
        const found = table(tableName).attributes.find((a) => a.logicalName === name);
        if (!found) throw new Error(`no attribute ${tableName}.${name}`);
        return found;
    };

    it('reads the tables with their identity and change tracking', () => {
        expect(table('account')).toMatchObject({
            schemaName: 'Account',
            entitySetName: 'accounts',
            primaryIdAttribute: 'accountid',
            primaryNameAttribute: 'name',
            ownershipType: 'UserOwned',
            changeTrackingEnabled: true,
            isIntersect: false,
            objectTypeCode: 1,
        });
        expect(metadata.allTableNames).toEqual(
            expect.arrayContaining(['account', 'contact', 'lead', 'opportunity', 'systemuser']),
        );
    });

    it('reads each table privilege by its type, under the name the service gives it, in the same request', () => {
        expect(table('account').privileges).toMatchObject({ Read: 'prvReadAccount', Assign: 'prvAssignAccount' });
        // A lookup target read with them: users' privileges are not named after the table's schema name.
        expect(table('systemuser').privileges).toEqual({
            Create: 'prvCreateUser',
            Read: 'prvReadUser',
            Write: 'prvWriteUser',
            Append: 'prvAppendUser',
            AppendTo: 'prvAppendToUser',
        });
    });

    it('reads lookup targets, including polymorphic customer and owner lookups', () => {
        expect(attribute('contact', 'parentcustomerid')).toMatchObject({ attributeType: 'Customer' });
        expect(attribute('contact', 'parentcustomerid').targets?.sort()).toEqual(['account', 'contact']);
        expect(attribute('account', 'primarycontactid').targets).toEqual(['contact']);
        expect(attribute('account', 'ownerid').targets?.sort()).toEqual(['systemuser', 'team']);
        // One level of lookup targets was read too.
        for (const name of ['systemuser', 'team', 'transactioncurrency', 'businessunit'])
            expect(metadata.tables.has(name)).toBe(true);
        expect(metadata.tables.has('lead')).toBe(false);
    });

    it('reads validity, required level, AttributeOf, lengths and precision', () => {
        expect(attribute('contact', 'fullname')).toMatchObject({
            isValidForCreate: false,
            isValidForUpdate: false,
            isValidForRead: true,
            maxLength: 160,
        });
        expect(attribute('contact', 'lastname')).toMatchObject({
            requiredLevel: 'ApplicationRequired',
            maxLength: 50,
            isValidForCreate: true,
        });
        expect(attribute('account', 'accountid')).toMatchObject({ isPrimaryId: true, isValidForUpdate: false });
        expect(attribute('account', 'address1_latitude').precision).toBe(5);
        const virtual = table('contact').attributes.filter((a) => a.attributeOf === 'parentcustomerid');
        expect(virtual.length).toBeGreaterThan(0);
    });

    it('reads the options of choice, state and status columns', () => {
        const state = attribute('account', 'statecode');
        expect(state.options?.map((o) => o.value)).toEqual([0, 1]);
        const status = attribute('account', 'statuscode');
        expect(status.options?.every((o) => typeof o.state === 'number' && o.label !== '')).toBe(true);
        const gender = attribute('contact', 'gendercode');
        expect(gender.options).toEqual([
            { value: 1, label: 'Male' },
            { value: 2, label: 'Female' },
        ]);
    });

    it('reads keys and relationships of every kind', () => {
        expect(table('account').keys).toEqual([
            {
                logicalName: 'new_accountnumberkey',
                schemaName: 'new_AccountNumberKey',
                keyAttributes: ['accountnumber'],
                entityKeyIndexStatus: 'Active',
            },
        ]);
        expect(table('contact').manyToOne).toContainEqual(
            expect.objectContaining({
                referencingAttribute: 'parentcustomerid',
                referencedEntity: 'account',
                referencingEntityNavigationPropertyName: 'parentcustomerid_account',
            }),
        );
        expect(table('account').oneToMany).toContainEqual(
            expect.objectContaining({ referencingEntity: 'contact', referencingAttribute: 'parentcustomerid' }),
        );
        expect(table('account').manyToMany).toContainEqual(
            expect.objectContaining({
                schemaName: 'accountleads_association',
                entity2LogicalName: 'lead',
                intersectEntityName: 'accountleads',
            }),
        );
    });

    it('names close matches for unknown tables and relationships, all at once', async () => {
        const client = createDataverseClient({ url: sim.url });
        const error = await readEnvironmentMetadata(client, ['acount', 'contact', 'opportunities']).catch(
            (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(UnknownNamesError);
        expect((error as UnknownNamesError).unknown.map((u) => u.name)).toEqual(['acount', 'opportunities']);
        expect((error as Error).message).toContain("'acount' (did you mean 'account'?)");
        expect((error as Error).message).toContain("did you mean 'opportunity'");
        const relationships = await readManyToMany(client, ['accountleads_association']);
        expect(relationships.get('accountleads_association')).toMatchObject({
            entity1LogicalName: 'account',
            entity2LogicalName: 'lead',
        });
        await expect(readManyToMany(client, ['accountlead_association'])).rejects.toThrow(
            /did you mean 'accountleads_association'/,
        );
    });

    it('stops every reader through the signal in its options, before anything is sent', async () => {
        const client = createDataverseClient({ url: sim.url });
        const stopped = AbortSignal.abort(new Error('planning cancelled'));
        const readers = [
            readAllTableNames(client, { signal: stopped }),
            readTableMetadata(client, 'account', { signal: stopped }),
            readManyToMany(client, ['accountleads_association'], { signal: stopped }),
            readEnvironmentMetadata(client, ['account'], { signal: stopped }),
        ];
        for (const reader of readers) {
            await expect(reader).rejects.toMatchObject({ name: 'DataverseError', kind: 'aborted' });
        }
        await expect(readAllTableNames(client, { signal: stopped })).rejects.toThrow(
            'the request was aborted: planning cancelled',
        );
        expect(client.stats().attempts).toBe(0);
    });
});
