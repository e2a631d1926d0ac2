/**
 * `component`, `source` and `sink`: the three kinds of step (Pylon's PipelineComponent,
 * SourceComponent and SinkComponent). Each wraps a function of one input and `ctx`; the framework does
 * all I/O, so the same file runs on the local engine and on Lambda.
 */
import type { HandlerDescriptor, StepFunction } from './types.js';

/** Marks handler descriptors; `Symbol.for` so separately bundled copies of the runtime agree. */
export const HANDLER = Symbol.for('sluice.handler');

function describe(role: HandlerDescriptor['role'], step: StepFunction): HandlerDescriptor {
  if (typeof step !== 'function') throw new TypeError(`${role}() takes a function (input, ctx) => outputs (given ${typeof step})`);
  return Object.freeze({ [HANDLER]: true as const, role, step });
}

/**
 * A step that turns each input into outputs: objects written to the buckets downstream, messages sent
 * to the queues and topics downstream.
 * @example
 * export default component(async (input, ctx) => [ctx.object(input.kind === 'object' ? input.key : 'out', await ctx.body(input))]);
 */
export function component(step: StepFunction): HandlerDescriptor {
  return describe('component', step);
}

/**
 * A step that starts data flowing, typically on a schedule: it ingests from outside and returns outputs.
 * @example export default source(async (tick, ctx) => ctx.message({ url: 'https://example.com/feed' }));
 */
export function source(step: StepFunction): HandlerDescriptor {
  return describe('source', step);
}

/**
 * A step at the end of a flow: it consumes inputs (writing to tables, say) and returns nothing.
 * @example export default sink(async (input, ctx) => { await ctx.table('seen').put({ id: (input as any).id }); });
 */
export function sink(step: StepFunction): HandlerDescriptor {
  return describe('sink', step);
}

/** Whether a value is a handler descriptor. */
export function isHandlerDescriptor(value: unknown): value is HandlerDescriptor {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[HANDLER] === true;
}
