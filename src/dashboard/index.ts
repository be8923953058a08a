/** The run dashboard's pages as pure functions of what the API reads: models in, HTML out. */
export { DASHBOARD_CSS, DASHBOARD_ICON, DASHBOARD_JS } from './assets.js';
export { errorPage } from './error-page.js';
export { homePage, type HomeModel } from './home-page.js';
export { escapeHtml, html, SafeHtml } from './html.js';
export type { PageLinks } from './layout.js';
export { planPage, type PlanModel } from './plan-page.js';
export { runPage, type RunModel } from './run-page.js';
