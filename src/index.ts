/**
 * sluice: typed AWS data pipelines. Declare nodes, wire them with `.to()`, collect them with
 * `pipeline()`; run them with `sluice run` or `localPipeline()`, synthesize and deploy them to AWS.
 *
 * @example
 * import { bucket, fn, pipeline } from 'sluice';
 * const raw = bucket('raw');
 * const copy = fn('copy', { handler: './handlers/copy.ts' });
 * const curated = bucket('curated');
 * export default pipeline('three-node-pipe', [raw.to(copy).to(curated)]);
 */
export { bucket, Bucket, BUCKET_FORMATS, type BucketProps, type BucketFormat } from './model/bucket.js';
export { fn, Fn, type FnProps } from './model/fn.js';
export { queue, Queue, type QueueProps } from './model/queue.js';
export { topic, Topic, type TopicProps } from './model/topic.js';
export { table, Table, type TableProps, type KeyAttribute } from './model/table.js';
export { schedule, Schedule, type ScheduleProps } from './model/schedule.js';
export { job, Job, type JobProps, type JobRetry } from './model/job.js';
export { glueJob, GlueJob, type GlueJobProps, type GlueWorkerType } from './model/glue-job.js';
export { flow, Flow, flowLevels, type FlowProps, type FlowStep } from './model/flow.js';
export { route, Route, RouteTable, type RouteProps, type RoutedPipelineProps, type RoutePattern, type RouteHit, type RouteMiss } from './model/route.js';
export { comprehend, Comprehend, type ComprehendProps, type ComprehendLanguage, type ComprehendFeature } from './model/comprehend.js';
export { notify, dlqOf, Notify, type NotifyProps, type DeadLettersOf } from './model/notify.js';
export { pipeline, Pipeline, type PipelineProps } from './model/pipeline.js';
export type { Rate, Size, ExpectedObjects, ExpectedMessages, ExpectedStep, ExpectedItems } from './model/expected.js';
export { Node, Path, type Edge, type EdgeOptions, type Kind, type AnyNode } from './model/node.js';
export type { EdgeOptionsOf, TargetKind } from './model/edge-types.js';
export { SluiceError, PipelineValidationError, PermissionDeniedError, InputError, InternalError, type Problem, type ErrorDetails } from './model/errors.js';
export { ERROR_CODES, type ErrorCode, type ErrorArea } from './model/error-codes.js';
export { EnvelopeError } from './envelope/errors.js';
export { StepStartError } from './runtime/step-start-error.js';
export { EnvironmentError } from './runtime/aws/environment-error.js';
export { SynthError } from './cloud/synth/errors.js';
export { DeployError } from './cloud/deploy/errors.js';
export { AwsImportError } from './cloud/import/errors.js';
export { BranchError } from './branch/errors.js';
export { grantsOf, type Grant } from './model/permissions.js';
export type { Duration } from './model/duration.js';
export { secret, isSecretRef, type SecretRef } from './model/secret.js';
export type { ConfigValue } from './model/fn.js';
export { dataAssetWriter, type DataAssetWriterProps } from './runtime/steps/data-asset-writer.js';
