/** The security configuration: zod-validated, every problem named by its path; the CLI reads it from a file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecurityFile, parseSecurityConfig, startSimulator } from '../src/index.js';

describe('security config', () => {
    it('names every problem with its path', () => {
        expect(() =>
            parseSecurityConfig({
                roles: { Reader: { tables: { account: { read: 'Organization', write: 'Basic' } }, extra: 1 } },
                identities: [
                    { caller: 'a', roles: ['Reader', 'Missing'] },
                    { caller: 'a', systemuserid: 'not-a-guid' },
                ],
            }),
        ).toThrow(
            [
                'Invalid security config:',
                '  - identities.1.systemuserid: must be a GUID',
                '  - roles.Reader.tables.account.read: Invalid option: expected one of "Basic"|"Local"|"Deep"|"Global"',
                '  - roles.Reader: Unrecognized key: "extra"',
            ].join('\n'),
        );
        expect(() =>
            parseSecurityConfig({ roles: {}, identities: [{ caller: 'a', roles: ['Missing'] }, { caller: 'a' }] }),
        ).toThrow(
            "Invalid security config:\n  - identities.0.roles.0: no role named 'Missing' in roles (nor 'System Administrator')\n  - identities.1.caller: listed twice",
        );
    });

    it('reads a file, naming the file in its errors', () => {
        const dir = mkdtempSync(join(tmpdir(), 'sim-security-'));
        const good = join(dir, 'good.json');
        writeFileSync(good, JSON.stringify({ identities: [{ caller: 'x', roles: ['System Administrator'] }] }));
        expect(loadSecurityFile(good).identities[0]).toMatchObject({ caller: 'x', isdisabled: false });
        const bad = join(dir, 'bad.json');
        writeFileSync(bad, JSON.stringify({ identities: 'none' }));
        expect(() => loadSecurityFile(bad)).toThrow(`Invalid security config ${bad}:\n  - identities: `);
    });

    it('refuses a business unit the environment does not have', async () => {
        await expect(
            startSimulator({ security: { identities: [{ caller: 'x', businessUnit: 'Nowhere' }] } }),
        ).rejects.toThrow("identities[caller=x].businessUnit: no business unit named or with id 'Nowhere'");
    });
});
