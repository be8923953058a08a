/**
 * The service runs one customization at a time: a metadata write or publish that meets another is refused with
 * "Cannot start another [EntityCustomization] because there is a previous [EntityCustomization] running at this
 * moment. Use Solution History for more details." (Web service error codes: CustomizationLockEx_BothKnownSame
 * 0x8004F063, _BothKnownDifferent 0x8004F064; 0x80071151 as clients capture it from the Web API, with status 429 and
 * no Retry-After). It is no service protection limit: nothing about load, so the request loop does not treat it as
 * throttling; the metadata writer waits it out (metadata-writes.ts), as "Waiting is the only resolution" (Concurrent
 * solution operation failures).
 */
const LOCK_CODES = new Set(['0x80071151', '0x8004f063', '0x8004f064']);
const LOCK_MESSAGE = /cannot start (another|the requested operation) .*running at this moment/i;

export function isCustomizationLockAnswer(code: string | undefined, message: string): boolean {
    return LOCK_CODES.has((code ?? '').toLowerCase()) || LOCK_MESSAGE.test(message);
}
