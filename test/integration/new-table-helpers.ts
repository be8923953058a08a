/** A source custom table for the load-to-a-new-table tests, created and filled as the documentation's requests do. */
import { api, type Sim } from './run-helpers.js';

function label(text: string) {
    return { LocalizedLabels: [{ Label: text, LanguageCode: 1033 }] };
}

const required = { Value: 'None' };

/** The smallest organization-owned table the documentation's request creates: its primary name column only. */
export function minimalTableBody(schemaName: string) {
    return {
        '@odata.type': 'Microsoft.Dynamics.CRM.EntityMetadata',
        SchemaName: schemaName,
        DisplayName: label(schemaName),
        DisplayCollectionName: label(`${schemaName}s`),
        OwnershipType: 'OrganizationOwned',
        HasActivities: false,
        HasNotes: false,
        Attributes: [
            {
                '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata',
                SchemaName: 'contoso_Name',
                IsPrimaryName: true,
                MaxLength: 100,
                FormatName: { Value: 'Text' },
                RequiredLevel: required,
                DisplayName: label('Name'),
            },
        ],
    };
}

/** The source's custom table, created as the documentation's requests create one. */
export async function createSourceTable(s: Sim): Promise<void> {
    await api(s, 'POST', 'EntityDefinitions', {
        '@odata.type': 'Microsoft.Dynamics.CRM.EntityMetadata',
        SchemaName: 'new_Project',
        DisplayName: label('Project'),
        DisplayCollectionName: label('Projects'),
        OwnershipType: 'UserOwned',
        IsActivity: false,
        HasActivities: false,
        HasNotes: false,
        Attributes: [
            {
                '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata',
                SchemaName: 'new_Name',
                IsPrimaryName: true,
                MaxLength: 120,
                FormatName: { Value: 'Text' },
                RequiredLevel: required,
                DisplayName: label('Name'),
            },
        ],
    });
    await api(s, 'POST', 'GlobalOptionSetDefinitions', {
        '@odata.type': 'Microsoft.Dynamics.CRM.OptionSetMetadata',
        Name: 'new_stage',
        DisplayName: label('Stage'),
        IsGlobal: true,
        OptionSetType: 'Picklist',
        Options: [
            { Value: 100000000, Label: label('Plan') },
            { Value: 100000001, Label: label('Build') },
        ],
    });
    const columns = `EntityDefinitions(LogicalName='new_project')/Attributes`;
    const column = (type: string, schemaName: string, extra: Record<string, unknown>) =>
        api(s, 'POST', columns, {
            '@odata.type': `Microsoft.Dynamics.CRM.${type}AttributeMetadata`,
            SchemaName: schemaName,
            DisplayName: label(schemaName),
            RequiredLevel: required,
            ...extra,
        });
    await column('String', 'new_Code', { MaxLength: 20, FormatName: { Value: 'Text' } });
    await column('Memo', 'new_Notes', { MaxLength: 4000 });
    await column('Integer', 'new_Headcount', { MinValue: 0, MaxValue: 500 });
    await column('Decimal', 'new_Ratio', { Precision: 3, MinValue: -10, MaxValue: 10 });
    await column('Money', 'new_Budget', { Precision: 2, MinValue: 0, MaxValue: 1000000 });
    await column('Boolean', 'new_Active', {
        OptionSet: {
            TrueOption: { Value: 1, Label: label('Active') },
            FalseOption: { Value: 0, Label: label('Idle') },
        },
    });
    await column('DateTime', 'new_Due', { Format: 'DateOnly', DateTimeBehavior: { Value: 'DateOnly' } });
    await column('Picklist', 'new_Priority', {
        OptionSet: { Options: [1, 2, 3].map((v) => ({ Value: v, Label: label(`P${v}`) })) },
    });
    await column('Picklist', 'new_Stage', {
        'GlobalOptionSet@odata.bind': "/GlobalOptionSetDefinitions(Name='new_stage')",
    });
    await column('MultiSelectPicklist', 'new_Tags', {
        OptionSet: { Options: [1, 2, 3].map((v) => ({ Value: v, Label: label(`T${v}`) })) },
    });
    const lookup = (schemaName: string, referenced: string, lookupName: string) =>
        api(s, 'POST', 'RelationshipDefinitions', {
            '@odata.type': 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
            SchemaName: schemaName,
            ReferencedEntity: referenced,
            ReferencedAttribute: `${referenced}id`,
            ReferencingEntity: 'new_project',
            Lookup: { SchemaName: lookupName, DisplayName: label(lookupName), RequiredLevel: required },
        });
    await lookup('new_account_new_project', 'account', 'new_AccountId');
    await lookup('new_project_parent', 'new_project', 'new_ParentProjectId');
    await api(s, 'POST', `EntityDefinitions(LogicalName='new_project')/Keys`, {
        SchemaName: 'new_CodeKey',
        DisplayName: label('Code'),
        KeyAttributes: ['new_code'],
    });
}

export async function addSourceRows(source: Sim): Promise<void> {
    const accounts = (source.dump('account') as any[]).slice(0, 5);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
        const id = `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
        await api(source, 'POST', 'new_projects', {
            new_projectid: id,
            new_name: `Project ${i}`,
            new_code: `P-${i}`,
            new_notes: i % 2 ? `notes ${i}` : null,
            new_headcount: i * 10,
            new_ratio: i / 4,
            new_budget: 1000 * i + 0.5,
            new_active: i % 3 === 0,
            new_due: '2026-12-24',
            new_priority: (i % 3) + 1,
            new_stage: i % 2 ? 100000001 : 100000000,
            new_tags: i % 2 ? '1,3' : '2',
            ...(i < 10 ? { 'new_AccountId@odata.bind': `/accounts(${accounts[i % 5].accountid})` } : {}),
            ...(i > 0 ? { 'new_ParentProjectId@odata.bind': `/new_projects(${ids[Math.floor((i - 1) / 2)]})` } : {}),
        });
        ids.push(id);
    }
}
