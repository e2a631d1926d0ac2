/**
 * `fn` on an AWS stage: its dead letters (Lambda's invocation records in its on-failure queue) go
 * back as an asynchronous invoke of the original event, as Lambda's own retry would send it; an
 * invoke (`sluice invoke --stage`) runs the deployed function synchronously and reads its result,
 * its error and the tail of its log from Lambda's answer.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { Fn } from '../../../model/fn.js';
import type { KindAws } from '../kind.js';
import type { FailureError } from '../../stage.js';

export const fnAws: KindAws<Fn> = {
  objects: null,
  send: null,
  messages: null,

  async redrive(ctx, node, letters) {
    const name = ctx.physical(node, 'Function');
    for (const m of letters) {
      const record = JSON.parse(m.Body ?? '{}') as { requestPayload?: unknown };
      await ctx.aws.call(`invoking function '${node.name}' again`, () => ctx.aws.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(record.requestPayload ?? {})) })));
    }
  },

  executions: null,
  subscriptions: null,
  items: null,
  depth: null,

  async invoke(ctx, node, event) {
    const name = ctx.physical(node, 'Function');
    const started = Date.now();
    // RequestResponse waits for the result; Tail returns the last 4 KB of its log with it.
    const out = await ctx.aws.call(`invoking function '${node.name}' (${name})`, () => ctx.aws.lambda.send(new InvokeCommand({
      FunctionName: name, InvocationType: 'RequestResponse', LogType: 'Tail', Payload: Buffer.from(JSON.stringify(event)),
    })));
    const wallMs = Date.now() - started;
    const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    const response = parseJson(text);
    const tail = out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : '';
    // Lambda's REPORT line: "Duration: 12.34 ms	Billed Duration: 13 ms ..."
    const reported = /(?:^|\s)Duration: ([\d.]+) ms/.exec(tail);
    const requestId = /RequestId: ([0-9a-f-]{36})/.exec(tail)?.[1] ?? out.$metadata.requestId ?? '';
    const error = out.FunctionError ? errorOf(response, out.FunctionError, text) : undefined;
    const failures = (response as { batchItemFailures?: Array<{ itemIdentifier?: string }> } | undefined)?.batchItemFailures;
    const failedRecords = Array.isArray(failures) ? failures.map((f) => ({ recordId: String(f.itemIdentifier) })) : [];
    return {
      requestId,
      ok: !error && failedRecords.length === 0,
      ...(error ? { error } : {}),
      failedRecords,
      ...(response !== undefined && !error ? { response } : {}),
      logs: tail.split('\n').filter((l) => l.trim()).map((message) => ({ message })),
      durationMs: reported ? Number(reported[1]) : wallMs,
    };
  },
};

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A function error as Lambda returns it in the payload: `{ errorType, errorMessage, trace }`. */
function errorOf(response: unknown, functionError: string, text: string): FailureError {
  const r = response as Partial<FailureError> | undefined;
  if (r && typeof r === 'object' && typeof r.errorMessage === 'string') return { errorType: r.errorType ?? functionError, errorMessage: r.errorMessage, ...(Array.isArray(r.trace) ? { trace: r.trace } : {}) };
  return { errorType: functionError, errorMessage: text };
}
