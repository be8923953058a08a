/** A page that could not be shown: the status, the API's error code and its message (escaped like everything). */
import { html } from './html.js';
import { page, type PageLinks } from './layout.js';

export function errorPage(links: PageLinks, status: number, code: string, message: string): string {
    return page({
        title: `${status} ${code}`,
        links,
        main: html`<h1>${status}: ${code}</h1>
            <p role="alert">${message}</p>
            <p><a href="${links.pages}">Back to the migrations</a></p>`,
    });
}
