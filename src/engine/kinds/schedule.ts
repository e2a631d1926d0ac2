/**
 * `schedule` on the local engine: fired from the engine clock (EventBridge rules, UTC, SCH-*), each
 * due fire time delivering a scheduled event to every target. A rule's rate() starts when the engine
 * first sees it (SCH-03); missed fires after downtime are caught up, at most a few per schedule.
 */
import type { Schedule } from '../../model/schedule.js';
import { nextFireTime, parseScheduleExpression, type ScheduleExpression } from '../../model/schedule-expression.js';
import { scheduledEvent } from '../aws-events.js';
import type { KindEngine, RuntimeBase } from '../kind.js';

const MAX_CATCH_UP = 10;

/** A schedule as the engine runs it. */
export interface ScheduleRuntime extends RuntimeBase<Schedule> {
  /** The parsed expression; undefined when it does not parse (validation reports it). */
  readonly expression: ScheduleExpression | undefined;
  readonly detail: Record<string, unknown>;
  readonly targets: string[];
}

export const scheduleEngine: KindEngine<Schedule, ScheduleRuntime> = {
  runtime(node) {
    const parsed = parseScheduleExpression(node.props.expression, 'rule');
    return { node, expression: parsed.ok ? parsed.expression : undefined, detail: node.props.detail ?? {}, targets: [] };
  },

  connect(from, edge) {
    from.targets.push(edge.to.name);
  },

  receive: null,

  tick(rt, { store, delivery, now }, emit) {
    if (!rt.expression || rt.targets.length === 0) return;
    const name = rt.node.name;
    const state = store.schedule(name, now);
    let last = state.lastFiredAt ?? state.startedAt;
    for (let fired = 0; ; fired++) {
      const next = nextFireTime(rt.expression, new Date(last), new Date(state.startedAt));
      if (!next || next.getTime() > now) break;
      if (fired >= MAX_CATCH_UP) {
        // Far behind (the engine was stopped): skip to now rather than replay every missed tick.
        last = now;
        break;
      }
      for (const target of rt.targets) delivery.deliver(target, { type: 'scheduled', event: scheduledEvent(name, next.getTime(), rt.detail) }, now);
      emit({ type: 'schedule', schedule: name, time: next.toISOString() });
      last = next.getTime();
    }
    if (last !== (state.lastFiredAt ?? state.startedAt)) store.scheduleFired(name, state.startedAt, last);
  },

  nextDue(rt, store, now) {
    if (!rt.expression || rt.targets.length === 0) return undefined;
    const state = store.schedule(rt.node.name, now);
    return nextFireTime(rt.expression, new Date(Math.max(now - 1, state.lastFiredAt ?? state.startedAt)), new Date(state.startedAt))?.getTime();
  },

  dispatch: null,
  deadLetters: null,
  watch: null,
  counts: null,
};
