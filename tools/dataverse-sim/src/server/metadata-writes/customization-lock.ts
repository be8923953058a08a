/**
 * The environment's customization lock: "In the platform, we only allow one solution operation at a time. Concurrent
 * request for different solution operations results in this error until the first operation is completed ... Waiting
 * is the only resolution." (SupportArticles-docs, "Concurrent solution operation failures",
 * `Microsoft.Crm.ObjectModel.CustomizationLockException`). The messages are the Web service error codes list's
 * CustomizationLockEx_BothKnownSame ("Cannot start another [{0}] because there is a previous [{1}] running at this
 * moment. Use Solution History for more details.") and CustomizationLockEx_BothKnownDifferent ("Cannot start the
 * requested operation [{0}] because there is another [{1}] running at this moment. ...").
 * [inferred] Status 429 and code `0x80071151`: what public clients capture from the Web API for a metadata write
 * during another one (the list gives these messages `0x8004F063` / `0x8004F064`); no Retry-After header.
 *
 * Held two ways: `hold(operation)` (a test's long-running operation until `release()`), or the configured contention,
 * where each metadata write that succeeds keeps the lock for the next `refusalsAfterWrite` metadata writes.
 */
import { SimError } from '../../errors.js';

export const CUSTOMIZATION_LOCK_CODE = '0x80071151';

/** The operation names the service puts in the lock message. */
export type CustomizationOperation = 'EntityCustomization' | 'Publish' | 'PublishAll' | 'Import';

export interface HeldLock {
    release(): void;
}

export class CustomizationLock {
    private held: CustomizationOperation | undefined;
    private busyFor = 0;

    constructor(private readonly refusalsAfterWrite = 0) {}

    /** Holds the lock as a running `operation` until `release()`. */
    hold(operation: CustomizationOperation = 'EntityCustomization'): HeldLock {
        this.held = operation;
        return {
            release: () => {
                if (this.held === operation) this.held = undefined;
            },
        };
    }

    /** Refuses `operation` while another holds the lock; else lets it run (call `done` when it succeeded). */
    enter(operation: CustomizationOperation): void {
        if (this.held) throw lockError(operation, this.held);
        if (this.busyFor > 0) {
            this.busyFor--;
            throw lockError(operation, 'EntityCustomization');
        }
    }

    /** A metadata write finished: with configured contention, the next writes find it still running. */
    done(): void {
        this.busyFor = this.refusalsAfterWrite;
    }
}

function lockError(requested: CustomizationOperation, running: CustomizationOperation): SimError {
    const message =
        requested === running
            ? `Cannot start another [${requested}] because there is a previous [${running}] running at this moment. Use Solution History for more details.`
            : `Cannot start the requested operation [${requested}] because there is another [${running}] running at this moment. Use Solution History for more details.`;
    return new SimError(429, CUSTOMIZATION_LOCK_CODE, message);
}
