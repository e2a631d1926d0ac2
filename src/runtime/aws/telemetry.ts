/**
 * Heartbeats, log lines and timings of a deployed step, through Powertools for AWS Lambda: Logger for
 * structured JSON lines (Pylon's `heartbeat start` on the step's first invocation, `heartbeat
 * core_process` per input processed, `ctx.log` lines, failed records), and Metrics for Pylon's
 * `timed_execution` as CloudWatch embedded metric format (EMF): `core_process` and `total` in
 * milliseconds, namespace `sluice`, dimensions pipeline, stage and node, flushed once per invocation,
 * so they become CloudWatch metrics with no metric filter. Field names are those of the local
 * engine's events (src/engine/events.ts): `type`, `name`, `fn`, `execution`, `requestId`, `ingestionId`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { LogLine } from '../context.js';
import type { ExecutionRecord } from '../invoke.js';
import type { ExecutionMode, LambdaContext } from './types.js';

/** The CloudWatch namespace of every sluice metric. */
export const METRICS_NAMESPACE = 'sluice';

// An EMF metric holds at most 100 values; Powertools flushes on its own at 100, dropping the
// metadata (request and ingestion ids) from the blobs after the first, so larger batches are split.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
const VALUES_PER_BLOB = 100;

/** What telemetry knows of the step. */
export interface TelemetryOptions {
  pipeline: string;
  stage: string;
  node: string;
  /** The function's physical name, for `function_name` when the context does not carry one (a worker). */
  functionName: string;
  mode: ExecutionMode;
}

/** A step's telemetry: one Logger and one Metrics per handler, reused across invocations. */
export interface Telemetry {
  readonly logger: Logger;
  /** Start an invocation: its context (request id, cold start) goes on every line it logs. */
  invocation(context: LambdaContext): void;
  /** Pylon's `heartbeat start`: the step started (its first invocation in this sandbox or worker). */
  heartbeatStart(): void;
  /** The invocation's `ctx.log` lines. */
  logs(lines: readonly LogLine[]): void;
  /** Records of an SQS batch that failed (their errors already have secrets removed). */
  failedRecords(requestId: string, failed: ReadonlyArray<{ recordId: string; error: unknown }>): void;
  /** The whole invocation failed (the step could not start, a non-SQS input failed, or a write failed). */
  invocationFailed(requestId: string, error: unknown): void;
  /** The executions whose outputs were written: a `heartbeat core_process` each, then their timings flushed as EMF. */
  processed(requestId: string, executions: readonly ExecutionRecord[]): void;
}

/**
 * The telemetry of one deployed step.
 * @example const telemetry = createTelemetry({ pipeline: 'p', stage: 'dev', node: 'copy', functionName: 'p-dev-copy', mode: 'run_once' });
 */
export function createTelemetry(options: TelemetryOptions): Telemetry {
  const { pipeline, stage, node, functionName, mode } = options;
  const logger = new Logger({ serviceName: pipeline || 'sluice', persistentKeys: { ...(pipeline ? { pipeline } : {}), ...(stage ? { stage } : {}) } });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, logger });
  // Powertools adds a `service` dimension by default; sluice's metrics are keyed by pipeline, stage
  // and node alone, so a dashboard finds them by the names of the pipeline.
  metrics.clearDefaultDimensions();
  const dimensions = Object.fromEntries(Object.entries({ pipeline, stage, node }).filter(([, v]) => v !== ''));
  metrics.setDefaultDimensions(dimensions);
  return {
    logger,
    invocation(context) {
      logger.addContext({
        awsRequestId: context.awsRequestId,
        functionName: context.functionName ?? functionName,
        functionVersion: context.functionVersion,
        invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB,
      } as unknown as Parameters<Logger['addContext']>[0]);
    },
    heartbeatStart() {
      logger.info('heartbeat start', { type: 'heartbeat', name: 'start', fn: node, execution: mode });
    },
    logs(lines) {
      for (const line of lines) {
        logger.info(line.message, { node: line.node, requestId: line.requestId, at: line.at, ...(line.data ? { data: line.data } : {}) });
      }
    },
    failedRecords(requestId, failed) {
      for (const f of failed) {
        const e = f.error as Error & { code?: string };
        logger.error(`record ${f.recordId} failed: ${e?.message ?? String(f.error)}`, { fn: node, requestId, record: f.recordId, ...(e?.code ? { code: e.code } : {}), error: e });
      }
    },
    invocationFailed(requestId, error) {
      const e = error as Error & { code?: string };
      logger.error(`invocation failed: ${e?.message ?? String(error)}`, { fn: node, requestId, ...(e?.code ? { code: e.code } : {}), error: e });
    },
    processed(requestId, executions) {
      for (const e of executions) {
        logger.info('heartbeat core_process', { type: 'heartbeat', name: 'core_process', fn: node, requestId, ingestionId: e.ingestionId });
      }
      for (let i = 0; i < executions.length; i += VALUES_PER_BLOB) {
        const chunk = executions.slice(i, i + VALUES_PER_BLOB);
        metrics.addMetadata('type', 'timed_execution');
        metrics.addMetadata('fn', node);
        metrics.addMetadata('requestId', requestId);
        // The ids in the order of the metric values, so a slow execution can be found in the lineage.
        // Powertools types metadata values as strings but writes any JSON value; EMF allows any.
        metrics.addMetadata('ingestionIds', chunk.map((e) => e.ingestionId) as unknown as string);
        for (const e of chunk) {
          metrics.addMetric('core_process', MetricUnit.Milliseconds, round(e.coreMs));
          metrics.addMetric('total', MetricUnit.Milliseconds, round(e.totalMs));
        }
        metrics.publishStoredMetrics();
      }
    },
  };
}

/** Milliseconds to the microsecond, as the local timing lines have them. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
