/**
 * Test endpoints for a simulator in another process (not gated, as the other `/_sim/*` ones):
 * `POST /_sim/customization-lock` with `{"hold": "EntityCustomization"|"Publish"|"PublishAll"|"Import"}` holds the
 * customization lock (204) until `{"release": true}` (204); `POST /_sim/complete-key-indexes` ends every alternate key
 * index job (204).
 */
import { z } from 'zod';
import type { SimResponse } from '../http-types.js';
import { jsonResponse } from '../http-types.js';
import type { HeldLock } from './customization-lock.js';
import type { MetadataWrites } from './metadata-writes.js';

const lockRequest = z.union([
    z.object({ hold: z.enum(['EntityCustomization', 'Publish', 'PublishAll', 'Import']) }).strict(),
    z.object({ release: z.literal(true) }).strict(),
]);

export class MetadataSimEndpoints {
    private held: HeldLock | undefined;

    constructor(private readonly writes: MetadataWrites) {}

    handle(method: string, path: string, body: string): SimResponse | undefined {
        if (method !== 'POST') return undefined;
        if (path === '/_sim/complete-key-indexes') {
            this.writes.keyJobs.completeAll();
            return { status: 204, headers: {} };
        }
        if (path !== '/_sim/customization-lock') return undefined;
        let parsed: z.infer<typeof lockRequest>;
        try {
            parsed = lockRequest.parse(JSON.parse(body || '{}'));
        } catch {
            return jsonResponse(400, {
                error: {
                    code: 'sim',
                    message:
                        'customization-lock: the body must be {"hold":"EntityCustomization"|"Publish"|"PublishAll"|"Import"} or {"release":true}',
                },
            });
        }
        this.held?.release();
        this.held = 'hold' in parsed ? this.writes.lock.hold(parsed.hold) : undefined;
        return { status: 204, headers: {} };
    }
}
