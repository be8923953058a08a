/**
 * Runs tasks one after another per key (a document path) and concurrently across keys: how a store
 * keeps the appends and writes of one process to one document from overlapping.
 */

export class KeyedQueue {
    private readonly tails = new Map<string, Promise<unknown>>();

    run<T>(key: string, task: () => Promise<T>): Promise<T> {
        const previous = this.tails.get(key) ?? Promise.resolve();
        // A failed task must not stop the ones queued behind it.
        const result = previous.then(task, task);
        const tail = result.catch(() => undefined);
        this.tails.set(key, tail);
        void tail.then(() => {
            if (this.tails.get(key) === tail) this.tails.delete(key);
        });
        return result;
    }
}
