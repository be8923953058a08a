/** What the planning steps share: the spec, both environments' metadata, the run tables and the issues found. */
import type { EnvironmentMetadata, TableMetadata } from '../dataverse/metadata-types.js';
import type { MigrationSpec, TableSpec } from '../spec/schema.js';
import type { MatchPlan, PlanIssue } from './types.js';

export interface RunTable {
    /** Index in spec.tables, for issue paths. */
    index: number;
    spec: TableSpec;
    source: TableMetadata;
    target: TableMetadata;
    match: MatchPlan;
}

export interface ReferenceRuleInfo {
    matchOn: string[];
    fallback?: string;
    /** Listed in spec.references (as opposed to a built-in default). */
    explicit: boolean;
}

export interface PlanContext {
    spec: MigrationSpec;
    source: EnvironmentMetadata;
    target: EnvironmentMetadata;
    /** Run tables by source logical name. */
    run: Map<string, RunTable>;
    /** Reference tables (not copied, matched by natural key) by logical name. */
    referenceRules: Map<string, ReferenceRuleInfo>;
    /** Reference tables some mapped lookup points to. */
    usedReferences: Set<string>;
    warnings: PlanIssue[];
    problems: PlanIssue[];
}

/** `tables[2]` */
export function tablePath(run: RunTable): string {
    return `tables[${run.index}]`;
}

/** Every column name of a table, for "did you mean". */
export function columnNames(table: TableMetadata): string[] {
    return table.attributes.map((a) => a.logicalName);
}
