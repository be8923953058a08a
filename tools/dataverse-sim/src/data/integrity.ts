/** Checks a dataset's referential integrity: every lookup and association points to an existing row. */
import { isLookupType, isLookupValue, type SimDataset } from '../model.js';

export function checkIntegrity(dataset: SimDataset): string[] {
    const problems: string[] = [];
    const ids = new Map<string, Set<string>>();
    for (const t of dataset.schema.tables) {
        const set = new Set<string>();
        for (const row of dataset.rows[t.logicalName] ?? []) {
            const id = row[t.primaryIdAttribute];
            if (typeof id !== 'string') problems.push(`${t.logicalName}: row without id`);
            else if (set.has(id)) problems.push(`${t.logicalName}(${id}): duplicate id`);
            else set.add(id);
        }
        ids.set(t.logicalName, set);
    }
    for (const t of dataset.schema.tables) {
        const lookups = t.attributes.filter((a) => isLookupType(a.type));
        for (const row of dataset.rows[t.logicalName] ?? []) {
            for (const a of lookups) {
                const v = row[a.logicalName];
                if (v === null || v === undefined) continue;
                const at = `${t.logicalName}(${JSON.stringify(row[t.primaryIdAttribute])}).${a.logicalName}`;
                if (!isLookupValue(v)) problems.push(`${at}: not a lookup value`);
                else if (!(a.targets ?? []).includes(v.table)) problems.push(`${at}: '${v.table}' is not a target`);
                else if (!ids.get(v.table)?.has(v.id)) problems.push(`${at}: ${v.table}(${v.id}) does not exist`);
            }
        }
    }
    for (const m of dataset.schema.manyToMany)
        for (const [a, b] of dataset.associations[m.schemaName] ?? []) {
            if (!ids.get(m.entity1LogicalName)?.has(a))
                problems.push(`${m.schemaName}: ${m.entity1LogicalName}(${a}) does not exist`);
            if (!ids.get(m.entity2LogicalName)?.has(b))
                problems.push(`${m.schemaName}: ${m.entity2LogicalName}(${b}) does not exist`);
        }
    return problems;
}
