/**
 * Fires schedules from the engine clock (EventBridge rules, UTC, SCH-*): each due fire time enqueues a
 * scheduled event for every target function. A rule's rate() starts when the engine first sees it
 * (SCH-03); missed fires after downtime are caught up, at most a few per schedule.
 */
import { nextFireTime, parseScheduleExpression, type ScheduleExpression } from '../model/schedule-expression.js';
import { scheduledEvent } from './aws-events.js';
import type { Delivery } from './delivery.js';
import type { EngineStore as Store } from './store/types.js';
import type { Topology } from './topology.js';
import type { EngineEvent } from './engine.js';

const MAX_CATCH_UP = 10;

/** The engine's schedule firing. */
export class SchedulerClock {
  private readonly parsed = new Map<string, ScheduleExpression>();

  constructor(private readonly topology: Topology, private readonly store: Store, private readonly delivery: Delivery) {
    for (const [name, s] of topology.schedules) {
      const r = parseScheduleExpression(s.expression, 'rule');
      if (r.ok && s.targets.length) this.parsed.set(name, r.expression);
    }
  }

  /** Fire every schedule due at or before `now`. */
  fireDue(now: number, emit: (e: EngineEvent) => void): void {
    if (this.parsed.size === 0) return;
    this.store.transaction(() => {
      for (const [name, expression] of this.parsed) {
        const s = this.topology.schedules.get(name)!;
        const state = this.store.schedule(name, now);
        let last = state.lastFiredAt ?? state.startedAt;
        for (let fired = 0; ; fired++) {
          const next = nextFireTime(expression, new Date(last), new Date(state.startedAt));
          if (!next || next.getTime() > now) break;
          if (fired >= MAX_CATCH_UP) {
            // Far behind (the engine was stopped): skip to now rather than replay every missed tick.
            last = now;
            break;
          }
          for (const target of s.targets) this.delivery.invokeAsync(target, scheduledEvent(name, next.getTime(), s.detail), now);
          emit({ type: 'schedule', schedule: name, time: next.toISOString() });
          last = next.getTime();
        }
        if (last !== (state.lastFiredAt ?? state.startedAt)) this.store.scheduleFired(name, state.startedAt, last);
      }
    });
  }

  /** The earliest fire time after `now`, if any schedule will fire again. */
  nextFireAfter(now: number): number | undefined {
    let best: number | undefined;
    for (const [name, expression] of this.parsed) {
      const state = this.store.schedule(name, now);
      const next = nextFireTime(expression, new Date(Math.max(now - 1, state.lastFiredAt ?? state.startedAt)), new Date(state.startedAt));
      if (next && (best === undefined || next.getTime() < best)) best = next.getTime();
    }
    return best;
  }
}
