/**
 * The dashboard's stylesheet and script, served from its own origin (no CDN, no build step). The script is small and
 * optional: it shows the action forms and sends them to the JSON API as JSON (the API takes JSON only), and on a live
 * page fetches the page again every few seconds and swaps its live region, so focus and scroll stay where they are.
 * Colors keep text at a contrast of at least 4.5:1 on their backgrounds (WCAG 2.2 AA); statuses are words, never
 * color alone; focus is always visible.
 */

export const DASHBOARD_CSS = `
:root { color-scheme: light; --fg: #1b1b1b; --muted: #4a4a4a; --line: #c8c8c8; --link: #0b5cad; --bg: #ffffff; --band: #f3f5f7; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, main:focus-visible { outline: 3px solid #1a4f8b; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
.skip:focus { left: .5rem; }
header { background: #14324f; }
header nav { display: flex; gap: 1.5rem; padding: .75rem 1.5rem; max-width: 80rem; margin: 0 auto; }
header a { color: #ffffff; text-decoration: none; }
header a:hover { text-decoration: underline; }
header .brand { font-weight: 700; }
main { display: block; max-width: 80rem; margin: 0 auto; padding: 1rem 1.5rem 2rem; }
footer { max-width: 80rem; margin: 0 auto; padding: 0 1.5rem 2rem; color: var(--muted); font-size: .875rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
caption { text-align: left; color: var(--muted); padding: .25rem 0; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.message { overflow-wrap: anywhere; max-width: 40rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.status { display: inline-block; padding: 0 .5rem; border-radius: .75rem; font-size: .875rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.status-succeeded { color: #116329; background: #eaf6ee; }
.status-failed, .status-invalid { color: #a40e26; background: #fdecee; }
.status-credentials-required { color: #7a4100; background: #fff4e0; }
.status-in-progress, .status-running, .status-pending { color: #0b4f99; background: #e8f1fb; }
.status-cancelled, .status-never-run, .status-unknown { color: #444444; background: #f1f1f1; }
.detail { display: block; color: var(--muted); font-size: .875rem; overflow-wrap: anywhere; }
form.api-action { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: 0; }
form.api-action[hidden] { display: none; }
button { font: inherit; padding: .25rem .9rem; border: 1px solid #14324f; border-radius: .25rem; background: #14324f; color: #ffffff; cursor: pointer; }
button:disabled { opacity: .7; cursor: progress; }
button.danger { background: #a40e26; border-color: #a40e26; }
input { font: inherit; padding: .2rem .4rem; border: 1px solid #6b6b6b; border-radius: .25rem; }
label { color: var(--muted); }
output { color: var(--muted); }
output.problem { color: #a40e26; }
.actions { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
.note { color: var(--muted); }
ul.issues { padding-left: 1.25rem; }
`;

/** The tab's icon (so browsers do not ask for /favicon.ico, which only the API's 404 would answer). */
export const DASHBOARD_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#14324f"/><path d="M4 8h8M9 5l3 3-3 3" stroke="#fff" stroke-width="2" fill="none"/></svg>`;

export const DASHBOARD_JS = `'use strict';
(function () {
    var pages = document.body.getAttribute('data-pages') || '/';

    function say(output, text, problem) {
        output.textContent = text;
        output.className = problem ? 'problem' : '';
    }

    function bind(form) {
        form.hidden = false;
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            var output = form.querySelector('output');
            var button = form.querySelector('button[type=submit]');
            var body = JSON.parse(form.getAttribute('data-api-body') || '{}');
            form.querySelectorAll('input[name]').forEach(function (input) {
                if (input.value !== '') body[input.name] = input.value;
            });
            button.disabled = true;
            say(output, 'Sending…', false);
            fetch(form.getAttribute('data-api-url'), {
                method: 'POST',
                credentials: 'same-origin',
                headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
                body: JSON.stringify(body),
            })
                .then(function (response) {
                    return response.json().catch(function () { return {}; }).then(function (json) {
                        if (!response.ok) {
                            say(output, response.status + ' ' + (json.error || '') + ': ' + (json.message || response.statusText), true);
                            return;
                        }
                        if (form.getAttribute('data-then') === 'run' && json.id) {
                            location.assign(pages + 'runs/' + encodeURIComponent(json.id));
                            return;
                        }
                        say(output, json.message || 'Done', false);
                        refresh();
                    });
                })
                .catch(function (error) { say(output, 'The request failed: ' + error.message, true); })
                .finally(function () { button.disabled = false; });
        });
    }

    document.querySelectorAll('form.api-action').forEach(bind);

    var timer;
    function refresh() {
        var live = document.getElementById('live');
        if (!live) return Promise.resolve();
        return fetch(location.href, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/html' } })
            .then(function (response) { return response.ok ? response.text() : undefined; })
            .then(function (text) {
                if (text === undefined) return;
                var next = new DOMParser().parseFromString(text, 'text/html');
                var region = next.getElementById('live');
                if (!region) return;
                if (region.getAttribute('data-live') === 'true') {
                    document.getElementById('live').replaceWith(document.importNode(region, true));
                    return;
                }
                // Finished: the whole page changes once (the summary, no cancel) and polling stops.
                clearInterval(timer);
                document.querySelector('main').replaceWith(document.importNode(next.querySelector('main'), true));
                document.title = next.title;
                document.querySelectorAll('form.api-action').forEach(bind);
            })
            .catch(function () { /* the next tick tries again */ });
    }

    var live = document.getElementById('live');
    if (live && live.getAttribute('data-live') === 'true')
        timer = setInterval(refresh, Number(live.getAttribute('data-poll-ms')) || 2000);
})();
`;
