/**
 * KMS requests of a queue or topic encrypted with KMS (the stack's customer managed key, or the
 * AWS-managed `alias/aws/sqs` / `alias/aws/sns`, whose requests are billed too). SQS reuses a data
 * key for 5 minutes per principal (KmsDataKeyReusePeriodSeconds, default 300), so the sender's
 * GenerateDataKey and the receiver's Decrypt are each at most one call per 5 minutes, and at most one
 * per message when messages are rarer.
 */
import { HOURS_PER_MONTH } from '../../model/expected.js';
import type { CostContext, CostLine } from '../kind.js';

/** Reuse periods of 5 minutes in a month. */
export const REUSE_PERIODS_PER_MONTH = HOURS_PER_MONTH * 12;

/** The KMS requests of `messages` a month through a part encrypted with KMS (a sender and a receiver). */
export function kmsRequests(ctx: CostContext, messages: number, what: string): CostLine {
  return ctx.line('kms.requests', 2 * Math.min(messages, REUSE_PERIODS_PER_MONTH), `${what}: GenerateDataKey and Decrypt, each at most once per 5-minute data key reuse`);
}
