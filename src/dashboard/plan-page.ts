/**
 * `/specs/<name>/plan`: what a run of a stored spec would do, as `POST /api/plans` answers it: tables by tier with
 * their estimated rows and deferred lookups, many-to-many relationships, delete phases, warnings and problems; with
 * `?diff=true` also what a run would create, update, delete and fail per table (both sides read, nothing written).
 */
import type { PlanIssue, PlanSummaryJson } from '../plan/types.js';
import type { TableDiff } from '../verify/dry-run.js';
import { count } from './format.js';
import { html, type SafeHtml } from './html.js';
import { apiForm, page, type PageLinks } from './layout.js';

export interface PlanModel {
    links: PageLinks;
    spec: string;
    source: string;
    target: string;
    plan: PlanSummaryJson;
    /** With `?diff=true` (and a valid plan): the dry run. */
    diff?: { tables: Record<string, TableDiff>; stops: string[] };
}

function issues(list: readonly PlanIssue[], empty: string): SafeHtml {
    if (list.length === 0) return html`<p class="note">${empty}</p>`;
    return html`<ul class="issues">
        ${list.map((i) => html`<li>${i.path ? html`<code>${i.path}</code>: ` : ''}${i.message}</li>`)}
    </ul>`;
}

function rowsText(t: PlanSummaryJson['tiers'][number]['tables'][number]): string {
    if (t.moreThan !== undefined) return `more than ${count(t.moreThan)}`;
    if (t.rows === undefined || t.rows === null) return '—';
    return `${t.estimate ? '~' : ''}${count(t.rows)}`;
}

function tiersTable(plan: PlanSummaryJson): SafeHtml {
    const rows = plan.tiers.flatMap((tier, i) =>
        tier.tables.map(
            (t) =>
                html`<tr>
                    <td class="num">${i + 1}</td>
                    <th scope="row">${t.name}</th>
                    <td class="num">${rowsText(t)}</td>
                    <td class="num">${t.pages ?? '—'}</td>
                    <td>${t.deferred.length > 0 ? t.deferred.join(', ') : '—'}</td>
                </tr>`,
        ),
    );
    return html`<table>
        <caption>
            Tables in the order they are copied: a tier starts once the tiers before it are written
        </caption>
        <thead>
            <tr>
                <th scope="col" class="num">Tier</th>
                <th scope="col">Table</th>
                <th scope="col" class="num">Rows</th>
                <th scope="col" class="num">Pages</th>
                <th scope="col">Deferred lookups (set once every tier is copied)</th>
            </tr>
        </thead>
        <tbody>
            ${rows}
        </tbody>
    </table>`;
}

function diffTable(diff: NonNullable<PlanModel['diff']>): SafeHtml {
    return html`<table>
            <caption>
                What a run would do now, per table
            </caption>
            <thead>
                <tr>
                    <th scope="col">Table</th>
                    <th scope="col" class="num">Source rows</th>
                    <th scope="col" class="num">Target rows</th>
                    <th scope="col" class="num">Create</th>
                    <th scope="col" class="num">Update</th>
                    <th scope="col" class="num">Unchanged</th>
                    <th scope="col" class="num">Delete</th>
                    <th scope="col" class="num">Fail</th>
                </tr>
            </thead>
            <tbody>
                ${Object.entries(diff.tables).map(
                    ([name, d]) =>
                        html`<tr>
                            <th scope="row">${name}</th>
                            <td class="num">${count(d.source)}</td>
                            <td class="num">${count(d.target)}</td>
                            <td class="num">${count(d.create)}</td>
                            <td class="num">${count(d.update)}</td>
                            <td class="num">${count(d.unchanged)}</td>
                            <td class="num">${count(d.delete)}</td>
                            <td class="num">${count(d.fail)}</td>
                        </tr>`,
                )}
            </tbody>
        </table>
        ${
            diff.stops.length > 0
                ? html`<p>The run would stop:</p>
                      <ul class="issues">
                          ${diff.stops.map((s) => html`<li>${s}</li>`)}
                      </ul>`
                : ''
        }`;
}

export function planPage(model: PlanModel): string {
    const { plan, links } = model;
    const base = `${links.pages}specs/${encodeURIComponent(model.spec)}/plan`;
    const manyToMany =
        plan.manyToMany.length === 0
            ? ''
            : html`<h2 id="many-to-many">Many-to-many relationships</h2>
                  <ul>
                      ${plan.manyToMany.map(
                          (m) =>
                              html`<li>
                                  <code>${m.name}</code>
                                  (${m.tables.join(' ↔ ')})${m.deleteMissing ? ', pairs the source lacks are removed' : ''}
                              </li>`,
                      )}
                  </ul>`;
    const valid = plan.problems.length === 0;
    return page({
        title: `Plan of ${model.spec}`,
        links,
        main: html`<h1>Plan of <code>${model.spec}</code></h1>
            <dl class="facts">
                <dt>Source</dt>
                <dd>${model.source}</dd>
                <dt>Target</dt>
                <dd>${model.target}</dd>
                <dt>Valid</dt>
                <dd>${valid ? 'yes' : `no: ${plan.problems.length} problems`}</dd>
            </dl>
            <div class="actions">
                ${
                    model.diff
                        ? html`<a href="${base}">Hide what would change</a>`
                        : valid
                          ? html`<a href="${base}?diff=true">Show what a run would change (reads both environments)</a>`
                          : ''
                }
                ${valid ? apiForm({ url: `${links.api}/migrations`, body: { spec: model.spec }, label: 'Start a run', then: 'run', name: `Start ${model.spec}` }) : ''}
            </div>
            ${
                plan.problems.length > 0
                    ? html`<h2 id="problems">Problems</h2>
                          ${issues(plan.problems, '')}`
                    : ''
            }
            <h2 id="tiers">Tiers</h2>
            ${tiersTable(plan)}
            ${
                model.diff
                    ? html`<h2 id="changes">What would change</h2>
                          ${diffTable(model.diff)}`
                    : ''
            }
            ${manyToMany}
            <h2 id="deletes">Delete phases</h2>
            ${plan.deletes.length > 0 ? html`<p>Rows the source no longer has are deleted from: ${plan.deletes.join(', ')}</p>` : html`<p class="note">No table deletes rows.</p>`}
            <h2 id="warnings">Warnings</h2>
            ${issues(
                plan.warnings.filter((w) => !w.routine),
                'No warnings.',
            )}
            ${plan.warnings.some((w) => w.routine) ? html`<p class="note">${plan.warnings.filter((w) => w.routine).length} routine warnings (platform-maintained columns not copied) are in the API's answer.</p>` : ''}`,
    });
}
