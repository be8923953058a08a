/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), over `serve` started as a user starts
 * it, at the URL its `listening` line prints: the stored specs and a start from the keyboard; the run's page
 * updating in place while the run goes from held to finished; the two downloads; the history and a plan. No page
 * may log a console error. One browser for the file: a launch costs seconds.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from 'dataverse-sim';
import { launchChromium, startServeChild, type ServeChild } from '../../tools/dashboard/session.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;

let source: Sim;
let target: Sim;
let folder: string;
let serve: ServeChild;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
let runId: string;

beforeAll(async () => {
    [source, target] = await Promise.all([
        startSimulator({ schema: 'crm', rows: 200, seed: 11 }),
        startSimulator({ schema: 'crm', rows: 200, seed: 11, empty: true }),
    ]);
    folder = await mkdtemp(join(tmpdir(), 'dvm-dashboard-'));
    [serve, browser] = await Promise.all([startServeChild(folder), launchChromium()]);
    const put = await serve.api('/api/specs/nightly', {
        method: 'PUT',
        body: {
            name: 'nightly',
            source: { url: source.url },
            target: { url: target.url },
            tables: [{ name: 'account' }, { name: 'contact' }],
            options: { schedule: '0 0 2 * * *', pageSize: 50 },
        },
    });
    expect(put.status).toBe(201);
    const context = await browser.newContext({ acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
}, 60_000);

afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await Promise.all([source?.close(), target?.close()]);
    if (folder) await rm(folder, { recursive: true, force: true });
});

afterEach(() => {
    expect(consoleErrors).toEqual([]);
    consoleErrors.length = 0;
});

describe('the dashboard in Chromium', () => {
    it('starts a stored spec from the keyboard, and the run page updates in place until the run has finished', async () => {
        await page.goto(serve.url);
        expect(await page.locator('h1').textContent()).toBe('Migrations');
        const spec = page.locator('#specs ~ table tr', { has: page.locator('th', { hasText: 'nightly' }) });
        expect(await spec.textContent()).toContain('Never run');

        // The run's first write waits in the target, so the page is seen in progress before anything finishes.
        const held = target.holdNextWrite();
        let reached = false;
        for (let i = 0; i < 30 && !reached; i++) {
            await page.keyboard.press('Tab');
            reached = await page.evaluate(
                "document.activeElement?.tagName === 'BUTTON' && document.activeElement.closest('form')?.getAttribute('aria-label') === 'Start nightly'",
            );
        }
        expect(reached, 'Tab reaches the Start button of the spec').toBe(true);
        await page.keyboard.press('Enter');
        await page.waitForURL(/\/runs\/nightly-\d{8}-\d{6}-[0-9a-f]{4}$/);
        runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
        await held.arrived;
        expect(await page.locator('#live').getAttribute('data-live')).toBe('true');
        expect(await page.locator('#live [role=status]').textContent()).toMatch(/Pending|In progress/);
        expect(await page.getByRole('button', { name: 'Cancel run' }).isVisible()).toBe(true);

        // A marker that a reload would lose: the page must change in place.
        await page.evaluate('window.stayed = true');
        held.commit();
        await page.locator('#summary-title').waitFor({ timeout: 60_000 });
        expect(await page.evaluate('window.stayed')).toBe(true);
        expect(await page.locator('#live').getAttribute('data-live')).toBe('false');
        expect(await page.locator('#live').textContent()).toContain('Succeeded');
        expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
    });

    it('downloads the events log and the failed rows CSV from the run page', async () => {
        const [log] = await Promise.all([
            page.waitForEvent('download'),
            page.getByRole('link', { name: /events log/ }).click(),
        ]);
        expect(log.suggestedFilename()).toBe(`${runId}-events.jsonl`);
        const lines = (await readFile(await log.path(), 'utf8')).trimEnd().split('\n');
        expect(lines.length).toBeGreaterThan(2);
        for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();

        const [errors] = await Promise.all([
            page.waitForEvent('download'),
            page.getByRole('link', { name: /failed rows/ }).click(),
        ]);
        expect(errors.suggestedFilename()).toBe(`${runId}-errors.csv`);
        expect(await readFile(await errors.path(), 'utf8')).toMatch(/^\uFEFFtable,source_id,phase,/);
    });

    it('lists the run in the history, and opens the plan of the spec', async () => {
        await page.goto(serve.url);
        const run = page.locator('#runs ~ table tr', { has: page.locator(`a[href$="${runId}"]`) });
        expect(await run.textContent()).toContain('Succeeded');
        const spec = page.locator('#specs ~ table tr', { has: page.locator('th', { hasText: 'nightly' }) });
        expect(await spec.textContent()).toContain('Succeeded');
        await page.getByRole('link', { name: 'Plan of nightly' }).click();
        expect(await page.locator('h1').textContent()).toBe('Plan of nightly');
        const tiers = await page.locator('#tiers + table').textContent();
        expect(tiers).toContain('account');
        expect(tiers).toContain('contact');
    });
});
