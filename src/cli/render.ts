/**
 * How results read for people, one rendering per kind of result whatever the stage: dead letters,
 * object listings, stage status (with notify nodes' email subscriptions), an invocation.
 */
import pc from 'picocolors';
import type { DeadLetter, InvocationReport, InvokedOutput, NodeStatus, ObjectInfo, StageStatus } from '../stage/index.js';
import { table } from './output.js';

/** A node's dead letters: each with why and when it failed, its last error, and what it carried. */
export function formatDeadLetters(node: string, letters: DeadLetter[], label: string): string {
  if (letters.length === 0) return `'${node}' has no dead letters${label}`;
  return letters.map((l) => {
    const headline = l.condition
      ? `${pc.red('✗')} ${l.id} ${l.condition} after ${l.attempts} attempt(s)${l.failedAt ? ` at ${l.failedAt}` : ''}`
      : `${pc.red('✗')} ${l.id} received ${l.attempts} time(s), sent ${l.sentAt}`;
    const error = l.error ? `${l.error.errorType}: ${l.error.errorMessage}` : 'no error recorded';
    const carried = l.event !== undefined ? JSON.stringify(l.event) : l.body;
    return `${headline}\n    ${error}\n    ${pc.dim(carried.slice(0, 200))}`;
  }).join('\n');
}

/** A bucket listing: time, size and key per object. */
export function formatObjects(bucket: string, prefix: string | undefined, objects: ObjectInfo[]): string {
  if (objects.length === 0) return `bucket '${bucket}' has no objects${prefix ? ` under '${prefix}'` : ''}`;
  return table(objects.map((o) => [o.lastModified.slice(0, 19).replace('T', ' '), o.size, displayKey(o.key)]));
}

// Characters a terminal acts on instead of showing: C0 and C1 controls, DEL, line and paragraph
// separators, and the bidirectional overrides that make text display in another order than it reads.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, 'g');
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0', '\x1b': '\\e' };

/**
 * An object key as a terminal can show it: as is, or, when it holds characters a terminal would act on
 * (escape sequences, newlines, NUL), quoted with each such character escaped, as `ls` does
 * (`"a\nb"`, `"\e[31mred"`). `--json` prints keys exactly.
 * @example displayKey('reports/q3 summary.txt') // 'reports/q3 summary.txt'
 */
export function displayKey(key: string): string {
  if (!UNPRINTABLE.test(key)) return key;
  const escaped = key.replace(/["\\]/g, '\\$&').replace(UNPRINTABLE_ALL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped}"`;
}

/** A stage's status: where it is, then each node with its resources, messages and dead letters. */
export function formatStatus(s: StageStatus): string {
  if (!s.deployed) return `${pc.bold(s.stack?.name ?? s.pipeline)} is not deployed (${s.where}); deploy it with: sluice deploy --stage ${s.stage}`;
  const rows: Array<Array<string | number>> = [];
  for (const n of s.nodes) {
    const messages = n.queue ? `${n.queue.visible} waiting, ${n.queue.inFlight} in flight` : n.objects !== undefined ? `${n.objects} object(s)` : heldByNotify(n);
    const dead = n.deadLetters === undefined ? '' : n.deadLetters > 0 ? pc.red(`${n.deadLetters} dead`) : '0 dead';
    const resources = n.resources?.length ? n.resources : [{ part: '', physicalId: '' }];
    // Each figure on the row of the part that holds it: a queue's depth beside its Queue, its dead
    // letters beside its Dlq (one row for all when the stage lists no resources, as locally).
    const rowOf = (part: string | undefined) => Math.max(0, resources.findIndex((r) => r.part === part));
    const messagesRow = rowOf(n.holding?.messages);
    const deadRow = rowOf(n.holding?.deadLetters);
    resources.forEach((r, i) => rows.push([i === 0 ? n.node : '', i === 0 ? n.kind : '', r.part, r.physicalId ?? pc.dim('(none)'), i === messagesRow ? messages : '', i === deadRow ? dead : '']));
  }
  const status = s.stack?.status;
  const colour = !status ? pc.green : status.endsWith('_COMPLETE') && !status.includes('ROLLBACK') ? pc.green : status.endsWith('_IN_PROGRESS') ? pc.yellow : pc.red;
  const headline = s.stack
    ? `${pc.bold(s.stack.name)} ${colour(status ?? '')} ${pc.dim(`updated ${s.stack.updatedAt} · account ${s.stack.account} · ${s.stack.region}`)}${s.stack.reason ? `\n  ${s.stack.reason}` : ''}`
    : `${pc.bold(s.pipeline)} ${pc.dim(`stage ${s.stage} · ${s.where}`)}`;
  return [headline, table(rows, ['node', 'kind', 'resource', 'physical id', 'messages', 'dlq']), ...subscriptionsSection(s.nodes)].join('\n');
}

/** A notify node's figure: the emails its local outbox holds, or how many of its addresses are subscribed on AWS. */
function heldByNotify(n: NodeStatus): string {
  if (n.emails !== undefined) return `${n.emails} email(s) in outbox`;
  if (!n.subscriptions) return '';
  const count = (state: string) => n.subscriptions!.filter((s) => s.state === state).length;
  const [pending, missing] = [count('pending'), count('missing')];
  const active = n.subscriptions.length - missing;
  if (active === 0) return pc.yellow(`no email subscription${missing ? `, ${missing} missing` : ''}`);
  const subscribed = `${active} email subscription(s)`;
  const notes = [pending ? `${pending} pending` : '', missing ? `${missing} missing` : ''].filter(Boolean);
  return notes.length ? pc.yellow(`${subscribed}, ${notes.join(', ')}`) : subscribed;
}

/**
 * Each email subscription of the stage's notify nodes and its state, after the table; when one is
 * pending, what its recipient has to do, since SNS sends nothing to that address until then; when a
 * notify node has none left, how to subscribe an address again.
 */
function subscriptionsSection(nodes: NodeStatus[]): string[] {
  const notify = nodes.filter((n) => n.subscriptions);
  if (notify.length === 0) return [];
  const all = notify.flatMap((n) => n.subscriptions!.map((s) => ({ node: n.node, ...s })));
  const stateText = { confirmed: `${pc.green('✓')} confirmed`, pending: pc.yellow('! pending confirmation'), missing: pc.yellow('! not subscribed') };
  const rows = all.map((s) => ['', s.node, s.email, stateText[s.state]]);
  const pending = all.filter((s) => s.state === 'pending').length;
  const advice = pending
    ? [pc.yellow(`${pending} address(es) not confirmed: SNS sends them nothing until each recipient clicks "Confirm subscription" in the email "AWS Notification - Subscription Confirmation" that SNS sent when the stack subscribed it (SNS deletes a subscription left unconfirmed for 48 hours)`)]
    : [];
  for (const n of notify) {
    const missing = n.subscriptions!.filter((s) => s.state === 'missing').map((s) => s.email);
    const none = n.subscriptions!.length === missing.length;
    if (!none && missing.length === 0) continue;
    if (none) rows.push(['', n.node, pc.dim('(none)'), pc.yellow('! nobody gets its emails')]);
    // SNS deletes a subscription left pending for 48 hours, and every email carries an unsubscribe
    // link; CloudFormation does not notice either, so a redeploy does not bring the address back.
    const topic = n.resources?.find((r) => r.part === 'Topic')?.physicalId ?? 'TOPIC_ARN';
    const command = (address: string) => `aws sns subscribe --topic-arn ${topic} --protocol email --notification-endpoint ${address}`;
    const why = '(SNS deletes a subscription left unconfirmed for 48 hours, and a recipient can unsubscribe from any email)';
    if (none) advice.push(pc.yellow(`'${n.node}' has no email subscription, so SNS emails nobody ${why}; subscribe an address again with: ${command('ADDRESS')}`));
    if (missing.length) advice.push(pc.yellow(`'${n.node}' declares ${missing.length} address(es) SNS has no subscription for ${why}; subscribe ${missing.length === 1 ? 'it' : 'each'} again with:`), ...missing.map((m) => `  ${command(m)}`));
  }
  return ['', pc.bold('email subscriptions'), table(rows), ...advice];
}

/**
 * One invocation (`sluice invoke`): how it ended and how long it took, its outputs (and whether they
 * went downstream), its log lines.
 */
export function formatInvocation(r: InvocationReport, stage: { label: string; commandSuffix: string }): string {
  const { label } = stage;
  const took = `${r.durationMs.toFixed(1)} ms`;
  const lines: string[] = [];
  if (r.error) {
    lines.push(`${pc.red('✗')} ${r.fn}${label} failed in ${took}: ${r.error.errorType}: ${r.error.errorMessage} ${pc.dim(`(request ${r.requestId})`)}`);
    for (const frame of (r.error.trace ?? []).slice(0, 4)) lines.push(pc.dim(`    ${frame}`));
  } else if (r.failedRecords.length) {
    lines.push(`${pc.yellow('!')} ${r.fn}${label} ran in ${took}, failing ${r.failedRecords.length} record(s) ${pc.dim(`(request ${r.requestId})`)}`);
    for (const f of r.failedRecords) lines.push(`    ${pc.red('✗')} ${f.recordId}${f.error ? `: ${f.error.errorType}: ${f.error.errorMessage}` : ' (reported in batchItemFailures)'}`);
  } else {
    lines.push(`${pc.green('✓')} ${r.fn}${label} ran once in ${took} ${pc.dim(`(request ${r.requestId})`)}`);
  }
  if (r.duplicates) lines.push(`  ${r.duplicates} input(s) skipped as already processed (idempotency)`);
  if (r.outputs === undefined) lines.push(`  outputs: written by the deployed function itself, if it returned any (see them with: sluice ls BUCKET${stage.commandSuffix})`);
  else if (r.outputs.length === 0) lines.push('  outputs: none');
  else {
    lines.push(`  outputs, ${r.delivered ? 'delivered downstream' : pc.yellow('not delivered (--deliver sends them downstream)')}:`);
    for (const o of r.outputs) lines.push(`    ${outputLine(o)}`);
  }
  if (r.logs.length) {
    lines.push('  logs:');
    for (const l of r.logs) lines.push(`    ${l.at ? `${pc.dim(l.at.slice(11, 23))} ` : ''}${l.message}${l.data ? ` ${pc.dim(JSON.stringify(l.data))}` : ''}`);
  }
  return lines.join('\n');
}

function outputLine(o: InvokedOutput): string {
  if (o.type === 'object') return `object '${o.key}' -> bucket '${o.bucket}' (${o.size} bytes${o.contentType ? `, ${o.contentType}` : ''}): ${preview(o.body)}`;
  const attributes = Object.entries(o.attributes).map(([k, v]) => `${k}=${v}`).join(' ');
  return `message -> '${o.to}'${o.subject ? ` (subject ${JSON.stringify(o.subject)})` : ''}${o.delaySeconds ? ` (delay ${o.delaySeconds} s)` : ''}: ${preview(Buffer.from(o.body))}${attributes ? ` ${pc.dim(`[${attributes}]`)}` : ''}`;
}

/** The start of a body for people: its text as a JSON string literal (so line breaks show), or that it is binary. */
function preview(body: Buffer): string {
  const text = body.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(body)) return pc.dim('(binary)');
  return `${JSON.stringify(text.slice(0, 200))}${text.length > 200 ? pc.dim(` ... (${text.length} characters)`) : ''}`;
}
