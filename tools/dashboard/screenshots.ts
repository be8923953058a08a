/**
 * `npm run screenshots`: the README's pictures of the dashboard (docs/images/dashboard-*.png), made the way a user
 * sees it: two simulators, `serve` at its listening URL, three stored specs (one that ran with a failed row, one
 * waiting for a credential, one never run), a run held in progress, and Chromium at a fixed window size.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSimulator } from 'dataverse-sim';
import { launchChromium, startServeChild } from './session.js';

const OUT = resolve('docs/images');

async function main(): Promise<void> {
    const common = { schema: 'crm' as const, rows: 600, seed: 19 };
    const [source, target] = await Promise.all([startSimulator(common), startSimulator({ ...common, empty: true })]);
    const folder = await mkdtemp(join(tmpdir(), 'dvm-screenshots-'));
    const serve = await startServeChild(folder);
    const browser = await launchChromium();
    try {
        const env = { source: { url: source.url }, target: { url: target.url } };
        const tables = [{ name: 'account' }, { name: 'contact' }];
        const put = (name: string, spec: Record<string, unknown>) =>
            serve.api(`/api/specs/${name}`, { method: 'PUT', body: { name, ...env, ...spec } });
        await put('nightly', { tables, options: { schedule: '0 0 2 * * *', pageSize: 100 } });
        await put('leads', { tables: [{ name: 'lead' }], options: { schedule: '0 30 6 * * 1-5' } });
        await put('partner-sync', {
            tables,
            source: {
                url: source.url,
                credential: {
                    type: 'clientSecret',
                    tenantId: 'contoso.onmicrosoft.com',
                    clientId: '00000000-0000-0000-0000-000000000001',
                    secretSetting: 'PARTNER_SOURCE_SECRET',
                },
            },
        });
        await serve.api('/api/migrations', { method: 'POST', body: { spec: 'partner-sync' } });

        // One account whose key value the target already has: its row fails, and rows pointing at it too.
        const accounts = source.dump('account') as Array<{ accountnumber: string | null }>;
        const taken = accounts.find((a) => a.accountnumber)?.accountnumber;
        await fetch(`${target.url}/api/data/v9.2/accounts`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ name: 'Squatter', accountnumber: taken }),
        });
        const first = (await (
            await serve.api('/api/migrations', { method: 'POST', body: { spec: 'nightly' } })
        ).json()) as {
            id: string;
        };
        await finished((path) => serve.api(path), first.id);

        await mkdir(OUT, { recursive: true });
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const shot = async (path: string, name: string) => {
            await page.goto(new URL(path, serve.origin).href);
            await page.screenshot({ path: join(OUT, name), fullPage: true });
            process.stderr.write(`docs/images/${name}\n`);
        };
        await page.goto(serve.url);
        await shot('/', 'dashboard-home.png');
        await shot(`/runs/${first.id}`, 'dashboard-run.png');
        await shot('/specs/nightly/plan', 'dashboard-plan.png');

        // A run seen while it runs: held at a write past its first pages.
        const held = target.holdNextWrite();
        const second = (await (
            await serve.api('/api/migrations', { method: 'POST', body: { spec: 'leads' } })
        ).json()) as {
            id: string;
        };
        await held.arrived;
        await shot(`/runs/${second.id}`, 'dashboard-run-live.png');
        held.commit();
        await finished((path) => serve.api(path), second.id);
    } finally {
        await browser.close();
        await serve.stop();
        await Promise.all([source.close(), target.close()]);
        await rm(folder, { recursive: true, force: true });
    }
}

async function finished(api: (path: string) => Promise<Response>, runId: string): Promise<void> {
    for (;;) {
        const view = (await (await api(`/api/migrations/${runId}`)).json()) as {
            summary?: unknown;
            runtimeStatus?: string;
        };
        if (view.summary && view.runtimeStatus !== 'Running' && view.runtimeStatus !== 'Pending') return;
        await new Promise((r) => setTimeout(r, 200));
    }
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
    },
);
