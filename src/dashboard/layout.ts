/**
 * The page shell every page shares: landmarks (a skip link, header with navigation, main, footer), the stylesheet
 * and the script from the dashboard's own origin (nothing from a CDN), and for live pages a refresh that also works
 * without JavaScript (a meta refresh inside noscript; the script instead swaps the live region in place).
 */
import { html, type SafeHtml } from './html.js';

export interface PageLinks {
    /** URL path of the pages' root, ending in `/` (`/` under serve, `/api/dashboard/` in the Functions app). */
    pages: string;
    /** Absolute URL of the JSON API, without a trailing `/`. */
    api: string;
}

export interface PageShell {
    title: string;
    links: PageLinks;
    main: SafeHtml;
    /** The page changes while it is open (a run in progress): refresh it. */
    live?: boolean;
}

/** Seconds between refreshes of a live page without JavaScript. */
const NOSCRIPT_REFRESH_S = 5;

export function page(shell: PageShell): string {
    const { pages } = shell.links;
    return html`<!doctype html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <title>${shell.title} · dataverse-migrate</title>
                <link rel="stylesheet" href="${pages}assets/dashboard.css" />
                <link rel="icon" href="${pages}assets/icon.svg" type="image/svg+xml" />
                <script src="${pages}assets/dashboard.js" defer></script>
                ${shell.live ? html`<noscript><meta http-equiv="refresh" content="${NOSCRIPT_REFRESH_S}" /></noscript>` : ''}
            </head>
            <body data-pages="${pages}">
                <a class="skip" href="#main">Skip to content</a>
                <header>
                    <nav aria-label="Dashboard">
                        <a href="${pages}" class="brand">dataverse-migrate</a>
                        <a href="${pages}#specs">Specs</a>
                        <a href="${pages}#runs">Runs</a>
                    </nav>
                </header>
                <main id="main" tabindex="-1">${shell.main}</main>
                <footer>
                    <p>
                        Everything here is also at <a href="${shell.links.api}/migrations">${shell.links.api}</a> as
                        JSON.
                    </p>
                </footer>
            </body>
        </html> `.text;
}

/** A form that calls the JSON API with its script: hidden until the script shows it, so it never posts a form body. */
export function apiForm(options: {
    url: string;
    body: Record<string, unknown>;
    label: string;
    /** `run`: go to the run the answer names; `refresh`: stay and refresh. */
    then: 'run' | 'refresh';
    fields?: SafeHtml;
    name: string;
}): SafeHtml {
    return html`<form
        class="api-action"
        hidden
        data-api-url="${options.url}"
        data-api-body="${JSON.stringify(options.body)}"
        data-then="${options.then}"
        aria-label="${options.name}"
    >
        ${options.fields}<button type="submit">${options.label}</button>
        <output aria-live="polite"></output>
    </form>`;
}
