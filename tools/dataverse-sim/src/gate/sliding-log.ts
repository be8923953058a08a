/** Time-ordered (time, value) entries with a running sum, pruned from the front as the window slides. */
export class SlidingLog {
    private times: number[] = [];
    private values: number[] = [];
    private head = 0;
    private total = 0;

    push(time: number, value: number): void {
        this.times.push(time);
        this.values.push(value);
        this.total += value;
    }

    /** Drops entries at or before `cutoff` (they left the window). */
    prune(cutoff: number): void {
        while (this.head < this.times.length && (this.times[this.head] ?? Infinity) <= cutoff) {
            this.total -= this.values[this.head] ?? 0;
            this.head++;
        }
        if (this.head > 1024 && this.head * 2 > this.times.length) {
            this.times = this.times.slice(this.head);
            this.values = this.values.slice(this.head);
            this.head = 0;
        }
        if (this.head === this.times.length) this.total = 0; // no float drift when empty
    }

    get count(): number {
        return this.times.length - this.head;
    }

    get sum(): number {
        return this.total;
    }

    /** Time of the i-th live entry (0 = oldest). */
    timeAt(i: number): number {
        const t = this.times[this.head + i];
        if (t === undefined) throw new Error(`SlidingLog: no entry ${i} (count ${this.count})`);
        return t;
    }

    /** Time of the entry whose leaving brings the sum to at most `limit` (undefined if already there). */
    timeWhenSumAtMost(limit: number): number | undefined {
        let sum = this.total;
        for (let i = this.head; i < this.times.length && sum > limit; i++) {
            sum -= this.values[i] ?? 0;
            if (sum <= limit) return this.times[i];
        }
        return undefined;
    }
}
