/** The schema a plan creates, as `plan` shows it: a diff grouped by what is created, and its `--json` form. */
import type { SchemaOperation, SchemaPlan } from './schema-types.js';

const HEADINGS: Record<SchemaOperation['kind'], string> = {
    table: 'tables',
    optionSet: 'global choices',
    column: 'columns',
    relationship: 'relationships',
    key: 'keys',
};

/** Lines for the plain rendering, placed first: nothing else in the plan exists before them. */
export function schemaLines(schema: SchemaPlan | undefined): string[] {
    if (!schema || schema.operations.length === 0) return [];
    const where = schema.solution ? `solution ${schema.solution}` : 'the default solution';
    const lines = ['', `Schema to create in the target first (${where}; nothing is created by plan)`];
    for (const kind of Object.keys(HEADINGS) as Array<SchemaOperation['kind']>) {
        const operations = schema.operations.filter((o) => o.kind === kind);
        if (operations.length === 0) continue;
        lines.push(`  ${HEADINGS[kind]}:`);
        for (const operation of operations) lines.push(`    + ${operation.summary}`);
    }
    lines.push(`  then publish: ${schema.publish.join(', ')}`);
    return lines;
}

/** The `--json` form: each operation without its request body. */
export function schemaJson(schema: SchemaPlan | undefined) {
    if (!schema) return undefined;
    return {
        ...(schema.solution ? { solution: schema.solution } : {}),
        operations: schema.operations.map(({ body: _body, ...rest }) => rest),
        publish: [...schema.publish],
    };
}
