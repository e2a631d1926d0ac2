/**
 * Transactions for the in-memory store: every mutation records how to undo itself; a transaction or
 * savepoint that throws runs its undo steps in reverse, so the in-memory engine has the same
 * all-or-nothing commits as SQLite.
 */
export class UndoLog {
  private readonly frames: Array<Array<() => void>> = [];

  /** Whether a transaction is open. */
  get active(): boolean {
    return this.frames.length > 0;
  }

  /** Record how to undo a mutation just made (no-op outside a transaction: nothing to roll back to). */
  record(undo: () => void): void {
    this.frames[this.frames.length - 1]?.push(undo);
  }

  /** Run `fn` in a new frame; on throw undo the frame's mutations, on success fold it into the parent. */
  run<T>(fn: () => T): T {
    this.frames.push([]);
    try {
      const result = fn();
      const frame = this.frames.pop()!;
      this.frames[this.frames.length - 1]?.push(...frame);
      return result;
    } catch (error) {
      const frame = this.frames.pop()!;
      for (let i = frame.length - 1; i >= 0; i--) frame[i]!();
      throw error;
    }
  }
}
