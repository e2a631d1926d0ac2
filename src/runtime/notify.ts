/**
 * `ctx.notify(subject, text)`: an email to the people of a notify node the step sends to. It is a
 * message routed to that node's SNS topic with a Subject, so it goes wherever messages go (Publish on
 * AWS, the outbox locally) and is checked here, where the step makes it, against SNS's rules for the
 * subject and the size of a message.
 */
import { InputError } from '../model/errors.js';
import type { StepBindings } from './bindings.js';
import type { MessageOutput, NotifyOptions } from './types.js';

/** SNS's Subject: "less than 100 characters long" (Publish API). */
export const NOTIFY_SUBJECT_MAX = 99;

/** SNS's largest message: 256 KiB of UTF-8 (Publish API). */
export const NOTIFY_TEXT_MAX_BYTES = 262_144;

// SNS's Subject takes "no line breaks or control characters" (C0, DEL and C1).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why a subject breaks SNS's rule, or undefined when it does not. */
export function subjectProblem(subject: unknown): string | undefined {
  if (typeof subject !== 'string' || subject.trim().length === 0) return `the subject must be non-empty text (given ${JSON.stringify(subject)})`;
  if ([...subject].length > NOTIFY_SUBJECT_MAX) return `the subject is ${[...subject].length} characters long; SNS takes at most ${NOTIFY_SUBJECT_MAX}`;
  const control = CONTROL.exec(subject);
  if (control) return `the subject holds a ${control[0] === '\n' || control[0] === '\r' ? 'line break' : 'control character'} (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}), which SNS refuses; keep it to one line and put the rest in the text`;
  return undefined;
}

/**
 * The `ctx.notify` of a step: checks the subject, the text and the target, and returns the message
 * routed to the notify node.
 */
export function notifyBuilder(bindings: StepBindings): (subject: string, text: string, options?: NotifyOptions) => MessageOutput {
  const fnName = `function '${bindings.node}'`;
  const targets = bindings.notifications ?? [];
  return (subject, text, options = {}) => {
    const problem = subjectProblem(subject);
    const fail = (field: string, message: string, given?: unknown) => new InputError('SLUICE_E_NOTIFY_MESSAGE', `${fnName}: ctx.notify(): ${message}`, { node: bindings.node, field, ...(given !== undefined ? { given } : {}) });
    if (problem) throw fail('subject', problem, subject);
    if (typeof text !== 'string' || text.length === 0) throw fail('text', `the text must be non-empty text (given ${JSON.stringify(text)?.slice(0, 80)})`, typeof text);
    const bytes = Buffer.byteLength(text);
    if (bytes > NOTIFY_TEXT_MAX_BYTES) throw fail('text', `the text is ${bytes} bytes; an SNS message holds at most ${NOTIFY_TEXT_MAX_BYTES}: send a summary and write the rest to a bucket`, bytes);
    return { type: 'message', body: text, subject, attributes: {}, to: targetOf(bindings, fnName, targets, options.to) };
  };
}

/** The notify node an email goes to: the one named, or the only one the step sends to. */
function targetOf(bindings: StepBindings, fnName: string, targets: string[], to: string | undefined): string {
  const fail = (message: string) => new InputError('SLUICE_E_NOTIFY_TARGET', `${fnName}: ctx.notify(): ${message}`, { node: bindings.node, field: 'to', ...(to !== undefined ? { given: to } : {}), ...(targets.length ? { expected: targets.join(' | ') } : {}) });
  if (to !== undefined) {
    if (targets.includes(to)) return to;
    const kind = bindings.pipelineNodes?.[to];
    if (kind === 'notify' || (kind === undefined && !bindings.pipelineNodes)) throw fail(`it does not send to notify '${to}'; declare ${bindings.node}.to(${to})`);
    throw fail(`${kind === undefined ? `no node of pipeline '${bindings.pipeline}' is named '${to}'` : `'${to}' is a ${kind}, not a notify node`}; ${targets.length ? `it sends to ${targets.map((t) => `notify '${t}'`).join(', ')}` : `declare one: ${bindings.node}.to(notify('alerts', { email: ['ops@example.org'] }))`}`);
  }
  if (targets.length === 1) return targets[0]!;
  if (targets.length === 0) throw fail(`it sends to no notify node; declare one downstream: ${bindings.node}.to(notify('alerts', { email: ['ops@example.org'] }))`);
  throw fail(`it sends to ${targets.length} notify nodes (${targets.join(', ')}); name one: ctx.notify(subject, text, { to: '${targets[0]}' })`);
}
