import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fakeValue } from '../../src/masking/fake-values.js';
import { maskValue } from '../../src/masking/mask-value.js';
import { maskRow, partyAddressRule } from '../../src/masking/masked-source.js';
import { createEnvironmentClients, CredentialProblemsError } from '../../src/environments/index.js';
import { buildPlan } from '../../src/plan/build.js';
import { validateSpec, type MaskRule } from '../../src/spec/index.js';
import { attr, crmTables, environment, spec, table } from './plan-fixture.js';

const SALT = 'a-salt-of-sixteen-chars';
const email: MaskRule = { rule: 'fake', kind: 'email' };

describe('maskValue', () => {
    it('gives the same mask for the same value and salt, another for another salt, never the source', () => {
        const masked = maskValue(email, 'Ana.Silva@contoso.com', SALT);
        expect(masked).toBe(maskValue(email, 'ana.silva@contoso.com ', SALT));
        expect(masked).not.toBe(maskValue(email, 'ana.silva@contoso.com', 'another-salt-of-16-chars'));
        expect(masked).not.toContain('contoso');
        expect(masked).toMatch(/^[a-z]+\.[a-z]+\.[0-9a-f]{16}@example\.com$/);
    });

    it('makes a fake value of each kind, text of the same length, unique fakes apart', () => {
        expect(maskValue({ rule: 'fake', kind: 'phone' }, '+44 20 7946 0000', SALT)).toMatch(/^\+1 555 \d{3} \d{4}$/);
        expect(maskValue({ rule: 'fake', kind: 'postcode' }, 'SW1A 1AA', SALT)).toMatch(/^\d{5}$/);
        expect(maskValue({ rule: 'fake', kind: 'text' }, 'x'.repeat(37), SALT)).toHaveLength(37);
        const name = { rule: 'fake', kind: 'name', unique: true } as const;
        expect(maskValue(name, 'Ana Silva', SALT)).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ [0-9a-f]{16}$/);
        expect(maskValue(name, 'Ana Silva', SALT)).not.toBe(maskValue(name, 'Ana Silvb', SALT));
    });

    it('keeps dates, numbers and hashes within what the rule says; null stays null, fixed fills', () => {
        const shifted = maskValue({ rule: 'dateShift', minDays: 1, maxDays: 3 }, '2020-01-10', SALT) as string;
        expect(['2020-01-11', '2020-01-12', '2020-01-13']).toContain(shifted);
        const instant = maskValue({ rule: 'dateShift', minDays: -2, maxDays: -2 }, '2020-01-10T08:00:00Z', SALT);
        expect(instant).toBe('2020-01-08T08:00:00Z');
        const number = maskValue({ rule: 'numberRange', min: 10, max: 20, decimals: 1 }, 123456, SALT) as number;
        expect(number).toBeGreaterThanOrEqual(10);
        expect(number).toBeLessThanOrEqual(20);
        expect(Math.round(number * 10)).toBe(number * 10);
        expect(maskValue({ rule: 'hash', length: 20 }, 'x', SALT)).toMatch(/^[0-9a-f]{20}$/);
        expect(maskValue(email, null, SALT)).toBeNull();
        expect(maskValue({ rule: 'fixed', value: 'n/a' }, null, SALT)).toBe('n/a');
        expect(maskValue({ rule: 'null' }, 'x', SALT)).toBeNull();
    });
});

describe('maskRow', () => {
    it('replaces masked columns and drops their annotations, which may carry the original', () => {
        const row = {
            contactid: '1',
            emailaddress1: 'ana@contoso.com',
            'emailaddress1@OData.Community.Display.V1.FormattedValue': 'ana@contoso.com',
            lastname: 'Silva',
        };
        const masked = maskRow(row, { emailaddress1: email }, SALT);
        expect(Object.keys(masked)).toEqual(['contactid', 'emailaddress1', 'lastname']);
        expect(JSON.stringify(masked)).not.toContain('contoso');
    });

    it("masks the addresses of an activity's parties as the e-mail rule masks the contact's", () => {
        const rule = partyAddressRule({ contact: { emailaddress1: email, lastname: { rule: 'null' } } });
        expect(rule).toBe(email);
        const contact = maskRow({ emailaddress1: 'ana@contoso.com' }, { emailaddress1: email }, SALT);
        const activity = maskRow(
            {
                activityid: 'a',
                email_activity_parties: [{ addressused: 'ana@contoso.com', participationtypemask: 2 }],
            },
            {},
            SALT,
            rule,
        );
        expect(activity.email_activity_parties).toEqual([
            { addressused: contact.emailaddress1, participationtypemask: 2 },
        ]);
        expect(partyAddressRule({ contact: { lastname: { rule: 'null' } } })).toBeUndefined();
    });
});

describe('the masking section of a spec', () => {
    const base = {
        name: 'm',
        source: { url: 'http://127.0.0.1:1' },
        target: { url: 'http://127.0.0.1:2' },
        tables: [{ name: 'contact' }],
    };
    it('names every problem by its path', () => {
        const result = validateSpec({
            ...base,
            masking: {
                saltSetting: 'a salt value!',
                tables: {
                    contact: {
                        emailaddress1: { rule: 'fake', kind: 'mail' },
                        birthdate: { rule: 'dateShift', minDays: 5, maxDays: 1 },
                    },
                    lead: { emailaddress1: { rule: 'hash' } },
                },
            },
        });
        expect(result.ok).toBe(false);
        const paths = !result.ok ? result.problems.map((p) => p.path) : [];
        expect(paths).toEqual(
            expect.arrayContaining([
                'masking.saltSetting',
                'masking.tables.contact.emailaddress1.kind',
                'masking.tables.contact.birthdate.minDays',
                'masking.tables.lead',
            ]),
        );
    });
});

describe('the plan of a masked spec', () => {
    const person = table('contact', {
        attributes: [
            attr('firstname', 'String', { maxLength: 50 }),
            attr('emailaddress1', 'String', { maxLength: 100 }),
            attr('telephone1', 'String', { maxLength: 50 }),
            attr('birthdate', 'DateTime'),
            attr('numberofchildren', 'Integer'),
            attr('donotemail', 'Boolean'),
            attr('jobtitle', 'String', { maxLength: 10 }),
        ],
        keys: [
            {
                logicalName: 'phone_key',
                schemaName: 'PhoneKey',
                keyAttributes: ['telephone1'],
                entityKeyIndexStatus: 'Active',
            },
        ],
    });
    const tables = () => [...crmTables().filter((t) => t.logicalName !== 'contact'), person];
    const plan = (masking: object) =>
        buildPlan(
            spec({ tables: [{ name: 'contact' }], masking } as Parameters<typeof spec>[0]),
            environment('http://127.0.0.1:1', tables()),
            environment('http://127.0.0.1:2', tables()),
        );

    it('refuses a rule on a missing column, of the wrong type, or that would make a key collide', () => {
        const built = plan({
            saltSetting: 'SALT',
            tables: {
                contact: {
                    emailadress1: email,
                    numberofchildren: email,
                    telephone1: { rule: 'fake', kind: 'phone' },
                    jobtitle: { rule: 'fake', kind: 'company' },
                },
            },
        });
        expect(built.problems.map((p) => [p.path, p.message])).toEqual([
            [
                'masking.tables.contact.emailadress1',
                "column 'emailadress1' does not exist in source table 'contact' (did you mean 'emailaddress1'?)",
            ],
            [
                'masking.tables.contact.numberofchildren',
                "a fake email rule cannot mask 'numberofchildren', a Integer column (it takes String, Memo)",
            ],
            [
                'masking.tables.contact.jobtitle',
                "a fake company rule can write 21 characters; 'jobtitle' holds at most 10",
            ],
            [
                'masking.tables.contact.telephone1',
                "'telephone1' is part of alternate key 'phone_key': a fake phone rule would give different rows one key; use hash, fake email, or a fake rule with unique: true",
            ],
        ]);
    });

    it('warns of every unmasked personal column, and refuses them under requireAll', () => {
        const rules = { contact: { telephone1: { rule: 'hash' } } };
        const warned = plan({ saltSetting: 'SALT', tables: rules });
        expect(warned.problems).toEqual([]);
        const warning = warned.warnings.find((w) => w.message.startsWith('personal data'));
        expect(warning?.columns).toEqual(['birthdate', 'emailaddress1', 'firstname']);
        const required = plan({ saltSetting: 'SALT', requireAll: true, tables: rules });
        expect(required.problems.map((p) => p.columns)).toEqual([['birthdate', 'emailaddress1', 'firstname']]);
    });
});

describe('a fake drawn from a word list', () => {
    it('never equals the value it hides, even where the first draw would', () => {
        // A salt whose first draw for 'Ana' is 'Ana' itself (the digest as mask-value.ts makes it).
        const firstDraw = (salt: string) =>
            fakeValue('firstName', createHmac('sha256', salt).update('firstName\u0000Ana').digest(), 3);
        let i = 0;
        while (firstDraw(`salt-of-sixteen-${i}`) !== 'Ana') i++;
        expect(maskValue({ rule: 'fake', kind: 'firstName' }, 'Ana', `salt-of-sixteen-${i}`)).not.toBe('Ana');
    });
});

describe('the masking salt', () => {
    const masked = () =>
        spec({
            tables: [{ name: 'contact' }],
            masking: { saltSetting: 'MY_SALT', tables: { contact: { lastname: { rule: 'hash' } } } },
        });
    const problems = (env: NodeJS.ProcessEnv) => {
        try {
            createEnvironmentClients(masked(), { env, userAgent: 'test' });
            return [];
        } catch (error) {
            if (!(error instanceof CredentialProblemsError)) throw error;
            return error.problems;
        }
    };

    it('is read from the setting the spec names, reported by its path when unset or short, never shown', () => {
        expect(problems({})).toEqual([
            { path: 'masking.saltSetting', message: 'the setting MY_SALT that holds the masking salt is not set' },
        ]);
        const short = problems({ MY_SALT: 'tiny-salt' });
        expect(short.map((p) => p.path)).toEqual(['masking.saltSetting']);
        expect(JSON.stringify(short)).not.toContain('tiny-salt');
        expect(problems({ MY_SALT: 'a-salt-of-sixteen-chars' })).toEqual([]);
    });
});
