/**
 * `logs`: a function's CloudWatch logs, from a point in time, optionally followed as they arrive
 * (polling FilterLogEvents, de-duplicated by event id: events can arrive late and out of order).
 */
import { paginateFilterLogEvents, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { durationMs } from '../../model/duration.js';
import { InputError } from '../../model/errors.js';
import type { AwsSession } from './aws.js';
import { sleep } from './changeset.js';
import { DEPLOY_CODES, DeployError, explainAwsError, isNotFound } from './errors.js';

/** One log line. */
export interface LogLine {
  time: string;
  stream: string;
  message: string;
}

/** Options of `readLogs`. */
export interface ReadLogsOptions {
  /** Epoch milliseconds to start from. */
  since: number;
  /** Keep polling for new events until `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
  /** Poll interval when following. @default 2000 */
  pollMs?: number;
  onLine: (line: LogLine) => void;
  /** Following: called once, when the events so far are printed and it starts waiting for new ones. */
  onWaiting?: (printed: number) => void;
}

/**
 * The start time for `--since`: a duration back from now (`10m`, `2h`, `1d`) or an ISO date.
 * @example sinceMs('10m', Date.now())
 */
export function sinceMs(value: string, now: number): number {
  const back = durationMs(value);
  if (back !== undefined) return now - back;
  const date = Date.parse(value);
  if (Number.isFinite(date)) return date;
  throw new InputError('SLUICE_E_SINCE', `--since takes a duration such as 10m, 2h, 1d or an ISO date (given '${value}')`);
}

/**
 * Print a log group's events from `since`; with `follow`, keep printing new ones.
 * @returns how many lines were printed.
 */
export async function readLogs(aws: AwsSession, logGroup: string, options: ReadLogsOptions): Promise<number> {
  const seen = new Set<string>();
  let start = options.since;
  let printed = 0;
  let waiting = false;
  for (;;) {
    const batch: FilteredLogEvent[] = [];
    try {
      for await (const page of paginateFilterLogEvents({ client: aws.logs }, { logGroupName: logGroup, startTime: start })) {
        if (options.signal?.aborted) return printed;
        batch.push(...(page.events ?? []));
      }
    } catch (error) {
      if (options.signal?.aborted) return printed;
      if (isNotFound(error)) throw new DeployError(DEPLOY_CODES.notDeployed, `log group '${logGroup}' does not exist; is the stage deployed? (sluice status --stage ...)`);
      throw explainAwsError(error, `reading log group '${logGroup}'`, aws);
    }
    batch.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    for (const e of batch) {
      const id = e.eventId ?? `${e.timestamp}:${e.logStreamName}:${e.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      options.onLine({ time: new Date(e.timestamp ?? 0).toISOString(), stream: e.logStreamName ?? '', message: (e.message ?? '').replace(/\n$/, '') });
      printed++;
      // Late events may still come with the same timestamp: re-read from it, de-duplicated.
      start = Math.max(start, e.timestamp ?? start);
    }
    if (!options.follow || options.signal?.aborted) return printed;
    if (!waiting) {
      waiting = true;
      options.onWaiting?.(printed);
    }
    await sleep(options.pollMs ?? 2000);
    if (options.signal?.aborted) return printed;
  }
}
