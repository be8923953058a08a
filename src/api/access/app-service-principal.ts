/**
 * The caller App Service authentication (Entra ID) signed in, from the headers it injects: X-MS-CLIENT-PRINCIPAL
 * (Base64 JSON of the token's claims) and X-MS-CLIENT-PRINCIPAL-NAME. "External requests aren't allowed to set
 * these headers, so they're present only if set by App Service" (learn.microsoft.com/azure/app-service/
 * configure-authentication-user-identities), which is why only the Entra-fronted routes read them.
 */
import { z } from 'zod';
import { OPERATOR_ROLE, type Caller } from './caller.js';

const clientPrincipal = z.object({
    auth_typ: z.string().optional(),
    name_typ: z.string().optional(),
    role_typ: z.string().optional(),
    claims: z.array(z.object({ typ: z.string(), val: z.string() })).default([]),
});

/** The claim types a role arrives in: Entra's `roles`, or the principal's own role type. */
const ROLE_TYPES = ['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];

function decode(header: string): z.output<typeof clientPrincipal> | undefined {
    try {
        const parsed = clientPrincipal.safeParse(JSON.parse(Buffer.from(header, 'base64').toString('utf8')));
        return parsed.success ? parsed.data : undefined;
    } catch {
        return undefined;
    }
}

/** The signed-in caller, or undefined when App Service authentication sent no principal. */
export function appServicePrincipal(headers: { get(name: string): string | null }): Caller | undefined {
    const header = headers.get('x-ms-client-principal');
    const principal = header ? decode(header) : undefined;
    const named = headers.get('x-ms-client-principal-name')?.trim();
    if (principal === undefined && !named) return undefined;
    const claims = principal?.claims ?? [];
    const claim = (...types: string[]) => claims.find((c) => types.includes(c.typ))?.val;
    const roleTypes = principal?.role_typ ? [principal.role_typ, ...ROLE_TYPES] : ROLE_TYPES;
    const roles = claims.filter((c) => roleTypes.includes(c.typ)).map((c) => c.val);
    // An application (client credentials) has no user name: its app id says who it is.
    const name =
        named ||
        claim(principal?.name_typ ?? 'name', 'preferred_username', 'name') ||
        (claim('appid', 'azp') !== undefined ? `app ${claim('appid', 'azp')}` : undefined) ||
        'an unnamed principal';
    return { name: `${name} (Entra ID)`, via: 'entra-id', roles };
}

/** The caller of a route the Functions host let in by its key: automation, with the operator's role. */
export const FUNCTION_KEY_CALLER: Caller = { name: 'function key', via: 'function-key', roles: [OPERATOR_ROLE] };
