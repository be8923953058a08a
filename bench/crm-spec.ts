/**
 * The migration every benchmark run performs: the demo's graph of the crm sample (account, contact, lead,
 * opportunity, both many-to-many relationships, owners matched by natural key with a fallback), between
 * two simulator URLs. Options are the product defaults except the page size, which the demo also lowers so
 * a table of a few thousand rows still fans out over several pages.
 */
export const BENCH_PAGE_SIZE = 1000;

export interface CrmSpecOptions {
    pageSize?: number;
    writeBatchSize?: number;
    maxConcurrency?: number;
}

export function crmSpec(name: string, sourceUrl: string, targetUrl: string, options: CrmSpecOptions = {}) {
    return {
        name,
        source: { url: sourceUrl },
        target: { url: targetUrl },
        tables: [{ name: 'account' }, { name: 'contact' }, { name: 'lead' }, { name: 'opportunity' }],
        manyToMany: ['accountleads_association', 'contactleads_association'],
        references: { fallbackOwner: 'avery.admin@contoso.onmicrosoft.com' },
        options: { pageSize: BENCH_PAGE_SIZE, ...options },
    };
}
