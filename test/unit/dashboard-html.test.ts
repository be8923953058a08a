/**
 * The dashboard's pages escape every value they did not make: hostile strings in the places untrusted text reaches
 * (a failed row's id, code, column and message; a spec's status detail; a run's reason and cancel reason; plan
 * warnings) come out as text, never as markup, in element content and in attributes alike.
 */
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/api/run-view.js';
import { escapeHtml, homePage, html, planPage, runPage } from '../../src/dashboard/index.js';

const EVIL = `<script>alert(1)</script><img src=x onerror="alert('x')">&`;
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;';
const links = { pages: '/', api: 'http://127.0.0.1:7071/api' };

/** No element or attribute the hostile string could have opened. */
function expectInert(page: string) {
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page).not.toMatch(/onerror="alert/);
    expect(page).toContain(ESCAPED);
}

describe('the html tag', () => {
    it('escapes text and attribute values, keeps its own markup, joins lists and drops empty values', () => {
        expect(escapeHtml(EVIL)).toBe(ESCAPED);
        const inner = html`<b>${'<i>'}</b>`;
        expect(
            html`<p title="${`"x" onmouseover='y'`}">${inner}${[1, '<2>']}${undefined}${null}${false}</p>`.text,
        ).toBe('<p title="&quot;x&quot; onmouseover=&#39;y&#39;"><b>&lt;i&gt;</b>1&lt;2&gt;</p>');
    });
});

describe('the pages', () => {
    it('show a hostile spec status detail and run values as text on the home page', () => {
        const page = homePage({
            links,
            specs: [
                {
                    name: 'nightly',
                    status: 'credentials-required',
                    statusDetail: EVIL,
                    updatedAt: '2026-12-07T10:00:00Z',
                    etag: '"1"',
                },
            ],
            runs: [
                {
                    runId: 'nightly-20261207-100000-abcd',
                    spec: 'nightly',
                    startedAt: EVIL,
                    status: 'failed',
                    trigger: EVIL,
                },
            ],
            moreRuns: false,
        });
        expectInert(page);
        expect(page).toContain('Credentials required');
    });

    it('show hostile failed rows, reasons and cancel reasons as text on a run page', () => {
        const view: RunView = {
            id: 'nightly-20261207-100000-abcd',
            spec: 'nightly',
            status: 'in-progress',
            phase: 'copy',
            tier: 1,
            tiers: 2,
            statusUrl: 'http://127.0.0.1:7071/api/migrations/nightly-20261207-100000-abcd',
            logUrl: 'http://127.0.0.1:7071/api/migrations/nightly-20261207-100000-abcd/log',
            errorsUrl: 'http://127.0.0.1:7071/api/migrations/nightly-20261207-100000-abcd/errors',
            cancelUrl: 'http://127.0.0.1:7071/api/migrations/nightly-20261207-100000-abcd/cancel',
            tables: { account: { read: 100, written: 98, failed: 1, pages: 1 } },
            failedRows: 1,
            trigger: EVIL,
            reason: EVIL,
            cancelRequested: { at: '2026-12-07T10:01:00Z', reason: EVIL },
            startedAt: '2026-12-07T10:00:00Z',
            planned: {
                pages: 2,
                rows: 200,
                complete: true,
                tables: { account: { pages: 2, rows: 200, complete: true } },
            },
        };
        const row = {
            table: 'account',
            source_id: EVIL,
            phase: 'copy',
            status: '400',
            code: EVIL,
            column: EVIL,
            message: EVIL,
            at: '',
        };
        const page = runPage({ links, view, failed: [row], now: new Date('2026-12-07T10:00:10Z') });
        expectInert(page);
        // 100 rows in 10 s: 10 rows/s, and the 100 planned rows left take about 10 s.
        expect(page).toContain('10 rows/s');
        expect(page).toContain('about 10 s');
        // The custom status counts tiers from 1.
        expect(page).toContain('phase copy, tier 1 of 2');
        expect(page).toMatch(/<section\s+id="live"[^>]*data-live="true"/);
    });

    it('show hostile plan warnings and problems as text on a plan page', () => {
        const page = planPage({
            links,
            spec: 'nightly',
            source: 'https://src.crm.dynamics.com',
            target: 'https://tgt.crm.dynamics.com',
            plan: {
                tiers: [{ tables: [{ name: 'account', deferred: ['parentaccountid'] }] }],
                manyToMany: [],
                deletes: [],
                warnings: [{ message: EVIL }],
                problems: [{ path: 'tables[0]', message: EVIL }],
            },
        });
        expectInert(page);
        expect(page).toContain('parentaccountid');
    });
});
