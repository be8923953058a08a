/** Observers (progress bars, logs) must not break a run: their errors are dropped. */
export function callSafely(fn: () => void): void {
    try {
        fn();
    } catch {
        // An observer's failure is not the orchestration's.
    }
}
