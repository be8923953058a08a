/**
 * The organization's limits on content, compared before anything is written: the largest note or attachment
 * (`organization.maxuploadfilesize`, 5 MB by default, up to 128 MB) and the file extensions it refuses
 * (`organization.blockedattachments`, a `;`-separated list), both answered 0x80044a02 / 0x80043e09 by the service
 * (attachment-annotation-files.md, file-column-data.md). What the source allows and the target does not is listed as
 * a warning: such rows fail at run time with the service's error, the run goes on.
 */
import type { DataverseClient } from '../dataverse/client-types.js';
import type { Plan } from './types.js';

interface OrgLimits {
    maxUploadFileSize?: number;
    blocked: Set<string>;
}

async function readOrgLimits(client: DataverseClient, signal?: AbortSignal): Promise<OrgLimits> {
    const answer = await client.get<{
        value: Array<{ maxuploadfilesize?: number; blockedattachments?: string | null }>;
    }>('organizations?$select=maxuploadfilesize,blockedattachments', signal ? { signal } : {});
    const org = answer.value[0] ?? {};
    const blocked = (org.blockedattachments ?? '')
        .split(';')
        .map((e) => e.trim().toLowerCase())
        .filter((e) => e !== '');
    return {
        ...(typeof org.maxuploadfilesize === 'number' ? { maxUploadFileSize: org.maxuploadfilesize } : {}),
        blocked: new Set(blocked),
    };
}

export async function checkContentLimits(
    plan: Plan,
    clients: { source: DataverseClient; target: DataverseClient },
    signal?: AbortSignal,
): Promise<void> {
    const tables = Object.values(plan.tables).filter((t) => t.content && t.content.length > 0);
    if (tables.length === 0) return;
    let source: OrgLimits;
    let target: OrgLimits;
    try {
        [source, target] = await Promise.all([
            readOrgLimits(clients.source, signal),
            readOrgLimits(clients.target, signal),
        ]);
    } catch (error) {
        if (signal?.aborted) throw error;
        plan.warnings.push({
            message: `cannot read the organizations' upload limits (${error instanceof Error ? error.message : String(error)}): content the target refuses is found row by row`,
        });
        return;
    }
    const notes = tables.filter((t) => t.content!.some((c) => c.kind === 'note' || c.kind === 'attachment'));
    if (
        notes.length > 0 &&
        source.maxUploadFileSize !== undefined &&
        target.maxUploadFileSize !== undefined &&
        target.maxUploadFileSize < source.maxUploadFileSize
    ) {
        for (const table of notes)
            plan.warnings.push({
                table: table.name,
                message: `'${table.name}': the target takes note and attachment bodies up to ${target.maxUploadFileSize} bytes (organization.maxuploadfilesize), the source up to ${source.maxUploadFileSize}: larger ones fail their rows`,
            });
    }
    const blocked = [...target.blocked].filter((e) => !source.blocked.has(e)).sort();
    if (blocked.length > 0)
        plan.warnings.push({
            message: `the target blocks file extensions the source allows (organization.blockedattachments): ${blocked.join(', ')}; notes and files named so fail their rows (${tables.map((t) => t.name).join(', ')})`,
        });
}
