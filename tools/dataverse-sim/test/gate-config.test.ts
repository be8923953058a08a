import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATAVERSE_LIMITS, parseLimitsConfig, resolveLimitsOption } from '../src/gate/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gate-config-'));
function file(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
}

describe('limits config', () => {
    it('resolves the presets', () => {
        expect(resolveLimitsOption('none')).toBe('none');
        expect(resolveLimitsOption('dataverse')).toMatchObject({
            windowSeconds: 300,
            maxRequestsPerWindow: 6000,
            maxExecutionMsPerWindow: 1_200_000,
            maxConcurrentRequests: 52,
        });
    });

    it('reads a full config file and a preset with overrides', () => {
        const full = { ...DATAVERSE_LIMITS, windowSeconds: 60 };
        expect(resolveLimitsOption(file('full.json', JSON.stringify(full)))).toEqual(full);
        const partial = file(
            'partial.json',
            '{"preset":"dataverse","maxConcurrentRequests":8,"serverTime":{"msPerRowWritten":2}}',
        );
        expect(resolveLimitsOption(partial)).toEqual({
            ...DATAVERSE_LIMITS,
            maxConcurrentRequests: 8,
            serverTime: { ...DATAVERSE_LIMITS.serverTime, msPerRowWritten: 2 },
        });
    });

    it('names every problem with its path', () => {
        const bad = {
            ...DATAVERSE_LIMITS,
            windowSeconds: 0,
            maxConcurrentRequests: 2.5,
            serverTime: { fixedMsPerRequest: -1 },
            typo: 1,
        };
        let message = '';
        try {
            parseLimitsConfig(bad, 'limits file x.json');
        } catch (err) {
            message = (err as Error).message;
        }
        expect(message).toMatch(/^Invalid limits file x\.json:/);
        for (const path of [
            'windowSeconds',
            'maxConcurrentRequests',
            'serverTime.fixedMsPerRequest',
            'serverTime.msPerRowRead',
            'serverTime.msPerRowWritten',
        ]) {
            expect(message).toContain(`  - ${path}: `);
        }
        expect(message).toContain('typo');
    });

    it('names the file when it is unreadable or not JSON', () => {
        expect(() => resolveLimitsOption(join(dir, 'missing.json'))).toThrow(/Cannot read .*missing\.json/);
        expect(() => resolveLimitsOption(file('broken.json', '{'))).toThrow(/broken\.json is not valid JSON/);
    });
});
