/** Loads a schema file: our JSON format or a CMT data_schema.xml, told apart by content. */
import { readFileSync } from 'node:fs';
import type { SimSchema } from '../model.js';
import { looksLikeCmtSchema } from './cmt-xml.js';
import { parseCmtSchema } from './schema-cmt.js';
import {
    addActivityParties,
    addIntersectTables,
    addMissingTargetTables,
    addSystemTables,
    checkSchema,
    SchemaFileError,
} from './schema-complete.js';
import { parseJsonSchema } from './schema-json.js';
import { stderrWarnings, type WarningSink } from './warnings.js';

/**
 * Builds a complete schema from a CMT data_schema.xml text (system tables, the tables lookups and many-to-many
 * relationships point to, activity parties and intersect tables added). Guesses go to `warn`, one line each.
 */
export function cmtSchemaFromText(
    text: string,
    file = 'data_schema.xml',
    warn: WarningSink = stderrWarnings,
): SimSchema {
    const { schema, problems, warnings, relatedTables } = parseCmtSchema(text);
    if (problems.length > 0) throw new SchemaFileError(file, problems);
    for (const w of warnings) warn(`${file}: ${w}`);
    addSystemTables(schema);
    addMissingTargetTables(schema, relatedTables);
    addActivityParties(schema);
    addIntersectTables(schema);
    const more = checkSchema(schema);
    if (more.length > 0) throw new SchemaFileError(file, more);
    return schema;
}

/** Builds a complete schema from the text of one of our JSON schema files. */
export function jsonSchemaFromText(text: string, file = 'schema.json'): SimSchema {
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch (e) {
        throw new SchemaFileError(file, [`(root): not valid JSON: ${(e as Error).message}`]);
    }
    const result = parseJsonSchema(data);
    if (!('schema' in result)) throw new SchemaFileError(file, result.problems);
    return result.schema;
}

/**
 * Reads a schema file: a CMT data_schema.xml (an `<entities>` document) or our JSON format.
 * Throws SchemaFileError listing every problem with its path.
 */
export function loadSchemaFile(path: string, warn: WarningSink = stderrWarnings): SimSchema {
    const text = readFileSync(path, 'utf8');
    if (looksLikeCmtSchema(text)) return cmtSchemaFromText(text, path, warn);
    if (/^\s*</.test(text))
        throw new SchemaFileError(path, ['(root): XML but not a CMT data_schema.xml (no <entities> with <fields>)']);
    return jsonSchemaFromText(text, path);
}
