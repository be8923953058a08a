/** Bodies of metadata writes as the documentation's examples send them (create-update-*-using-web-api.md). */
export function label(text: string) {
    return {
        '@odata.type': 'Microsoft.Dynamics.CRM.Label',
        LocalizedLabels: [{ '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel', Label: text, LanguageCode: 1033 }],
    };
}

export function primaryName(schemaName: string, maxLength = 100) {
    return {
        '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata',
        AttributeType: 'String',
        AttributeTypeName: { Value: 'StringType' },
        SchemaName: schemaName,
        IsPrimaryName: true,
        MaxLength: maxLength,
        FormatName: { Value: 'Text' },
        RequiredLevel: {
            Value: 'None',
            CanBeChanged: true,
            ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings',
        },
        DisplayName: label('Name'),
    };
}

export function tableBody(schemaName: string, overrides: Record<string, unknown> = {}) {
    return {
        '@odata.type': 'Microsoft.Dynamics.CRM.EntityMetadata',
        SchemaName: schemaName,
        DisplayName: label('Bank Account'),
        DisplayCollectionName: label('Bank Accounts'),
        Description: label('An entity to store information about customer bank accounts'),
        OwnershipType: 'UserOwned',
        IsActivity: false,
        HasActivities: false,
        HasNotes: false,
        Attributes: [primaryName(`${schemaName.split('_')[0]!}_Name`)],
        ...overrides,
    };
}
