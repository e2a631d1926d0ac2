/**
 * `sluice/runtime`: what a handler file imports. The same file runs on the local engine and on Lambda.
 *
 * @example
 * import { component } from 'sluice/runtime';
 * export default component(async (input, ctx) => [ctx.object((input as any).key, await ctx.body(input))]);
 */
export { component, source, sink, isHandlerDescriptor } from './handler.js';
export type {
  Ctx, StepInput, ObjectInput, MessageInput, ScheduleInput, Output, ObjectOutput, MessageOutput,
  ObjectOptions, MessageOptions, TableClient, Item, Attributes, AttributeValue, StepFunction, HandlerDescriptor,
} from './types.js';
