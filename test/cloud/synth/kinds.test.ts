/**
 * What each node kind and edge becomes on AWS, asserted by meaning and found by node path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { everyEdgePipeline, threeNodePipeline } from './fixtures/pipelines.js';
import { bindingsOf, byPath, hasPath, props, show, synthFor } from './helpers.js';
import { bucket, pipeline } from 'sluice';

const every = (await synthFor(everyEdgePipeline())).template;
const three = (await synthFor(threeNodePipeline())).template;

test('GIVEN a bucket WHEN synthesized THEN it blocks public access, disables ACLs, encrypts and denies plain HTTP', () => {
  const b = props(three, 'raw/Bucket');
  assert.equal(b.BucketName, 'three-node-pipe-dev-raw');
  assert.deepEqual(b.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
  assert.deepEqual(b.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  assert.equal(b.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');
  const deny = props(three, 'raw/BucketPolicy').PolicyDocument.Statement[0];
  assert.equal(deny.Effect, 'Deny');
  assert.deepEqual(deny.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
  assert.deepEqual(deny.Resource.map(show), ['RawBucket.Arn', '${RawBucket.Arn}/*']);
  assert.equal(byPath(three, 'raw/Bucket').DeletionPolicy, 'Retain');
});

test('GIVEN bucket -> fn WHEN synthesized THEN S3 notifies the function with the edge filters, after the permission exists, without a reference cycle', () => {
  const raw = byPath(every, 'raw/Bucket');
  const lambda = (raw.Properties as any).NotificationConfiguration.LambdaConfigurations;
  assert.deepEqual(lambda, [{ Event: 's3:ObjectCreated:*', Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'in/' }, { Name: 'suffix', Value: '.csv' }] } }, Function: { 'Fn::GetAtt': ['IngestFunction', 'Arn'] } }]);
  const permission = byPath(every, 'raw->ingest/Permission');
  assert.ok(raw.DependsOn!.includes(permission.id));
  const p = permission.Properties as any;
  assert.equal(p.Principal, 's3.amazonaws.com');
  // The permission names the bucket (no Ref), so the bucket can depend on it.
  assert.equal(show(p.SourceArn), 'arn:${AWS::Partition}:s3:::every-edge-dev-raw');
  assert.deepEqual(p.SourceAccount, { Ref: 'AWS::AccountId' });
});

test('GIVEN bucket -> queue and bucket -> topic WHEN synthesized THEN the destinations let only that bucket deliver, on the pipeline key', () => {
  const raw = byPath(every, 'raw/Bucket');
  const n = (raw.Properties as any).NotificationConfiguration;
  assert.deepEqual(n.QueueConfigurations[0].Queue, { 'Fn::GetAtt': ['LandingQueue', 'Arn'] });
  assert.deepEqual(n.TopicConfigurations[0].Topic, { Ref: 'EventsTopic' });
  assert.ok(raw.DependsOn!.includes(byPath(every, 'landing/QueuePolicy').id));
  assert.ok(raw.DependsOn!.includes(byPath(every, 'events/TopicPolicy').id));
  const allow = props(every, 'landing/QueuePolicy').PolicyDocument.Statement.find((s: any) => s.Effect === 'Allow');
  assert.deepEqual(allow.Principal, { Service: 's3.amazonaws.com' });
  assert.equal(allow.Action, 'sqs:SendMessage');
  assert.equal(show(allow.Condition.ArnEquals['aws:SourceArn']), 'arn:${AWS::Partition}:s3:::every-edge-dev-raw');
  assert.ok(allow.Condition.StringEquals['aws:SourceAccount']);
  assert.deepEqual(props(every, 'landing/Queue').KmsMasterKeyId, { 'Fn::GetAtt': ['SluiceKey', 'Arn'] });
  assert.deepEqual(props(every, 'events/Topic').KmsMasterKeyId, { 'Fn::GetAtt': ['SluiceKey', 'Arn'] });
  const services = props(every, 'Key').KeyPolicy.Statement.filter((s: any) => s.Principal.Service).map((s: any) => s.Principal.Service);
  assert.deepEqual(services, ['events.amazonaws.com', 's3.amazonaws.com', 'sns.amazonaws.com']);
  // AND each service may use the key only for this account and on behalf of this stack's own sources (KMS-1)
  const scoped = Object.fromEntries(props(every, 'Key').KeyPolicy.Statement.filter((s: any) => s.Principal.Service).map((s: any) => [s.Principal.Service, [show(s.Condition.StringEquals['aws:SourceAccount']), s.Condition.ArnLike['aws:SourceArn'].map(show)]]));
  assert.deepEqual(scoped, {
    'events.amazonaws.com': ['AWS::AccountId', ['arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/every-edge-dev-nightly']],
    's3.amazonaws.com': ['AWS::AccountId', ['arn:${AWS::Partition}:s3:::every-edge-dev-raw']],
    'sns.amazonaws.com': ['AWS::AccountId', ['arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:every-edge-dev-events']],
  });
});

test('GIVEN a queue only functions write to WHEN synthesized THEN it uses the free AWS-managed key', () => {
  assert.equal(props(every, 'work/Queue').KmsMasterKeyId, 'alias/aws/sqs');
  assert.equal(props(every, 'alerts/Topic').KmsMasterKeyId, 'alias/aws/sns');
});

test('GIVEN a queue WHEN synthesized THEN it redrives to its own DLQ after maxReceiveCount receives and the DLQ outlives it', () => {
  const q = props(every, 'landing/Queue');
  assert.equal(q.QueueName, 'every-edge-dev-landing');
  assert.deepEqual(q.RedrivePolicy, { deadLetterTargetArn: { 'Fn::GetAtt': ['LandingDlq', 'Arn'] }, maxReceiveCount: 5 });
  const dlq = props(every, 'landing/Dlq');
  assert.equal(dlq.QueueName, 'every-edge-dev-landing-dlq');
  assert.equal(dlq.MessageRetentionPeriod, 1_209_600);
  assert.equal(dlq.RedriveAllowPolicy.redrivePermission, 'byQueue');
  assert.equal(q.MessageRetentionPeriod, 345_600);
});

test('GIVEN a Lambda-consumed queue without a declared visibility WHEN synthesized THEN visibility is 6 x timeout + window, recorded in metadata', () => {
  // load: timeout 20 s, batching window 5 s.
  assert.equal(props(every, 'landing/Queue').VisibilityTimeout, 125);
  assert.equal((byPath(every, 'landing/Queue').Metadata as any)['sluice:adjusted'].VisibilityTimeout.declared, 30);
  assert.equal(props(every, 'audit/Queue').VisibilityTimeout, 300);
});

test('GIVEN queue -> fn WHEN synthesized THEN an event source mapping carries batch size, window and partial batch failures', () => {
  const m = props(every, 'landing->load/Mapping');
  assert.deepEqual(m.EventSourceArn, { 'Fn::GetAtt': ['LandingQueue', 'Arn'] });
  assert.equal(m.BatchSize, 50);
  assert.equal(m.MaximumBatchingWindowInSeconds, 5);
  assert.deepEqual(m.FunctionResponseTypes, ['ReportBatchItemFailures']);
  assert.equal(m.StartingPosition, undefined);
  assert.equal(props(every, 'audit->auditor/Mapping').BatchSize, 10);
});

test('GIVEN topic -> queue WHEN synthesized THEN the subscription has the filter policy, scope, raw delivery and a DLQ, and the queue lets only that topic deliver', () => {
  const s = props(every, 'events->audit/Subscription');
  assert.equal(s.Protocol, 'sqs');
  assert.deepEqual(s.FilterPolicy, { eventName: [{ prefix: 'ObjectCreated' }] });
  assert.equal(s.FilterPolicyScope, 'MessageBody');
  assert.equal(s.RawMessageDelivery, true);
  assert.deepEqual(s.RedrivePolicy, { deadLetterTargetArn: { 'Fn::GetAtt': ['AuditDlq', 'Arn'] } });
  for (const path of ['audit/QueuePolicy', 'audit/DlqPolicy']) {
    const allow = props(every, path).PolicyDocument.Statement.find((x: any) => x.Effect === 'Allow');
    assert.deepEqual(allow.Principal, { Service: 'sns.amazonaws.com' });
    assert.equal(show(allow.Condition.ArnEquals['aws:SourceArn']), 'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:every-edge-dev-events');
  }
});

test('GIVEN topic -> fn WHEN synthesized THEN SNS may invoke the function and dead-letters to its on-failure queue', () => {
  const s = props(every, 'events->notify/Subscription');
  assert.equal(s.Protocol, 'lambda');
  assert.deepEqual(s.FilterPolicy, { store: ['example_corp'] });
  assert.deepEqual(s.RedrivePolicy.deadLetterTargetArn, { 'Fn::GetAtt': ['NotifyFailures', 'Arn'] });
  const p = props(every, 'events->notify/Permission');
  assert.equal(p.Principal, 'sns.amazonaws.com');
  assert.deepEqual(p.SourceArn, { Ref: 'EventsTopic' });
  assert.equal(props(every, 'notify/Failures').QueueName, 'every-edge-dev-notify-failures');
});

test('GIVEN an asynchronously invoked function WHEN synthesized THEN its retries, event age and on-failure queue come from the model', () => {
  const c = props(every, 'notify/InvokeConfig');
  assert.equal(c.MaximumRetryAttempts, 1);
  assert.equal(c.MaximumEventAgeInSeconds, 3600);
  assert.deepEqual(c.DestinationConfig, { OnFailure: { Destination: { 'Fn::GetAtt': ['NotifyFailures', 'Arn'] } } });
  assert.equal(props(three, 'copy/InvokeConfig').MaximumRetryAttempts, 2);
  // A queue-fed function has its DLQ on the queue, not an on-failure queue.
  assert.equal(hasPath(every, 'load/Failures'), false);
  assert.equal(hasPath(every, 'load/InvokeConfig'), false);
});

test('GIVEN a function WHEN synthesized THEN it runs Node.js 22 on arm64 from its content-hashed bundle, with its own role, log group and tracing', () => {
  const f = props(every, 'ingest/Function');
  assert.equal(f.FunctionName, 'every-edge-dev-ingest');
  assert.equal(f.Runtime, 'nodejs22.x');
  assert.deepEqual(f.Architectures, ['arm64']);
  assert.match(show(f.Code.S3Key), /^\$\{AssetsPrefix\}[0-9a-f]{64}\.zip$/);
  assert.deepEqual(f.Code.S3Bucket, { Ref: 'AssetsBucket' });
  assert.deepEqual(f.Role, { 'Fn::GetAtt': [byPath(every, 'ingest/Role').id, 'Arn'] });
  assert.equal(f.Timeout, 60);
  assert.equal(f.MemorySize, 512);
  assert.equal(f.ReservedConcurrentExecutions, 5);
  assert.deepEqual(f.TracingConfig, { Mode: 'Active' });
  assert.deepEqual(f.LoggingConfig, { LogGroup: { Ref: byPath(every, 'ingest/LogGroup').id } });
  assert.deepEqual(f.KmsKeyArn, { 'Fn::GetAtt': ['SluiceKey', 'Arn'] });
  const logs = props(every, 'ingest/LogGroup');
  assert.equal(logs.LogGroupName, '/aws/lambda/every-edge-dev-ingest');
  assert.equal(logs.RetentionInDays, 30);
  assert.equal(props(every, 'load/Function').ReservedConcurrentExecutions, undefined);
});

test('GIVEN a function WHEN synthesized THEN its environment names the pipeline, stage, node and every node it is bound to', () => {
  const vars = props(every, 'ingest/Function').Environment.Variables;
  assert.equal(vars.LOG_LEVEL, 'info');
  assert.equal(vars.SLUICE_PIPELINE, 'every-edge');
  assert.equal(vars.SLUICE_STAGE, 'dev');
  assert.equal(vars.SLUICE_NODE, 'ingest');
  assert.deepEqual(bindingsOf(every, 'ingest'), {
    raw: { kind: 'bucket', name: 'every-edge-dev-raw', uses: ['read'] },
    curated: { kind: 'bucket', name: 'every-edge-dev-curated', uses: ['write'], keyPrefix: 'ingested/' },
    work: { kind: 'queue', name: 'every-edge-dev-work', uses: ['send'], url: 'WorkQueue', maxMessageSize: 1_048_576 },
    items: { kind: 'table', name: 'every-edge-dev-items', uses: ['write'], partitionKey: 'id', sortKey: 'at' },
  });
  // A topic's path: the smallest limit on the way and whether SNS wraps it (no subscriber here: its own, unwrapped).
  assert.deepEqual(bindingsOf(every, 'report').alerts, { kind: 'topic', name: 'every-edge-dev-alerts', uses: ['publish'], arn: 'AlertsTopic', maxMessageSize: 262_144, path: { limit: 262_144, wrapped: false } });
});

test('GIVEN a schedule WHEN synthesized THEN an EventBridge rule invokes the function with retries, a DLQ and the schedule detail', () => {
  const rule = byPath(every, 'nightly/Rule');
  const r = rule.Properties as any;
  assert.equal(r.Name, 'every-edge-dev-nightly');
  assert.equal(r.ScheduleExpression, 'cron(0 3 * * ? *)');
  assert.equal(r.State, 'ENABLED');
  const [target] = r.Targets;
  assert.deepEqual(target.Arn, { 'Fn::GetAtt': ['ReportFunction', 'Arn'] });
  assert.deepEqual(target.DeadLetterConfig, { Arn: { 'Fn::GetAtt': ['ReportFailures', 'Arn'] } });
  assert.equal(target.RetryPolicy.MaximumEventAgeInSeconds, 21_600);
  assert.match(target.InputTransformer.InputTemplate, /"detail-type":"Scheduled Event".*"detail":\{"mode":"full"\}/);
  const p = props(every, 'nightly->report/Permission');
  assert.equal(p.Principal, 'events.amazonaws.com');
  assert.deepEqual(p.SourceArn, { 'Fn::GetAtt': [rule.id, 'Arn'] });
  const allow = props(every, 'report/FailuresPolicy').PolicyDocument.Statement.find((s: any) => s.Effect === 'Allow');
  assert.deepEqual(allow.Principal, { Service: 'events.amazonaws.com' });
});

test('GIVEN a table WHEN synthesized THEN it is on-demand with its key schema, point-in-time recovery, encryption and protection from deletion', async () => {
  const t = props(every, 'items/Table');
  assert.equal(t.TableName, 'every-edge-dev-items');
  assert.equal(t.BillingMode, 'PAY_PER_REQUEST');
  assert.deepEqual(t.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }, { AttributeName: 'at', KeyType: 'RANGE' }]);
  assert.deepEqual(t.AttributeDefinitions, [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'at', AttributeType: 'N' }]);
  assert.deepEqual(t.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
  assert.deepEqual(t.SSESpecification, { SSEEnabled: true });
  assert.equal(t.DeletionProtectionEnabled, true);
  assert.equal(byPath(every, 'items/Table').DeletionPolicy, 'Retain');
  // WHEN the stage is synthesized for destruction THEN data stores are deleted with it.
  const scratch = (await synthFor(everyEdgePipeline(), 'scratch', { removal: 'destroy' })).template;
  assert.equal(byPath(scratch, 'items/Table').DeletionPolicy, 'Delete');
  assert.equal(props(scratch, 'items/Table').DeletionProtectionEnabled, false);
  assert.equal(byPath(scratch, 'raw/Bucket').DeletionPolicy, 'Delete');
});

test('GIVEN any pipeline WHEN synthesized THEN every taggable resource carries pipeline and stage tags, and every store and function has an output', () => {
  for (const [id, r] of Object.entries(every.Resources)) {
    const given = (r.Properties as any).Tags;
    if (!given) continue;
    // AWS::Glue::Job takes its tags as a map.
    const tags = Array.isArray(given) ? given : Object.entries(given).map(([Key, Value]) => ({ Key, Value }));
    assert.ok(tags.some((t: any) => t.Key === 'sluice:pipeline' && t.Value === 'every-edge'), id);
    assert.ok(tags.some((t: any) => t.Key === 'sluice:stage' && t.Value === 'dev'), id);
  }
  const untagged = Object.values(every.Resources).filter((r) => !(r.Properties as any).Tags).map((r) => r.Type);
  // The key gets its tags from the stack (sluice deploy tags it; see synth/encryption.ts).
  assert.deepEqual([...new Set(untagged)].sort(), ['AWS::KMS::Alias', 'AWS::KMS::Key', 'AWS::Lambda::EventInvokeConfig', 'AWS::Lambda::Permission', 'AWS::S3::BucketPolicy', 'AWS::SNS::Subscription', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy']);
  const outputs = Object.values(every.Outputs!).map((o) => o.Description!.split(':')[0]);
  for (const node of ['bucket \'raw\'', 'queue \'landing\'', 'topic \'events\'', 'table \'items\'', 'fn \'ingest\'', 'job \'summarize\'', 'glueJob \'tally\'', 'flow \'weekly\'']) assert.ok(outputs.includes(node), node);
});

test('GIVEN a pipeline WHEN an unrelated node is added THEN no existing resource changes its logical id or its content', async () => {
  const base = threeNodePipeline();
  const grown = pipeline('three-node-pipe', [...base.edges.map((e) => e.from.to(e.to, e.options)), bucket('archive')]);
  const after = (await synthFor(grown)).template;
  for (const [id, r] of Object.entries(three.Resources)) assert.deepEqual(after.Resources[id], r, id);
  assert.ok(hasPath(after, 'archive/Bucket'));
});
