/**
 * The environment's own synchronous logic (`SimTable.plugins`): each step changes the row being created or updated
 * before it is saved, as a PreOperation plug-in changes its Target, so a client that reads the row back finds the
 * plug-in's value, not the one it wrote.
 */
import type { SimPlugin, SimRow, SimValue } from '../model.js';
import type { TableInfo } from './schema-index.js';

/** Runs the table's plug-ins registered on `message` over `changes` (the whole row on create). */
export function runPlugins(
    info: TableInfo,
    message: 'create' | 'update',
    changes: SimRow,
    existing: SimRow | undefined,
    stamp: string,
): void {
    for (const plugin of info.table.plugins ?? []) {
        if (!(plugin.on ?? ['create', 'update']).includes(message)) continue;
        const value = pluginValue(plugin, message, changes, existing, stamp);
        if (value !== undefined) changes[plugin.column] = value;
    }
}

/** The plug-in's value for the column, or undefined when it leaves this write alone. */
function pluginValue(
    plugin: SimPlugin,
    message: 'create' | 'update',
    changes: SimRow,
    existing: SimRow | undefined,
    stamp: string,
): SimValue | undefined {
    const rule = plugin.set;
    switch (rule.kind) {
        case 'uppercase': {
            const written = changes[plugin.column];
            return typeof written === 'string' ? written.toUpperCase() : undefined;
        }
        case 'stamp':
            return stamp;
        case 'compose': {
            const touched = [plugin.column, ...rule.from].some((c) => c in changes);
            if (message === 'update' && !touched) return undefined;
            const parts = rule.from
                .map((c) => (c in changes ? changes[c] : existing?.[c]))
                .filter(
                    (v): v is string | number => (typeof v === 'string' && v.trim() !== '') || typeof v === 'number',
                )
                .map(String);
            return parts.length === 0 ? null : parts.join(rule.separator ?? ' ');
        }
    }
}
