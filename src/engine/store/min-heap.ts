/**
 * A binary min-heap of (time, seq) pairs: the in-memory store's index of when each message becomes
 * visible. Entries are never updated in place; a changed message gets a new entry and stale ones are
 * skipped when popped.
 */
export class MinHeap {
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];

  get size(): number {
    return this.times.length;
  }

  push(time: number, seq: number): void {
    let i = this.times.length;
    this.times.push(time);
    this.seqs.push(seq);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The smallest entry's time, if any. */
  peekTime(): number | undefined {
    return this.times[0];
  }

  peekSeq(): number | undefined {
    return this.seqs[0];
  }

  pop(): void {
    const last = this.times.length - 1;
    if (last < 0) return;
    this.swap(0, last);
    this.times.pop();
    this.seqs.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < this.times.length && this.less(l, m)) m = l;
      if (r < this.times.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }

  private less(a: number, b: number): boolean {
    return this.times[a]! < this.times[b]! || (this.times[a] === this.times[b] && this.seqs[a]! < this.seqs[b]!);
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b]!, this.times[a]!];
    [this.seqs[a], this.seqs[b]] = [this.seqs[b]!, this.seqs[a]!];
  }
}
