/**
 * `sluice outbox [name]`, on any stage: what notify nodes would have sent. Locally the emails rendered
 * into the state (subject, recipients, text, time, cause); on AWS each email subscription and whether
 * its recipient confirmed it (sent emails cannot be read back from SNS: the output says so).
 */
import type { Command } from 'commander';
import { action } from '../common.js';
import { emit } from '../output.js';
import { onStage, withStageOptions, type StageOptions } from '../stage.js';
import type { OutboxEmail, OutboxReport } from '../../stage/outbox.js';

export function registerOutbox(program: Command): void {
  withStageOptions(program.command('outbox [notify]'))
    .description("list what notify nodes sent: locally each rendered email; on AWS each email subscription's confirmation state")
    .action(action(async (name: string | undefined, options: StageOptions) => {
      await onStage(options, async (stage) => {
        const report = await stage.outbox(name);
        emit(options, { stage: stage.name, ...report }, () => formatOutbox(report, stage.label));
      });
    }));
}

/** Why an email was sent, for people. */
function causeText(cause: OutboxEmail['cause']): string {
  if (cause.type === 'alarm') return `${cause.kind} '${cause.node}' holds ${cause.deadLetters} dead letter${cause.deadLetters === 1 ? '' : 's'} (alarm)`;
  return cause.node ? `sent by '${cause.node}'` : 'published to its topic';
}

/** The outbox for people: subscriptions, then each email. */
export function formatOutbox(report: OutboxReport, label: string): string {
  const lines: string[] = [];
  const states = { local: '', pending: ' (pending confirmation: the recipient must click the link SNS emailed)', confirmed: ' (confirmed)', missing: ' (not subscribed: SNS lists no subscription for it; sluice status prints the command that subscribes it again)' };
  for (const s of report.subscriptions) lines.push(`${s.notify} -> ${s.email}${states[s.state]}`);
  if (report.note) lines.push(`note: ${report.note}`);
  if (report.emails.length === 0 && !report.note) lines.push(`no email sent${label}`);
  for (const e of report.emails) {
    lines.push('', `${e.at}  ${e.notify} -> ${e.to.join(', ')}`, `why: ${causeText(e.cause)}`, `subject: ${e.subject}`, ...e.text.split('\n').map((l) => `  ${l}`));
  }
  return lines.join('\n');
}
