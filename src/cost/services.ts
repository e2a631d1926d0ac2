/**
 * The billed lines of AWS services that steps use or that notify people, as functions a kind's cost
 * module calls: Amazon Comprehend sentiment (units of 100 characters, at least 3 per document) and
 * email notifications (SNS publishes, email deliveries, CloudWatch standard alarms).
 */
import type { CostContext, CostLine } from './kind.js';
import { comprehendUnits } from './units.js';
import { fmt } from './lambda.js';

/**
 * Comprehend DetectSentiment / BatchDetectSentiment for `documents` a month of `characters` each.
 * @example comprehendSentimentLines(ctx, 87_600, 120) // 262,800 units: each document bills the 3-unit minimum
 */
export function comprehendSentimentLines(ctx: CostContext, documents: number, characters: number): CostLine[] {
  const units = comprehendUnits(characters, documents);
  return [ctx.line('comprehend.units', units, `${fmt(documents)} documents x ${comprehendUnits(characters)} units (${fmt(characters)} characters, minimum 3 units each)`)];
}

/**
 * An SNS topic with email subscriptions and the CloudWatch alarms that publish to it: `publishes` a
 * month, each delivered to every one of `subscribers` addresses, and `alarms` standard alarms.
 * @example emailNotificationLines(ctx, 30, 2, 3)
 */
export function emailNotificationLines(ctx: CostContext, publishes: number, subscribers: number, alarms: number): CostLine[] {
  return [
    ctx.line('sns.publishes', publishes, `${fmt(publishes)} notifications published`),
    ctx.line('sns.deliveries.email', publishes * subscribers, `${fmt(publishes)} x ${subscribers} email addresses`),
    ctx.line('cloudwatch.alarms', alarms, `${alarms} standard-resolution alarms`),
  ];
}
