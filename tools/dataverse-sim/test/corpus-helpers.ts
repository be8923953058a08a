/**
 * The corpus of real CMT exports (test/fixtures/cmt-corpus/*, plus the original sample cmt-small), and an
 * independent reading of each file (fast-xml-parser directly, no simulator code) that tests compare against.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

const FIXTURES = new URL('../../../test/fixtures/', import.meta.url).pathname;

export interface CorpusExport {
    name: string;
    schemaPath: string;
    dataPath?: string;
}

/** Every export of the corpus, by folder name. */
export function corpus(): CorpusExport[] {
    const dirs = readdirSync(join(FIXTURES, 'cmt-corpus'), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => join(FIXTURES, 'cmt-corpus', d.name));
    return [...dirs, join(FIXTURES, 'cmt-small')].map((dir) => {
        const data = join(dir, 'data.xml');
        return {
            name: dir.split('/').pop()!,
            schemaPath: join(dir, 'data_schema.xml'),
            ...(existsSync(data) ? { dataPath: data } : {}),
        };
    });
}

const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    isArray: (n) => ['entity', 'field', 'relationship', 'record', 'm2mrelationship', 'targetid'].includes(n),
});

type Node = Record<string, any>;

function read(path: string): Node {
    return parser.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')) as Node;
}

export interface RawSchemaEntity {
    name: string;
    fields: Array<{ name: string; type: string }>;
    manyToMany: Array<{ name: string; target: string }>;
}

/** The entities, fields and many-to-many relationships a schema file lists. */
export function rawSchema(path: string): RawSchemaEntity[] {
    return ((read(path).entities?.entity ?? []) as Node[]).map((e) => ({
        name: String(e.name),
        fields: ((e.fields?.field ?? []) as Node[]).map((f) => ({ name: String(f.name), type: String(f.type) })),
        manyToMany: ((e.relationships?.relationship ?? []) as Node[])
            .filter((r) => r.manyToMany === 'true')
            .map((r) => ({ name: String(r.name), target: String(r.m2mTargetEntity) })),
    }));
}

export interface RawRecord {
    table: string;
    id: string;
}

/** The records and many-to-many pairs a data file holds. */
export function rawData(path: string): { records: RawRecord[]; pairs: number } {
    const entities = (read(path).entities?.entity ?? []) as Node[];
    const records = entities.flatMap((e) =>
        ((e.records?.record ?? []) as Node[]).map((r) => ({ table: String(e.name), id: String(r.id).toLowerCase() })),
    );
    const pairs = entities
        .flatMap((e) => (e.m2mrelationships?.m2mrelationship ?? []) as Node[])
        .reduce((n, m) => n + ((m.targetids?.targetid as unknown[] | undefined)?.length ?? 0), 0);
    return { records, pairs };
}
