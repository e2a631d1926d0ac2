/**
 * `notify`: people told by email. It watches dead letters (`alerts.watch(dlqOf(node))`): on AWS an SNS
 * topic with one email subscription per address and, per watched dead-letter queue, a CloudWatch alarm
 * on its visible messages whose action publishes to the topic; locally an outbox in the state holding
 * each email that would have been sent, one per transition of a watched queue into ALARM, as
 * CloudWatch alarms notify (not one per dead letter).
 */
import { Node, type AnyNode } from './node.js';
import type { KindDefinition } from './kind.js';
import type { Problem } from './errors.js';
import { SQS_ARN } from './queue.js';

/** The dead letters of one node (a queue's DLQ, a function's on-failure queue), to be watched. */
export interface DeadLettersOf {
  readonly deadLettersOf: AnyNode;
}

/**
 * The dead letters of a node, for `notify.watch`.
 * @example alerts.watch(dlqOf(producer), dlqOf(producerAi))
 */
export function dlqOf(node: AnyNode): DeadLettersOf {
  return { deadLettersOf: node };
}

/** Props of a notify node. */
export interface NotifyProps {
  /** Who is told: email addresses, one SNS email subscription each (1 to 20). */
  email: string[];
  /** Dead letters watched from the start (the same as calling `watch`). */
  watch?: DeadLettersOf[];
}

/** At most this many addresses per node (a readable stack; SNS allows far more subscriptions). */
export const NOTIFY_MAX_EMAILS = 20;

// The syntactic check SNS's email protocol needs: one @, a dotted domain, no spaces or angle brackets.
const EMAIL = /^[^\s@<>(),;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Whether a text is an email address SNS can subscribe (syntactically: delivery is confirmed by the recipient). */
export function isEmailAddress(text: unknown): boolean {
  return typeof text === 'string' && text.length <= 254 && EMAIL.test(text);
}

/** A notify node. */
export class Notify extends Node<'notify', NotifyProps> {
  readonly kind = 'notify' as const;
  private readonly watched: DeadLettersOf[];
  constructor(name: string, props: NotifyProps) {
    super(name, props);
    this.watched = [...(props?.watch ?? [])];
  }
  /** This node's own problems: its addresses. */
  problems(): Problem[] {
    return problemsOf(this);
  }
  /** The addresses told. */
  get emails(): string[] {
    return Array.isArray(this.props?.email) ? this.props.email : [];
  }
  /** The nodes whose dead letters it watches, in declaration order, each once. */
  get watches(): AnyNode[] {
    return [...new Set(this.watched.map((w) => w?.deadLettersOf))];
  }
  /**
   * Watch dead letters: an email when a watched dead-letter queue goes from empty to holding messages.
   * @example alerts.watch(dlqOf(orders))
   */
  watch(...deadLetters: DeadLettersOf[]): this {
    this.watched.push(...deadLetters);
    return this;
  }
}

/**
 * Declare who is told by email when watched dead letters arrive.
 * @example const alerts = notify('alerts', { email: ['ops@example.org'] }).watch(dlqOf(producer));
 */
export function notify(name: string, props: NotifyProps): Notify {
  return new Notify(name, props);
}

export const notifyKind = {
  kind: 'notify',
  noun: { one: 'notification', many: 'notifications' },
  outgoing: {},
  instead: {
    fn: 'a notification tells people by email; a function reads a queue or topic instead',
    queue: 'a notification tells people by email; fan out with a topic instead',
  },
  permissions: { publish: ['sns:Publish'] },
  name: { pattern: /^[A-Za-z0-9_-]+$/, description: 'letters, digits, hyphens and underscores', maxLength: 60 },
  parts: {
    Topic: { type: 'AWS::SNS::Topic', name: '{name}', physicalId: 'arn', arn: { service: 'sns', regional: true, resource: '{name}' } },
    TopicPolicy: { type: 'AWS::SNS::TopicPolicy' },
    // The email subscriptions' dead-letter queue: what SNS could not deliver (SNS-3).
    Undelivered: { type: 'AWS::SQS::Queue', name: '{name}-undelivered', physicalId: 'url', arn: SQS_ARN },
    UndeliveredPolicy: { type: 'AWS::SQS::QueuePolicy' },
  },
  deadLetters: null,
  data: { ops: [] },
  // A step that sends to it (`ctx.notify`) publishes to its topic, by ARN.
  binding: { part: 'Topic', fields: [] },
} as const satisfies KindDefinition<Notify>;

/** The problems of one notify node's own props. */
function problemsOf(node: Notify): Problem[] {
  const problems: Problem[] = [];
  const email: unknown = node.props?.email;
  if (!Array.isArray(email) || email.length === 0 || email.length > NOTIFY_MAX_EMAILS) {
    problems.push({ code: 'SLUICE_E_NOTIFY_EMAIL', node: node.name, field: 'email', given: email, expected: `1 to ${NOTIFY_MAX_EMAILS} addresses`, message: `${node}: email must list 1 to ${NOTIFY_MAX_EMAILS} addresses (given ${JSON.stringify(email)}); declare notify('${node.name}', { email: ['ops@example.org'] })` });
    return problems;
  }
  email.forEach((address, i) => {
    if (!isEmailAddress(address)) problems.push({ code: 'SLUICE_E_NOTIFY_EMAIL', node: node.name, field: `email[${i}]`, given: address, expected: 'an address like ops@example.org', message: `${node}: email[${i}] ${JSON.stringify(address)} is not an email address SNS can subscribe; write it as name@domain.tld` });
  });
  const seen = new Set<string>();
  for (const address of email) {
    const key = String(address).toLowerCase();
    if (seen.has(key)) problems.push({ code: 'SLUICE_E_NOTIFY_EMAIL', node: node.name, field: 'email', given: address, expected: 'each address once', message: `${node}: ${JSON.stringify(address)} is listed twice; list each address once (SNS subscribes it once)` });
    seen.add(key);
  }
  return problems;
}
