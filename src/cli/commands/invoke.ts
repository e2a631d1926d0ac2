/**
 * `sluice invoke <fn> [entry] [--event FILE | --object BUCKET/KEY | --message BODY]`: run one function
 * once on a sample event, as `sam local invoke -e` does, and print what it did (its outputs, logs and
 * timing). The rest of the pipeline does not run: nothing is taken from its queues, and its outputs
 * are shown, not delivered, unless --deliver. On an AWS stage it invokes the deployed function, which
 * writes its outputs itself, so --deliver is required there. The work is the Stage's (`invoke`).
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { action, parseAttributes } from '../common.js';
import { emit } from '../output.js';
import { formatInvocation } from '../render.js';
import { onStage, withStageOptions, type StageOptions } from '../stage.js';
import { InputError } from '../../model/errors.js';
import type { InvocationReport, InvokeInput } from '../../stage/index.js';

interface InvokeCliOptions extends StageOptions {
  event?: string;
  object?: string;
  message?: string;
  from?: string;
  attribute?: string[];
  deliver?: boolean;
}

/**
 * Register `sluice invoke`.
 * @example sluice invoke copy --object raw/orders.csv
 */
export function registerInvoke(program: Command): void {
  withStageOptions(program.command('invoke <fn> [entry]'), { entry: false })
    .description("run one function once on a sample event and print its outputs, logs and timing, without running the rest of the pipeline (outputs are shown, not delivered, unless --deliver)")
    .option('--entry <file>', 'the pipeline file (default: ./pipeline.ts)')
    .option('--event <file>', 'a JSON file holding the event, in any shape the function takes (S3, SQS, SNS, EventBridge)')
    .option('--object <bucket/key>', 'the S3 event for an object already in a bucket upstream of the function')
    .option('--message <body>', 'the SQS or SNS event for one message (text, typically JSON) sent to the queue or topic feeding the function')
    .option('--from <node>', 'with --message: the queue or topic upstream it is sent to, when several feed the function')
    .option('--attribute <name=value>', 'with --message: a message attribute (repeatable); numbers become Number attributes', (v: string, all: string[] = []) => [...all, v])
    .option('--deliver', 'deliver the outputs as a real invocation would: objects written, messages sent, for the pipeline to process (required on an AWS stage)')
    .addHelpText('after', `
The event for --object or --message is built as AWS would deliver it along the edges between: the S3
event, inside an SQS message or an SNS notification when a queue or topic stands between, SNS's
notification in a queue without raw delivery. Locally the step runs in a worker thread with its timeout,
config and secrets; nothing is taken from its queues, no counter moves, and without --deliver its
outputs are only printed (writes it makes through ctx.table() are real). Beside a running 'sluice dev',
--deliver hands the outputs to it. On an AWS stage (--stage dev) the deployed function is invoked
through the Lambda API and writes its outputs itself: --deliver says you mean it; the result, its error
and the tail of its log are printed. Exit 1 when the invocation failed.`)
    .action(action(async (fn: string, entryArg: string | undefined, options: InvokeCliOptions) => {
      const input = invokeInput(options);
      await onStage(options, async (stage) => {
        const report = await stage.invoke(fn, input, { deliver: options.deliver === true });
        emit(options, { stage: stage.name, ...forJson(report) }, () => formatInvocation(report, stage));
        if (!report.ok) process.exitCode = 1;
      }, entryArg, { handlers: true });
    }));
}

/** The one input the options give: an event file, an object, or a message. */
function invokeInput(options: InvokeCliOptions): InvokeInput {
  const given = (['event', 'object', 'message'] as const).filter((o) => options[o] !== undefined);
  if (given.length !== 1) {
    throw new InputError('SLUICE_E_INVOKE_INPUT', `sluice invoke needs one event: give exactly one of --event FILE (a JSON event), --object BUCKET/KEY or --message BODY (given ${given.length ? given.map((o) => `--${o}`).join(' and ') : 'none'})`, { field: given.join(' ') || 'event', expected: '--event | --object | --message' });
  }
  if (options.message === undefined && (options.from !== undefined || options.attribute !== undefined)) {
    throw new InputError('SLUICE_E_INVOKE_INPUT', `--from and --attribute describe a message: use them with --message BODY (given with --${given[0]})`, { field: options.from !== undefined ? '--from' : '--attribute' });
  }
  if (options.message !== undefined) {
    return { message: { body: options.message, attributes: parseAttributes(options.attribute), ...(options.from !== undefined ? { from: options.from } : {}) } };
  }
  if (options.object !== undefined) {
    const slash = options.object.indexOf('/');
    if (slash <= 0 || slash === options.object.length - 1) throw new InputError('SLUICE_E_INVOKE_INPUT', `--object takes BUCKET/KEY, the bucket's name then the object's key (given '${options.object}'), e.g. --object raw/orders.csv`, { field: '--object', given: options.object, expected: 'BUCKET/KEY' });
    return { object: { bucket: options.object.slice(0, slash), key: options.object.slice(slash + 1) } };
  }
  let text: string;
  try {
    text = readFileSync(options.event!, 'utf8');
  } catch {
    throw new InputError('SLUICE_E_INVOKE_INPUT', `--event file '${options.event}' cannot be read; give the path of a JSON file holding the event`, { field: '--event', given: options.event });
  }
  try {
    return { event: JSON.parse(text) as unknown };
  } catch (error) {
    throw new InputError('SLUICE_E_INVOKE_INPUT', `--event file '${options.event}' is not JSON (${(error as Error).message}); give a file holding the event as JSON, e.g. one of AWS's sample events`, { field: '--event', given: options.event });
  }
}

/** The report as JSON: each object's body as text, or base64 when it is not UTF-8. */
function forJson(report: InvocationReport): Record<string, unknown> {
  return {
    ...report,
    ...(report.outputs ? { outputs: report.outputs.map((o) => {
      if (o.type !== 'object') return o;
      const { body, ...rest } = o;
      const text = body.toString('utf8');
      return Buffer.from(text, 'utf8').equals(body) ? { ...rest, body: text } : { ...rest, bodyBase64: body.toString('base64') };
    }) } : {}),
  };
}
