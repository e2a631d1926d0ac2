/**
 * The engine's clock. Tests use a manual clock they advance; `sluice run` uses the system clock plus
 * an offset it can skip forward over waits (retry back-off, visibility timeouts), persisted so every
 * process on the same state agrees on the time.
 */

/** Milliseconds since the epoch, as the engine sees them. */
export interface Clock {
  now(): number;
}

/** The system clock shifted by an offset that only grows. */
export class SystemClock implements Clock {
  constructor(public offsetMs = 0) {}
  now(): number {
    return Date.now() + this.offsetMs;
  }
  /** Jump forward to `time` (never backward). */
  skipTo(time: number): void {
    const ahead = time - this.now();
    if (ahead > 0) this.offsetMs += ahead;
  }
}

/** A clock that moves only when told; for unit tests. */
export class ManualClock implements Clock {
  constructor(private time = Date.now()) {}
  now(): number {
    return this.time;
  }
  /** Set the time; it never goes backward. */
  set(time: number): void {
    if (time > this.time) this.time = time;
  }
}
