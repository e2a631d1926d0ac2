/**
 * The behaviour suite (cases.ts) on an AWS stage: the fixture deployed to moto_server with
 * `sluice deploy`, each case run through the AWS Stage adapter against what the stack holds, with
 * the stage emptied between cases. Where moto falls short of AWS, this file makes up for it and says
 * which gap (the names are those of test/cloud/deploy/helpers.ts):
 * - MOTO_CFN_UNSUPPORTED_TYPES: CloudFormation creates no AWS::SNS::Subscription, so the template's
 *   subscriptions are made through the SNS API, with the template's filter policies and raw delivery;
 * - MOTO_LAMBDA_NO_DOCKER: no function runs, so a dead letter is put in the DLQ directly, as the
 *   queue's redrive policy would put it after the consumer's failed receives; and an invoke is checked
 *   against moto's Lambda in "simple" mode, which answers Invoke with the event it was given.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { PurgeQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { motoUnavailable } from '../helpers/moto.js';
import { ROOT, deployedTemplateOf, sluice, startCloud, type Cloud } from '../cloud/deploy/helpers.js';
import { AwsStage } from '../../src/stage/aws/stage.js';
import type { Queue } from '../../src/model/queue.js';
import type { Bucket } from '../../src/model/bucket.js';
import type { Table } from '../../src/model/table.js';
import pipe from './fixture/pipeline.js';
import { CASES } from './cases.js';

const skip = motoUnavailable();
const ENTRY = join(ROOT, 'test/behaviour/fixture/pipeline.ts');
const STAGE = 'beh';

describe('an AWS stage (moto)', { skip }, () => {
  let cloud: Cloud;
  let stage: AwsStage;

  before(async () => {
    cloud = await startCloud();
    const deployed = sluice(cloud, ['deploy', ENTRY, '--stage', STAGE, '--yes']);
    assert.equal(deployed.status, 0, deployed.stderr);
    // MOTO_CFN_UNSUPPORTED_TYPES: the template's subscriptions, made through the SNS API.
    const template = await deployedTemplateOf(cloud, `behaviour-${STAGE}`);
    stage = await AwsStage.open(pipe, STAGE, { aws: cloud.aws });
    for (const r of Object.values(template.Resources)) {
      if (r.Type !== 'AWS::SNS::Subscription') continue;
      const p = r.Properties as { FilterPolicy?: object; RawMessageDelivery?: boolean };
      const [from, to] = String(r.Metadata?.['sluice:path']).split('/')[0]!.split('->') as [string, string];
      const queueArn = `arn:aws:sqs:${cloud.aws.region}:123456789012:behaviour-${STAGE}-${to}`;
      await cloud.aws.sns.send(new SubscribeCommand({
        TopicArn: stage.physical(pipe.node(from) as never, 'Topic' as never), Protocol: 'sqs', Endpoint: queueArn,
        Attributes: { RawMessageDelivery: String(p.RawMessageDelivery === true), ...(p.FilterPolicy ? { FilterPolicy: JSON.stringify(p.FilterPolicy) } : {}) },
      }));
    }
  });

  after(async () => {
    if (cloud) {
      sluice(cloud, ['destroy', ENTRY, '--stage', STAGE, '--yes']);
      await cloud.stop();
    }
  });

  /** Empty the stage: every queue and DLQ, the bucket, the table. */
  async function reset(): Promise<void> {
    for (const q of pipe.nodesOf('queue') as Queue[]) {
      for (const part of ['Queue', 'Dlq'] as const) await cloud.aws.sqs.send(new PurgeQueueCommand({ QueueUrl: stage.physical(q, part) }));
    }
    for (const b of pipe.nodesOf('bucket') as Bucket[]) {
      const name = stage.physical(b, 'Bucket');
      const keys = (await cloud.aws.s3.send(new ListObjectsV2Command({ Bucket: name }))).Contents ?? [];
      if (keys.length) await cloud.aws.s3.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: keys.map((k) => ({ Key: k.Key! })) } }));
    }
    for (const t of pipe.nodesOf('table') as Table[]) {
      const name = stage.physical(t, 'Table');
      for (const item of (await cloud.aws.dynamodb.send(new ScanCommand({ TableName: name }))).Items ?? []) {
        await cloud.aws.dynamodb.send(new DeleteItemCommand({ TableName: name, Key: { id: item.id!, at: item.at! } }));
      }
    }
  }

  test('an invoke without deliver is refused on an AWS stage, before anything is called: the deployed function writes its outputs itself', async () => {
    await assert.rejects(stage.invoke('reject', { message: { body: 'x' } }), (e: { code: string; message: string }) => e.code === 'SLUICE_E_INVOKE_DELIVERS' && /invoke it with --deliver/.test(e.message));
  });

  test("an invoke with deliver calls the deployed function through the Lambda API with the event of the stage's own queue (moto's stub answers with the event)", async () => {
    // MOTO_LAMBDA_NO_DOCKER: moto runs no handler; with its Lambda in "simple" mode, Invoke answers with the payload it was given.
    await lambdaRunsNoDocker(true);
    try {
      const report = await stage.invoke('reject', { message: { body: 'hello', attributes: { kind: 'test' } } }, { deliver: true });
      assert.equal(report.delivered, true);
      assert.equal(report.outputs, undefined, 'a deployed function reports no outputs: it writes them itself');
      assert.deepEqual(report.response, report.event);
      const record = (report.response as { Records: Array<Record<string, any>> }).Records[0]!;
      assert.deepEqual([record.eventSource, record.eventSourceARN, record.awsRegion, record.body, record.messageAttributes.kind.stringValue], ['aws:sqs', `arn:aws:sqs:${cloud.aws.region}:123456789012:behaviour-${STAGE}-work`, cloud.aws.region, 'hello', 'test']);
      // AND the same through the CLI, for people: the function, and where its outputs went
      const cli = sluice(cloud, ['invoke', 'reject', ENTRY, '--message', 'hello', '--stage', STAGE, '--deliver']);
      assert.equal(cli.status, 0, cli.stderr);
      assert.match(cli.stdout, /✓ reject on stage 'beh' ran once in [\d.]+ ms[\s\S]*outputs: written by the deployed function itself/);
    } finally {
      await lambdaRunsNoDocker(false);
    }
  });

  /** moto's Lambda in "simple" mode (no Docker: Invoke answers with its payload) or back to its default. */
  async function lambdaRunsNoDocker(simple: boolean): Promise<void> {
    const r = await fetch(`${cloud.moto.endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify({ lambda: { use_docker: !simple } }) });
    assert.equal(r.status, 201);
  }

  for (const c of CASES) {
    test(c.name, { skip: c.skip?.aws ?? false }, async () => {
      await reset();
      await c.run(stage, {
        // MOTO_LAMBDA_NO_DOCKER: no consumer runs to fail; the message goes where its redrive policy would send it.
        async deadLetter(queue, body) {
          await cloud.aws.sqs.send(new SendMessageCommand({ QueueUrl: stage.physical(pipe.node(queue) as Queue, 'Dlq'), MessageBody: body }));
        },
      });
    });
  }
});
