/**
 * Starts Azurite's Blob service (the npm devDependency, so `npm ci` is all CI needs) on a free loopback
 * port, in memory, from a temporary working folder, and stops it again. A test file that needs Blob
 * Storage calls `useAzurite()` at its top (or `startAzurite()` / `stop()` itself).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll } from 'vitest';

/** Azurite's well-known development account (public, documented; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
    /** `http://127.0.0.1:{port}/devstoreaccount1` */
    readonly blobEndpoint: string;
    /** A connection string for that endpoint, as an app setting would hold it. */
    readonly connectionString: string;
    /** A fresh client of the service. */
    serviceClient(): BlobServiceClient;
    /** Stops the process and removes its folder. */
    stop(): Promise<void>;
}

export async function startAzurite(options: { startTimeoutMs?: number } = {}): Promise<Azurite> {
    const folder = await mkdtemp(join(tmpdir(), 'azurite-'));
    const main = join(dirname(createRequire(import.meta.url).resolve('azurite/package.json')), 'dist/src/blob/main.js');
    const child = spawn(
        process.execPath,
        [
            main,
            '--blobHost',
            '127.0.0.1',
            '--blobPort',
            '0',
            '--inMemoryPersistence',
            '--extentMemoryLimit',
            '512',
            // The SDK may speak a newer service version than this Azurite release knows.
            '--skipApiVersionCheck',
            '--disableTelemetry',
            '--silent',
        ],
        { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    try {
        const port = await listeningPort(child, options.startTimeoutMs ?? 20_000);
        const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
        const connectionString = `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`;
        return {
            blobEndpoint,
            connectionString,
            serviceClient: () => BlobServiceClient.fromConnectionString(connectionString),
            stop: async () => {
                process.off('exit', killOnExit);
                await stopProcess(child);
                await rm(folder, { recursive: true, force: true });
            },
        };
    } catch (error) {
        process.off('exit', killOnExit);
        await stopProcess(child);
        await rm(folder, { recursive: true, force: true });
        throw error;
    }
}

/** Azurite prints `… successfully listens on http://127.0.0.1:PORT` once it accepts requests. */
function listeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
        let output = '';
        const timer = setTimeout(
            () => fail(new Error(`Azurite did not start within ${timeoutMs} ms:\n${output}`)),
            timeoutMs,
        );
        const onData = (chunk: Buffer) => {
            output += chunk.toString();
            const match = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
            if (match) {
                cleanup();
                // Keep draining its output so a full pipe never stalls it.
                child.stdout?.resume();
                child.stderr?.resume();
                resolve(Number(match[1]));
            }
        };
        const onExit = (code: number | null) =>
            fail(new Error(`Azurite exited (code ${code}) before listening:\n${output}`));
        const cleanup = () => {
            clearTimeout(timer);
            child.stdout?.off('data', onData);
            child.stderr?.off('data', onData);
            child.off('exit', onExit);
        };
        const fail = (error: Error) => {
            cleanup();
            reject(error);
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.once('exit', onExit);
    });
}

function stopProcess(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
            clearTimeout(force);
            resolve();
        });
        child.kill('SIGTERM');
    });
}

/** Starts Azurite before the tests of the calling file and stops it after them; call the result for it. */
export function useAzurite(): () => Azurite {
    let azurite: Azurite | undefined;
    beforeAll(async () => {
        azurite = await startAzurite();
    });
    afterAll(async () => {
        await azurite?.stop();
    });
    return () => {
        if (azurite === undefined) throw new Error('Azurite is not started yet: use it inside a test');
        return azurite;
    };
}
