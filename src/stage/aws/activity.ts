/**
 * A deployed function's recent invocations, read from its CloudWatch log group: Lambda writes
 * `START RequestId: ...`, the function's own lines, and `REPORT RequestId: ... Duration: X ms` per
 * invocation (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html); an invocation whose
 * lines hold an `ERROR` or a `Task timed out` is a failure.
 */
import type { AwsSession } from '../../cloud/deploy/aws.js';
import { readLogs, type LogLine } from '../../cloud/deploy/logs.js';
import type { NodeActivity, RecentInvocation } from '../stage.js';
import { percentiles } from '../timings.js';

const REQUEST_ID = /RequestId: ([0-9a-f-]{8,})/i;
const REPORT_DURATION = /Duration: ([\d.]+) ms/;
// Lambda's Node.js runtime prefixes a function's own lines with `<time>\t<request id>\t<LEVEL>\t`.
const RUNTIME_LINE = /^\S+\t([0-9a-f-]{36})\t(\w+)\t/;

/** The invocations in a log group's events of the last `sinceMs`, newest first. */
export async function logActivity(aws: AwsSession, node: string, logGroup: string, options: { limit: number; sinceMs?: number; now?: number }): Promise<NodeActivity> {
  const lines: LogLine[] = [];
  await readLogs(aws, logGroup, { since: (options.now ?? Date.now()) - (options.sinceMs ?? 3_600_000), onLine: (l) => lines.push(l) });
  return activityFromLines(node, lines, options.limit);
}

/** Group Lambda log lines into invocations by request id. */
export function activityFromLines(node: string, lines: readonly LogLine[], limit: number): NodeActivity {
  const byId = new Map<string, RecentInvocation & { reported: boolean }>();
  const order: string[] = [];
  for (const line of lines) {
    const own = RUNTIME_LINE.exec(line.message);
    const id = own?.[1] ?? REQUEST_ID.exec(line.message)?.[1];
    if (!id) continue;
    let inv = byId.get(id);
    if (!inv) {
      inv = { requestId: id, at: line.time, ok: true, durationMs: 0, logs: [], reported: false };
      byId.set(id, inv);
      order.push(id);
    }
    const text = line.message.trimEnd();
    if (text.startsWith('START ') || text.startsWith('END ')) continue;
    if (text.startsWith('REPORT ')) {
      inv.reported = true;
      inv.at = line.time;
      inv.durationMs = Number(REPORT_DURATION.exec(text)?.[1] ?? 0);
      continue;
    }
    if (own?.[2] === 'ERROR' || text.includes('Task timed out')) {
      inv.ok = false;
      inv.error ??= { errorType: own?.[2] === 'ERROR' ? 'Error' : 'Timeout', errorMessage: text.replace(RUNTIME_LINE, '').slice(0, 500) };
    }
    inv.logs.push({ at: line.time, message: text.replace(RUNTIME_LINE, '') });
  }
  const invocations = order.reverse().slice(0, limit).map((id) => {
    const { reported: _reported, ...inv } = byId.get(id)!;
    return inv;
  });
  return { node, invocations, timings: percentiles(invocations.filter((i) => i.durationMs > 0).map((i) => i.durationMs)) };
}
