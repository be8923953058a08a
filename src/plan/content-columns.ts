/**
 * A table's binary content, copied by its own phase after the rows (copy/content-transfer.ts), never in row reads or
 * writes: file and image columns, which a row read does not carry in full (a file's id, an image's thumbnail) and a row
 * write cannot set in full (research realworld-gaps.md D2), and a note's `documentbody` or an e-mail attachment's
 * `body`, up to 128 MB of Base64 that would otherwise travel in 5,000-row reads and 100-row writes (R4;
 * attachment-annotation-files.md: inline only "fine as long as the files aren't too large, for example under 4 MB").
 */
import type { AttributeMetadata } from '../dataverse/metadata-types.js';
import { tablePath, type PlanContext, type RunTable } from './context.js';
import type { ContentColumn } from './types.js';

/** The content kind of a column, or undefined for a column that row writes copy. */
export function contentKind(table: string, attribute: AttributeMetadata): ContentColumn['kind'] | undefined {
    if (attribute.attributeOf) return undefined;
    if (attribute.attributeTypeName === 'FileType') return 'file';
    if (attribute.attributeTypeName === 'ImageType') return 'image';
    if (table === 'annotation' && attribute.logicalName === 'documentbody') return 'note';
    if (table === 'activitymimeattachment' && attribute.logicalName === 'body') return 'attachment';
    return undefined;
}

/**
 * The content columns of a run table: every one the source reads and the target has with the same kind (or those
 * the spec lists); a column the target lacks is a warning (automatic) or a problem (listed).
 */
export function planContentColumns(ctx: PlanContext, run: RunTable): ContentColumn[] {
    const listed = run.spec.columns;
    const targetAttrs = new Map(run.target.attributes.map((a) => [a.logicalName, a]));
    const content: ContentColumn[] = [];
    for (const source of run.source.attributes) {
        const kind = contentKind(run.source.logicalName, source);
        if (!kind || !source.isValidForRead) continue;
        const index = listed?.indexOf(source.logicalName) ?? -1;
        if (listed && index < 0) continue;
        const targetName = run.spec.rename?.[source.logicalName] ?? source.logicalName;
        const target = targetAttrs.get(targetName);
        if (!target || contentKind(run.target.logicalName, target) !== kind) {
            const message = `'${run.spec.name}.${source.logicalName}': the target has no ${kind} column '${targetName}' to copy its content into`;
            if (listed)
                ctx.problems.push({
                    path: `${tablePath(run)}.columns[${index}]`,
                    table: run.spec.name,
                    column: source.logicalName,
                    message,
                });
            else ctx.warnings.push({ path: tablePath(run), table: run.spec.name, column: source.logicalName, message });
            continue;
        }
        if (
            source.maxSizeInKB !== undefined &&
            target.maxSizeInKB !== undefined &&
            target.maxSizeInKB < source.maxSizeInKB
        )
            ctx.warnings.push({
                path: tablePath(run),
                table: run.spec.name,
                column: source.logicalName,
                message: `'${run.spec.name}.${source.logicalName}': the target takes ${kind}s up to ${target.maxSizeInKB} KB (MaxSizeInKB), the source up to ${source.maxSizeInKB} KB: larger ones fail their rows`,
            });
        content.push({ source: source.logicalName, target: targetName, kind });
    }
    return content;
}
