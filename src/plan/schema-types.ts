/**
 * The schema a plan creates in the target for tables loaded as `new`: metadata operations in the order the service
 * needs them (tables, global choices, columns, relationships, keys, then one publish). Plain JSON: the plan carries it
 * to the run's schema phase, which sends each `body` as it is (a global choice's id is looked up when sent).
 */

/** What every operation says about itself: `summary` is the line `plan` shows. */
interface OperationBase {
    /** The run table (source logical name) it belongs to; absent for a global choice shared by several. */
    table?: string;
    summary: string;
    /** The request body, as create-update-*-using-web-api.md shows it. */
    body: Record<string, unknown>;
}

export type SchemaOperation =
    /** POST EntityDefinitions: the table with its primary name column. */
    | (OperationBase & { kind: 'table'; table: string; entitySetName: string })
    /** POST GlobalOptionSetDefinitions: a global choice the target lacks. */
    | (OperationBase & { kind: 'optionSet'; name: string })
    /**
     * POST EntityDefinitions(LogicalName=...)/Attributes; `globalOptionSet`: the choice binds to that global option
     * set by its MetadataId (`GlobalOptionSet@odata.bind`), read when sent.
     */
    | (OperationBase & { kind: 'column'; table: string; column: string; type: string; globalOptionSet?: string })
    /** POST RelationshipDefinitions: a one-to-many relationship with its lookup column. */
    | (OperationBase & {
          kind: 'relationship';
          table: string;
          column: string;
          schemaName: string;
          referencedEntity: string;
      })
    /** POST EntityDefinitions(LogicalName=...)/Keys; its index builds asynchronously and is waited for until Active. */
    | (OperationBase & { kind: 'key'; table: string; key: string; columns: string[] });

export interface SchemaPlan {
    /** The solution the components join (`MSCRM.SolutionUniqueName`); absent: the default solution. */
    solution?: string;
    operations: SchemaOperation[];
    /** Tables to publish after the operations (PublishXml), every table created or changed. */
    publish: string[];
}
