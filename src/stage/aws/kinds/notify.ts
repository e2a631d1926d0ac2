/**
 * `notify` on an AWS stage: an SNS topic that steps, flows and CloudWatch alarms publish to. What the
 * data commands read of it is its email subscriptions, and whether each recipient confirmed it
 * (`sluice status`, `sluice outbox`): SNS sends nothing to an address until then.
 */
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import type { Notify } from '../../../model/notify.js';
import type { EmailSubscription } from '../../stage.js';
import type { KindAws } from '../kind.js';

/**
 * What a subscription's ARN says of its state, as ListSubscriptionsByTopic answers it: SNS puts
 * `PendingConfirmation` in place of the ARN until the recipient clicks the link in the confirmation
 * email (and again when it deactivates an address flooded past the email delivery rate), and
 * `Deleted` for one being removed, which delivers nothing and waits for nobody, so it is not listed
 * (a declared address with no listed subscription is reported `missing`).
 * @example subscriptionState('PendingConfirmation') // 'pending'
 */
export function subscriptionState(subscriptionArn: string | undefined): EmailSubscription['state'] | undefined {
  if (subscriptionArn?.startsWith('arn:')) return 'confirmed';
  return subscriptionArn === 'PendingConfirmation' ? 'pending' : undefined;
}

export const notifyAws: KindAws<Notify> = {
  objects: null, send: null, messages: null, redrive: null, items: null, depth: null, invoke: null, executions: null,

  async subscriptions(ctx, node) {
    const topicArn = ctx.physical(node, 'Topic');
    const found: EmailSubscription[] = [];
    let token: string | undefined;
    // At most 100 a page (SNS ListSubscriptionsByTopic), so a topic with more takes several requests.
    do {
      const page = await ctx.aws.call(`listing the subscriptions of notify '${node.name}'`, () => ctx.aws.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token })));
      for (const s of page.Subscriptions ?? []) {
        const state = subscriptionState(s.SubscriptionArn);
        if (s.Protocol === 'email' && state) found.push({ email: s.Endpoint ?? '', state });
      }
      token = page.NextToken;
    } while (token);
    // A declared address SNS no longer lists: named, so a person sees exactly who stopped getting email.
    const listed = new Set(found.map((s) => s.email.toLowerCase()));
    for (const email of node.emails) if (!listed.has(email.toLowerCase())) found.push({ email, state: 'missing' });
    return found;
  },
};
