/** Durable timers as real waits: fire at `fireAt` by the host's clock (at once when it is past). */

/** setTimeout's largest delay; longer waits are chained. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Returns a function that cancels the timer. */
export function armTimer(fireAt: Date, clock: () => Date, fire: () => void): () => void {
    let handle: NodeJS.Timeout | undefined;
    const wait = (): void => {
        const remaining = fireAt.getTime() - clock().getTime();
        if (remaining <= 0) {
            handle = setTimeout(fire, 0);
            return;
        }
        handle = setTimeout(remaining > MAX_DELAY_MS ? wait : fire, Math.min(remaining, MAX_DELAY_MS));
    };
    wait();
    return () => clearTimeout(handle);
}
