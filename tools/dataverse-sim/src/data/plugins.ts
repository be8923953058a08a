/**
 * Plug-ins of an environment (`startSimulator({ plugins })`, `--plugins FILE`): checked against the schema and
 * attached to their tables (`SimTable.plugins`), where the writer runs them (server/plugins.ts). A plug-in naming a
 * table or column the schema lacks, or a column of the wrong type for its rule, is an Error naming it.
 *
 * ```json
 * [
 *   { "table": "account", "column": "accountnumber", "set": { "kind": "uppercase" } },
 *   { "table": "contact", "column": "description", "on": ["update"], "set": { "kind": "stamp" } },
 *   { "table": "account", "column": "fax", "set": { "kind": "compose", "from": ["name", "telephone1"], "separator": " / " } }
 * ]
 * ```
 */
import { z } from 'zod';
import type { SimAttributeType as AttributeType, SimPlugin, SimSchema } from '../model.js';
import { parseWithSchema, readJsonFile } from '../gate/config-file.js';

const name = z.string().min(1);

export const pluginsConfigSchema = z.array(
    z.strictObject({
        table: name,
        column: name,
        on: z
            .array(z.enum(['create', 'update']))
            .min(1)
            .optional(),
        set: z.discriminatedUnion('kind', [
            z.strictObject({ kind: z.literal('uppercase') }),
            z.strictObject({ kind: z.literal('stamp') }),
            z.strictObject({
                kind: z.literal('compose'),
                from: z.array(name).min(1),
                separator: z.string().optional(),
            }),
        ]),
    }),
) satisfies z.ZodType<SimPlugin[]>;

/** Reads and checks a plug-ins file (the schema is checked when the plug-ins are attached). */
export function loadPluginsFile(path: string): SimPlugin[] {
    return parseWithSchema(pluginsConfigSchema, readJsonFile(path), `plug-ins file ${path}`);
}

const TEXT: ReadonlySet<AttributeType> = new Set(['String', 'Memo']);
const RULE_TYPES: Record<SimPlugin['set']['kind'], ReadonlySet<AttributeType>> = {
    uppercase: TEXT,
    stamp: new Set(['DateTime', 'String', 'Memo']),
    compose: TEXT,
};

/** Attaches each plug-in to its table in `schema` (in order: a later plug-in of a column sees an earlier one's value). */
export function attachPlugins(schema: SimSchema, plugins: readonly SimPlugin[]): void {
    plugins.forEach((plugin, i) => {
        const at = `plugins[${i}]`;
        const table = schema.tables.find((t) => t.logicalName === plugin.table);
        if (!table) throw new Error(`${at}: no table '${plugin.table}' in the schema`);
        const columnType = (column: string) => table.attributes.find((a) => a.logicalName === column)?.type;
        const type = columnType(plugin.column);
        if (type === undefined) throw new Error(`${at}: table '${plugin.table}' has no column '${plugin.column}'`);
        const allowed = RULE_TYPES[plugin.set.kind];
        if (!allowed.has(type))
            throw new Error(
                `${at}: '${plugin.set.kind}' sets ${[...allowed].join(' or ')} columns; '${plugin.column}' is ${type}`,
            );
        if (plugin.set.kind === 'compose') {
            const missing = plugin.set.from.filter((c) => columnType(c) === undefined);
            if (missing.length > 0)
                throw new Error(
                    `${at}: table '${plugin.table}' has no column ${missing.map((c) => `'${c}'`).join(', ')}`,
                );
        }
        (table.plugins ??= []).push(structuredClone(plugin));
    });
}
