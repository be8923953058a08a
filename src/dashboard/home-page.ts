/**
 * `/`: the stored specs with their status (and why, when they failed or need credentials), schedule and next run,
 * each with its plan and a start button; then the run history, newest first, with status, duration and rows.
 */
import type { RunIndexEntry } from '../runlog/types.js';
import type { StoredSpecView } from '../schedule/index.js';
import { count, duration, statusBadge, time } from './format.js';
import { html, type SafeHtml } from './html.js';
import { apiForm, page, type PageLinks } from './layout.js';

export interface HomeModel {
    links: PageLinks;
    specs: readonly StoredSpecView[];
    /** Newest first. */
    runs: readonly RunIndexEntry[];
    /** More runs than shown: the API's history pages on. */
    moreRuns: boolean;
}

const runHref = (links: PageLinks, runId: string) => `${links.pages}runs/${encodeURIComponent(runId)}`;

function specStatus(links: PageLinks, spec: StoredSpecView): SafeHtml {
    const failed =
        spec.failedRows && spec.lastRunId
            ? html`<a class="detail" href="${runHref(links, spec.lastRunId)}#failed-rows"
                  >${count(spec.failedRows)} failed rows</a
              >`
            : '';
    return html`${statusBadge(spec.status)}${failed}${spec.statusDetail ? html`<span class="detail">${spec.statusDetail}</span>` : ''}`;
}

function specRow(links: PageLinks, spec: StoredSpecView): SafeHtml {
    const next = spec.schedule === undefined ? '—' : spec.nextRunAt === null ? 'never again' : time(spec.nextRunAt);
    const lastRun = spec.lastRunId
        ? html`<a href="${runHref(links, spec.lastRunId)}">${time(spec.lastRunAt)}</a>`
        : html`—`;
    const start = apiForm({
        url: `${links.api}/migrations`,
        body: { spec: spec.name },
        label: 'Start',
        then: 'run',
        name: `Start ${spec.name}`,
    });
    return html`<tr>
        <th scope="row">${spec.name}</th>
        <td>${specStatus(links, spec)}</td>
        <td>${spec.schedule !== undefined ? html`<code>${spec.schedule}</code>` : 'on request'}</td>
        <td>${next}</td>
        <td>${lastRun}</td>
        <td>
            <div class="actions">
                <a href="${links.pages}specs/${encodeURIComponent(spec.name)}/plan" aria-label="Plan of ${spec.name}"
                    >Plan</a
                >${start}
            </div>
        </td>
    </tr>`;
}

function runRow(links: PageLinks, run: RunIndexEntry): SafeHtml {
    return html`<tr>
        <th scope="row"><a href="${runHref(links, run.runId)}">${run.runId}</a></th>
        <td>${run.spec}</td>
        <td>${statusBadge(run.status)}</td>
        <td>${run.trigger ?? '—'}</td>
        <td>${time(run.startedAt)}</td>
        <td class="num">${run.durationMs !== undefined ? duration(run.durationMs) : '—'}</td>
        <td class="num">${run.readRows !== undefined ? count(run.readRows) : '—'}</td>
        <td class="num">${run.writtenRows !== undefined ? count(run.writtenRows) : '—'}</td>
        <td class="num">${run.failedRows !== undefined ? count(run.failedRows) : '—'}</td>
    </tr>`;
}

export function homePage(model: HomeModel): string {
    const { links } = model;
    const specs =
        model.specs.length === 0
            ? html`<p class="note">
                  No stored specs yet: put one with <code>PUT ${links.api}/specs/&lt;name&gt;</code>.
              </p>`
            : html`<table>
                      <caption>
                          Stored specs: status of the last run, schedule (NCRONTAB, UTC) and next run
                      </caption>
                      <thead>
                          <tr>
                              <th scope="col">Spec</th>
                              <th scope="col">Status</th>
                              <th scope="col">Schedule</th>
                              <th scope="col">Next run</th>
                              <th scope="col">Last run</th>
                              <th scope="col">Actions</th>
                          </tr>
                      </thead>
                      <tbody>
                          ${model.specs.map((s) => specRow(links, s))}
                      </tbody>
                  </table>
                  <noscript
                      ><p class="note">
                          Starting a spec needs JavaScript here, or <code>POST ${links.api}/migrations</code> with
                          <code>{"spec": "&lt;name&gt;"}</code>.
                      </p></noscript
                  >`;
    const runs =
        model.runs.length === 0
            ? html`<p class="note">No runs yet.</p>`
            : html`<table>
                  <caption>
                      Runs, newest
                      first${model.moreRuns ? html` (the latest ${model.runs.length}; <a href="${links.api}/migrations">the API</a> pages through the rest)` : ''}
                  </caption>
                  <thead>
                      <tr>
                          <th scope="col">Run</th>
                          <th scope="col">Spec</th>
                          <th scope="col">Status</th>
                          <th scope="col">Trigger</th>
                          <th scope="col">Started</th>
                          <th scope="col" class="num">Duration</th>
                          <th scope="col" class="num">Rows read</th>
                          <th scope="col" class="num">Written</th>
                          <th scope="col" class="num">Failed</th>
                      </tr>
                  </thead>
                  <tbody>
                      ${model.runs.map((r) => runRow(links, r))}
                  </tbody>
              </table>`;
    return page({
        title: 'Migrations',
        links,
        main: html`<h1>Migrations</h1>
            <section aria-labelledby="specs">
                <h2 id="specs">Stored specs</h2>
                ${specs}
            </section>
            <section aria-labelledby="runs">
                <h2 id="runs">Run history</h2>
                ${runs}
            </section>`,
    });
}
