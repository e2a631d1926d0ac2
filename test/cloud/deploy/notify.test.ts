/**
 * A step that emails, deployed to moto through the CLI: its role may publish to exactly the notify
 * node's topic; run in process behind the Lambda entry (MOTO_LAMBDA_NO_DOCKER), its `ctx.notify()` is
 * a Publish with the Subject and the text that SNS delivers to the topic's subscribers (read here
 * through an SQS queue the test subscribes, since moto sends no email); a subject SNS refuses fails
 * that record only; destroy leaves nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { createClients } from '../../../src/runtime/aws/clients.js';
import { lambdaHandler } from '../../../src/runtime/aws/lambda.js';
import { motoUnavailable } from '../../helpers/moto.js';
import { ACCOUNT, REGION, leftovers, rolePolicy, sluice, startCloud, type Cloud } from './helpers.js';

const skip = motoUnavailable();
const ENTRY = fileURLToPath(new URL('./fixtures/notify.pipeline.ts', import.meta.url));
const HANDLER = fileURLToPath(new URL('../../fixtures/handlers/notify-send.ts', import.meta.url));
const STAGE = 'mail';
const STACK = `mailer-${STAGE}`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:${STACK}-alerts`;

describe('a step sending email through notify on an AWS stage (moto)', { skip }, () => {
  let cloud: Cloud;
  let sqs: SQSClient;

  /** The deployed `report` step in process behind the Lambda entry, with its deployed environment. */
  const report = async () => {
    const name = `${STACK}-report`;
    const config = await cloud.aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    const clients = { ...createClients(), sqs };
    return lambdaHandler(await import(HANDLER), { clients, env: { ...config.Environment!.Variables, AWS_LAMBDA_FUNCTION_NAME: name, AWS_REGION: REGION, AWS_ENDPOINT_URL: cloud.moto.endpoint } });
  };
  const sqsEvent = (...bodies: object[]) => ({
    Records: bodies.map((b, i) => ({ messageId: `m-${i}`, receiptHandle: `r-${i}`, body: JSON.stringify(b), attributes: {}, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${STACK}-orders`, awsRegion: REGION })),
  });
  const lambdaContext = (awsRequestId: string) => ({ awsRequestId, getRemainingTimeInMillis: () => 20_000 }) as never;

  before(async () => {
    cloud = await startCloud();
    // The queue URLs moto's CloudFormation gives are AWS's (MOTO_CFN_SQS_QUEUE_URL): address moto explicitly.
    sqs = new SQSClient({ endpoint: cloud.moto.endpoint });
    const deploy = sluice(cloud, ['deploy', ENTRY, '--stage', STAGE, '--yes', '--json']);
    assert.equal(deploy.status, 0, deploy.stderr + deploy.stdout);
  });
  after(async () => cloud?.stop());

  test('GIVEN report.to(alerts) deployed THEN its role may publish to the alerts topic and nothing else of SNS', async () => {
    const role = (await cloud.aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `${STACK}-report` }))).Role!.split('/').pop()!;
    const policy = await rolePolicy(cloud, role);
    const sns = policy.Statement.filter((s: { Action: string | string[] }) => [s.Action].flat().some((a) => a.startsWith('sns:')));
    assert.deepEqual(sns.map((s: { Action: string | string[]; Resource: unknown }) => [[s.Action].flat(), s.Resource]), [[['sns:Publish'], TOPIC_ARN]]);
  });

  test('GIVEN a subscriber of the alerts topic WHEN the deployed step calls ctx.notify THEN SNS delivers one notification with its Subject and text; a refused subject fails that record only', async () => {
    // moto sends no email: an SQS subscriber shows what SNS delivered to every subscriber of the topic.
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'notify-probe' }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const sub = await cloud.aws.sns.send(new SubscribeCommand({ TopicArn: TOPIC_ARN, Protocol: 'sqs', Endpoint: arn }));
    try {
      const step = await report();
      const response = await step(sqsEvent({ subject: 'Nightly report: 3 orders', text: 'Three orders today.' }, { subject: 'two\nlines', text: 'refused' }), lambdaContext('r-1')) as { batchItemFailures: Array<{ itemIdentifier: string }> };
      assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: 'm-1' }]);
      const received = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? [];
      const notifications = received.map((m) => JSON.parse(m.Body!) as { Type: string; TopicArn: string; Subject?: string; Message: string });
      assert.deepEqual(notifications.map((n) => [n.Type, n.TopicArn, n.Subject, n.Message]), [['Notification', TOPIC_ARN, 'Nightly report: 3 orders', 'Three orders today.']]);
    } finally {
      // Made by the test, so removed by it before destroy checks that nothing is left
      await cloud.aws.sns.send(new UnsubscribeCommand({ SubscriptionArn: sub.SubscriptionArn! }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    }
  });

  test('GIVEN the stage WHEN destroyed without prompts THEN nothing of it is left', async () => {
    const destroyed = sluice(cloud, ['destroy', ENTRY, '--stage', STAGE, '--yes']);
    assert.equal(destroyed.status, 0, destroyed.stderr);
    const left = await leftovers(cloud, STACK);
    assert.deepEqual(Object.entries(left).filter(([, v]) => v.length > 0), []);
  });
});
