/**
 * `sluice/runtime`: what a handler file imports. The same file runs on the local engine and on Lambda.
 *
 * @example
 * import { component } from 'sluice/runtime';
 * export default component(async (input, ctx) => [ctx.object((input as any).key, await ctx.body(input))]);
 *
 * @example
 * import { component, result } from 'sluice/runtime';
 * export default component(async (input, ctx) => result([ctx.envelope(input.envelope.body, { objectType: 'rawContent' })], { step: 'forward' }));
 *
 * @example
 * import { job } from 'sluice/runtime';
 * export default job(async (ctx) => ctx.rows.parquet.write('silver', 'orders.parquet', ctx.rows.csv.read('bronze', 'orders.csv')));
 */
export { job, isJobHandler, jobHandlerOf, createJobCtx, JOB_HANDLER } from './job.js';
export type { JobCtx, JobCtxOptions, JobGrants, JobIo, JobHandler, JobObject, JobRows, JobBody, RowFormat, WrittenObject, WrittenRows } from './job.js';
export { memoryJobIo, type MemoryJobIo } from './job-memory-io.js';
export type { CsvReadOptions, CsvWriteOptions, MalformedRow, ParquetReadOptions, ParquetWriteOptions, ParquetSchema, ParquetColumnType, RowSource } from './rows/index.js';
export { component, source, sink, result, isHandlerDescriptor } from './handler.js';
export { tableItem, TABLE_ITEM_METADATA, type TableItemRef } from './table-item.js';
export { objectType, BUILT_IN_OBJECT_TYPES } from '../envelope/object-types.js';
export { validateDataAsset, partitionsOf } from '../envelope/data-asset.js';
export { EnvelopeError } from '../envelope/errors.js';
export { StepStartError } from './config.js';
export { router, checkLocationConfig, type RouterPipeline, type RouteChoice, type RoutedCtx } from './route.js';
export type {
  Ctx, StepInput, ObjectInput, MessageInput, ScheduleInput, Output, ObjectOutput, MessageOutput,
  ObjectOptions, MessageOptions, EnvelopeOptions, TableClient, Item, Attributes, AttributeValue, StepFunction, StepOptions, StepOutcome, HandlerDescriptor,
  Envelope, DataAsset, ObjectType,
  SentimentClient, SentimentResult, SentimentScore, SentimentLabel, BatchSentimentResult, SentimentOptions,
} from './types.js';
export type { UrlResource, UpdateNotification, BuiltInObjectType, StandardSchemaV1 } from '../envelope/object-types.js';
export type { IngestionStep } from '../envelope/ingestion-step.js';
