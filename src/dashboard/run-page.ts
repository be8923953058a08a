/**
 * `/runs/<id>`: one run. While it runs, a live region with the phase and per table the rows read, written, skipped
 * and failed, the rate and the time left (against the rows the run's listings planned); once finished, the summary
 * per phase. Then the first failed rows with their code and message, the downloads (events log, errors CSV) and,
 * while it runs, the cancel form.
 */
import type { RunView, TableProgress } from '../api/run-view.js';
import type { SideRequests } from '../run/outcomes.js';
import type { PlannedCounts } from '../run/planned.js';
import type { RunSummary, TableSummary } from '../run/summary.js';
import type { FailedRow } from '../runlog/failed-rows.js';
import { count, duration, LIVE_STATUSES, ratePerSecond, rateText, statusBadge, time, timeLeft } from './format.js';
import { html, type SafeHtml } from './html.js';
import { apiForm, page, type PageLinks } from './layout.js';

export interface RunModel {
    links: PageLinks;
    view: RunView;
    /** The first failed rows (all tables). */
    failed: readonly FailedRow[];
    now: Date;
    /** Milliseconds between refreshes of the live region (script). */
    pollMs?: number;
}

interface TableLine {
    name: string;
    phase: string;
    read: number;
    written: number;
    skipped: number;
    failed: number;
    planned?: PlannedCounts;
    rate?: number;
    left?: number;
}

/** The first phase a finished table did not end, or `done`. */
function finishedPhase(t: TableSummary): string {
    const open = Object.entries(t.done).find(([, done]) => done !== true)?.[0];
    return open === undefined ? 'done' : `stopped in ${open}`;
}

function runningLine(view: RunView, name: string, t: TableProgress, elapsedMs: number): TableLine {
    const planned = view.planned?.tables[name];
    const copied = planned?.complete === true && t.read >= planned.rows;
    const rate = ratePerSecond(t.read, elapsedMs);
    return {
        name,
        phase: t.read === 0 && !copied ? 'waiting' : copied ? 'copied' : (view.phase ?? 'copy'),
        read: t.read,
        written: t.written,
        skipped: Math.max(0, t.read - t.written - t.failed),
        failed: t.failed,
        ...(planned ? { planned, left: planned.complete ? planned.rows - t.read : undefined } : {}),
        ...(rate !== undefined ? { rate } : {}),
    };
}

function finishedLine(view: RunView, name: string, t: TableSummary): TableLine {
    const planned = view.planned?.tables[name];
    const rate = ratePerSecond(t.copy.read, t.ms);
    return {
        name,
        phase: finishedPhase(t),
        read: t.copy.read,
        written: t.copy.written,
        skipped: t.copy.skipped,
        failed: t.copy.failed + t.deferred.failed + t.state.failed + t.delete.failed,
        ...(planned ? { planned } : {}),
        ...(rate !== undefined ? { rate } : {}),
        left: 0,
    };
}

function tableRow(line: TableLine, live: boolean): SafeHtml {
    return html`<tr>
        <th scope="row">${line.name}</th>
        <td>${line.phase}</td>
        <td class="num">${count(line.read)}</td>
        <td class="num">${line.planned ? `${count(line.planned.rows)}${line.planned.complete ? '' : '+'}` : '—'}</td>
        <td class="num">${count(line.written)}</td>
        <td class="num">${count(line.skipped)}</td>
        <td class="num">${count(line.failed)}</td>
        <td class="num">${rateText(line.rate)}</td>
        ${live ? html`<td class="num">${timeLeft(line.left, line.rate)}</td>` : ''}
    </tr>`;
}

function progressTable(lines: readonly TableLine[], live: boolean): SafeHtml {
    if (lines.length === 0) return html`<p class="note">No table has started yet.</p>`;
    return html`<table>
        <caption>
            Per table: rows of the copy phase${live ? ' so far' : ''}; failed counts every phase
        </caption>
        <thead>
            <tr>
                <th scope="col">Table</th>
                <th scope="col">Phase</th>
                <th scope="col" class="num">Read</th>
                <th scope="col" class="num">Planned</th>
                <th scope="col" class="num">Written</th>
                <th scope="col" class="num">Skipped</th>
                <th scope="col" class="num">Failed</th>
                <th scope="col" class="num">Rate</th>
                ${live ? html`<th scope="col" class="num">Time left</th>` : ''}
            </tr>
        </thead>
        <tbody>
            ${lines.map((l) => tableRow(l, live))}
        </tbody>
    </table>`;
}

function liveRegion(model: RunModel): SafeHtml {
    const { view } = model;
    const live = LIVE_STATUSES.has(view.status);
    const started = view.startedAt ? Date.parse(view.startedAt) : NaN;
    const elapsed = Number.isNaN(started) ? 0 : model.now.getTime() - started;
    const lines = view.summary
        ? Object.entries(view.summary.tables).map(([name, t]) => finishedLine(view, name, t))
        : Object.entries(view.tables).map(([name, t]) => runningLine(view, name, t, elapsed));
    const read = lines.reduce((n, l) => n + l.read, 0);
    const planned = view.planned;
    const rate = live ? ratePerSecond(read, elapsed) : undefined;
    const where = [
        view.phase ? `phase ${view.phase}` : undefined,
        view.tier !== undefined && view.tiers !== undefined ? `tier ${view.tier} of ${view.tiers}` : undefined,
    ].filter((s): s is string => s !== undefined);
    const overall = live
        ? html`<p role="status">
              ${statusBadge(view.status)}
              ${where.join(', ')}${planned ? ` · ${count(read)} of ${count(planned.rows)}${planned.complete ? '' : '+'} rows read` : ''}
              · rate ${rateText(rate)} · time left
              ${timeLeft(planned?.complete ? planned.rows - read : undefined, rate)}${view.cancelRequested ? html` · <strong>cancel requested</strong>` : ''}
          </p>`
        : html`<p>
              ${statusBadge(view.status)}${view.reason ? html` <span class="detail">${view.reason}</span>` : ''}
          </p>`;
    return html`<section
        id="live"
        aria-labelledby="progress-title"
        data-live="${live ? 'true' : 'false'}"
        data-poll-ms="${model.pollMs ?? 2000}"
    >
        <h2 id="progress-title">${live ? 'Progress' : 'Tables'}</h2>
        ${overall} ${progressTable(lines, live)} ${failedSection(model)}
    </section>`;
}

function phasesTable(summary: RunSummary): SafeHtml {
    const phases = Object.entries(summary.phases).filter((e): e is [string, NonNullable<(typeof e)[1]>] => !!e[1]);
    return html`<table>
        <caption>
            Every phase: read = written + skipped + failed
        </caption>
        <thead>
            <tr>
                <th scope="col">Phase</th>
                <th scope="col" class="num">Read</th>
                <th scope="col" class="num">Written</th>
                <th scope="col" class="num">Skipped</th>
                <th scope="col" class="num">Failed</th>
            </tr>
        </thead>
        <tbody>
            ${phases.map(
                ([name, c]) =>
                    html`<tr>
                        <th scope="row">${name}</th>
                        <td class="num">${count(c.read)}</td>
                        <td class="num">${count(c.written)}</td>
                        <td class="num">${count(c.skipped)}</td>
                        <td class="num">${count(c.failed)}</td>
                    </tr>`,
            )}
        </tbody>
    </table>`;
}

/** Requests per table and environment (every phase, listings included), and the run's (the plan's included). */
function requestsTable(view: RunView, summary: RunSummary): SafeHtml | '' {
    if (!summary.requests) return '';
    const rows: Array<[string, SideRequests | undefined]> = [
        ...Object.entries(view.tables).map(([name, t]): [string, SideRequests | undefined] => [name, t.requests]),
        ['the run, plan included', summary.requests],
    ];
    const lines = rows.flatMap(([name, requests]) =>
        (['source', 'target'] as const).flatMap((side) => {
            const c = requests?.[side];
            return c ? [{ name, side, c }] : [];
        }),
    );
    return html`<table>
        <caption>
            Requests sent to each environment (a $batch or bulk message is one; retries and 429s included)
        </caption>
        <thead>
            <tr>
                <th scope="col">Table</th>
                <th scope="col">Environment</th>
                <th scope="col" class="num">Reads</th>
                <th scope="col" class="num">Writes</th>
                <th scope="col" class="num">Retries</th>
                <th scope="col" class="num">Throttled (429)</th>
                <th scope="col" class="num">Failed</th>
            </tr>
        </thead>
        <tbody>
            ${lines.map(
                ({ name, side, c }) =>
                    html`<tr>
                        <th scope="row">${name}</th>
                        <td>${side}</td>
                        <td class="num">${count(c.reads)}</td>
                        <td class="num">${count(c.writes)}</td>
                        <td class="num">${count(c.retries)}</td>
                        <td class="num">${count(c.throttled)}</td>
                        <td class="num">${count(c.failed)}</td>
                    </tr>`,
            )}
        </tbody>
    </table>`;
}

function summarySection(view: RunView, summary: RunSummary): SafeHtml {
    const notes = [
        ...(summary.refusedDeletes ?? []).map(
            (r) =>
                `deletes refused in ${r.table}: ${count(r.wouldDelete)} of ${count(r.targetRows)} target rows is more than ${Math.round(r.maxShare * 100)}%`,
        ),
        ...(summary.skippedDeletes ?? []).map((s) => `deletes not run in ${s.table}: ${s.reason}`),
        ...(summary.problems ?? []).map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)),
    ];
    return html`<section aria-labelledby="summary-title">
        <h2 id="summary-title">Summary</h2>
        <dl class="facts">
            <dt>Rows read</dt>
            <dd>${count(summary.totals.read)}</dd>
            <dt>Written</dt>
            <dd>${count(summary.totals.written)}</dd>
            <dt>Skipped</dt>
            <dd>${count(summary.totals.skipped)}</dd>
            <dt>Failed rows (every phase)</dt>
            <dd>${count(summary.failedRows)}</dd>
            <dt>Duration</dt>
            <dd>${duration(summary.durationMs)}</dd>
            <dt>Source</dt>
            <dd>${summary.source}</dd>
            <dt>Target</dt>
            <dd>${summary.target}</dd>
        </dl>
        ${phasesTable(summary)} ${requestsTable(view, summary)}
        ${
            notes.length > 0
                ? html`<ul class="issues">
                      ${notes.map((n) => html`<li>${n}</li>`)}
                  </ul>`
                : ''
        }
    </section>`;
}

function failedSection(model: RunModel): SafeHtml {
    const { view, failed } = model;
    const body =
        failed.length === 0
            ? html`<p class="note">No failed rows${LIVE_STATUSES.has(view.status) ? ' so far' : ''}.</p>`
            : html`<table>
                  <caption>
                      The first ${count(failed.length)} of ${count(Math.max(view.failedRows, failed.length))} failed
                      rows; the errors CSV has them all
                  </caption>
                  <thead>
                      <tr>
                          <th scope="col">Table</th>
                          <th scope="col">Source id</th>
                          <th scope="col">Phase</th>
                          <th scope="col">Status</th>
                          <th scope="col">Code</th>
                          <th scope="col">Column</th>
                          <th scope="col">Message</th>
                      </tr>
                  </thead>
                  <tbody>
                      ${failed.map(
                          (r) =>
                              html`<tr>
                                  <td>${r.table}</td>
                                  <td><code>${r.source_id}</code></td>
                                  <td>${r.phase}</td>
                                  <td>${r.status}</td>
                                  <td><code>${r.code}</code></td>
                                  <td>${r.column || '—'}</td>
                                  <td class="message">${r.message}</td>
                              </tr>`,
                      )}
                  </tbody>
              </table>`;
    return html`<section aria-labelledby="failed-rows">
        <h2 id="failed-rows">Failed rows</h2>
        ${body}
    </section>`;
}

export function runPage(model: RunModel): string {
    const { view, links } = model;
    const live = LIVE_STATUSES.has(view.status);
    const cancel = live
        ? apiForm({
              url: view.cancelUrl,
              body: {},
              label: 'Cancel run',
              then: 'refresh',
              name: 'Cancel this run',
              fields: html`<label for="cancel-reason">Reason (optional)</label>
                  <input id="cancel-reason" name="reason" maxlength="500" autocomplete="off" /> `,
          })
        : '';
    return page({
        title: `Run ${view.id}`,
        links,
        live,
        main: html`<h1>Run <code>${view.id}</code></h1>
            <dl class="facts">
                <dt>Spec</dt>
                <dd>${view.spec ?? '—'}</dd>
                <dt>Status</dt>
                <dd>${statusBadge(view.status)}</dd>
                <dt>Trigger</dt>
                <dd>${view.trigger ?? '—'}</dd>
                <dt>Started</dt>
                <dd>${time(view.startedAt)}</dd>
                <dt>Finished</dt>
                <dd>${time(view.finishedAt)}</dd>
                ${
                    view.cancelRequested
                        ? html`<dt>Cancel requested</dt>
                              <dd>
                                  ${time(view.cancelRequested.at)}${view.cancelRequested.reason ? ` (${view.cancelRequested.reason})` : ''}
                              </dd>`
                        : ''
                }
            </dl>
            <div class="actions">
                <a href="${view.logUrl}?format=jsonl" download>Download the events log (JSON lines)</a>
                <a href="${view.errorsUrl}" download>Download the failed rows (CSV)</a>
                ${cancel}
            </div>
            ${liveRegion(model)} ${view.summary ? summarySection(view, view.summary) : ''}`,
    });
}
