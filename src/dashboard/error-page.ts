/** A page that could not be shown: the status, the API's error code, its message and problems (escaped like everything). */
import { html } from './html.js';
import { page, type PageLinks } from './layout.js';

export function errorPage(
    links: PageLinks,
    status: number,
    code: string,
    message: string,
    problems: ReadonlyArray<{ path: string; message: string }> = [],
): string {
    return page({
        title: `${status} ${code}`,
        links,
        main: html`<h1>${status}: ${code}</h1>
            <p role="alert">${message}</p>
            ${
                problems.length > 0
                    ? html`<ul class="issues">
                          ${problems.map((p) => html`<li><code>${p.path}</code>: ${p.message}</li>`)}
                      </ul>`
                    : ''
            }
            <p><a href="${links.pages}">Back to the migrations</a></p>`,
    });
}
