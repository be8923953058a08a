/** The CMT exports the tests read: every folder of test/fixtures/cmt-corpus, plus the original sample cmt-small. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

export interface CorpusExport {
    /** The folder's name. */
    name: string;
    schemaPath: string;
    /** Its data.xml, when the export has one. */
    dataPath?: string;
}

export function cmtCorpus(): CorpusExport[] {
    const dirs = readdirSync(join(FIXTURES, 'cmt-corpus'), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => join(FIXTURES, 'cmt-corpus', d.name));
    return [...dirs, join(FIXTURES, 'cmt-small')].map((folder) => {
        const data = join(folder, 'data.xml');
        return {
            name: folder.split('/').pop()!,
            schemaPath: join(folder, 'data_schema.xml'),
            ...(existsSync(data) ? { dataPath: data } : {}),
        };
    });
}
