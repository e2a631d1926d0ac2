/**
 * `bucket` -> an S3 bucket, secure by default (docs/security-rules.md S3-1..S3-4): public access blocked,
 * ACLs disabled, SSE-S3, a policy denying plain HTTP. Its outgoing edges are S3 event notifications
 * to functions, queues and topics; the bucket owns the Lambda permissions they need. The classic
 * cycle (the notification needs the permission, the permission names the bucket) is broken by naming:
 * permissions and destination policies refer to the bucket by its physical name, never by `Ref`.
 */
import { carriesEvents } from '../../../model/edges.js';
import type { Bucket } from '../../../model/bucket.js';
import type { Fn } from '../../../model/fn.js';
import type { Queue } from '../../../model/queue.js';
import type { Topic } from '../../../model/topic.js';
import type { Edge } from '../../../model/node.js';
import { s3EventPaths } from '../../../model/permissions.js';
import { decodeEventKey } from '../../../model/s3-notification.js';
import { INVOKE_ACTION } from '../actions.js';
import type { SynthContext } from '../context.js';
import { edgeIds, idOf, paths } from '../ids.js';
import type { KindSynth } from '../kind.js';
import { arnByName, denyInsecureTransport, objectsArn } from '../policies.js';
import { getAtt, ref, sub, type Value } from '../template.js';
import { existingEdgeProblems, isExisting, synthesizeExistingBucket } from '../existing.js';

const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;
const OBJECT_CREATED = 's3:ObjectCreated:*';

export const bucketSynth: KindSynth<Bucket> = {

  // An existing bucket's name is checked by the model (S3's own rules, dots allowed).
  names: (node, ctx) => isExisting(node) ? [] : [
    { what: 'S3 bucket name', name: ctx.physical(node, 'Bucket'), max: 63, node: node.name, pattern: S3_BUCKET_NAME, patternText: 'lower-case letters, digits and hyphens' },
  ],

  problems: (node, ctx) => existingEdgeProblems(node, ctx),

  grantResources(node, use, fn, ctx) {
    const name = ctx.physical(node, 'Bucket');
    if (use === 'write') return [objectsArn(name, writePrefix(ctx, fn, node))];
    // Reads follow the S3 events the function receives: only the prefixes its triggers filter on.
    // Filters are written URL-encoded (S3-11); IAM matches the stored key, so decode them.
    const prefixes = s3EventPaths(ctx.pipe, fn).filter((p) => p[0]!.from === node).map((p) => p[0]!.options.prefix);
    if (prefixes.length === 0 || prefixes.some((p) => p === undefined || p === '')) return [objectsArn(name)];
    return [...new Set(prefixes.map((p) => decodeEventKey(p!)))].map((p) => objectsArn(name, p));
  },

  synthesize(node, ctx) {
    const id = idOf(node, 'Bucket');
    const targets = ctx.outgoing(node).filter(carriesEvents);
    if (isExisting(node)) return synthesizeExistingBucket(node, targets, ctx);
    const dependsOn: string[] = [];
    const notification: Record<string, Value[]> = {};
    const configuration = (edge: Edge, key: string, target: Value) => {
      const entry: Record<string, Value> = { Event: OBJECT_CREATED };
      const rules: Value[] = [];
      if (edge.options.prefix) rules.push({ Name: 'prefix', Value: edge.options.prefix });
      if (edge.options.suffix) rules.push({ Name: 'suffix', Value: edge.options.suffix });
      if (rules.length) entry.Filter = { S3Key: { Rules: rules } };
      entry[key] = target;
      return entry;
    };
    for (const edge of targets) {
      if (edge.to.kind === 'fn') {
        (notification.LambdaConfigurations ??= []).push(configuration(edge, 'Function', getAtt(idOf(edge.to as Fn, 'Function'), 'Arn')));
        dependsOn.push(addInvokePermission(ctx, node, edge));
      } else if (edge.to.kind === 'queue') {
        (notification.QueueConfigurations ??= []).push(configuration(edge, 'Queue', getAtt(idOf(edge.to as Queue, 'Queue'), 'Arn')));
        // S3 checks it may deliver when the configuration is saved, so the policy must exist first.
        dependsOn.push(idOf(edge.to as Queue, 'QueuePolicy'));
      } else if (edge.to.kind === 'topic') {
        (notification.TopicConfigurations ??= []).push(configuration(edge, 'Topic', ref(idOf(edge.to as Topic, 'Topic'))));
        dependsOn.push(idOf(edge.to as Topic, 'TopicPolicy'));
      }
    }
    const versioned = node.props.versioned === true;
    const optOuts: Value[] = [{ rule: 'S3-6', reason: 'server access logging needs a second bucket per bucket; CloudTrail data events are the account-wide alternative' }];
    if (!versioned) optOuts.unshift({ rule: 'S3-5', reason: `bucket('${node.name}') is not versioned (declare { versioned: true }); the local engine keeps the same single version` });
    ctx.add(node.name, id, paths.node(node, 'Bucket'), {
      Type: 'AWS::S3::Bucket',
      DependsOn: dependsOn,
      ...ctx.dataStorePolicy(),
      Properties: {
        BucketName: ctx.physical(node, 'Bucket'),
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        ...(versioned ? { VersioningConfiguration: { Status: 'Enabled' } } : {}),
        LifecycleConfiguration: { Rules: [{ Id: 'abort-incomplete-multipart-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }] },
        ...(Object.keys(notification).length ? { NotificationConfiguration: notification } : {}),
        Tags: ctx.tags(node),
      },
    }, { 'sluice:optOuts': optOuts });
    ctx.add(node.name, idOf(node, 'BucketPolicy'), paths.node(node, 'BucketPolicy'), {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: ref(id),
        PolicyDocument: { Version: '2012-10-17', Statement: [denyInsecureTransport('s3', [getAtt(id, 'Arn'), sub(`\${${id}.Arn}/*`)])] },
      },
    });
    ctx.output(node.name, id, { Description: `${node}: bucket name`, Value: ref(id) });
  },
};

/** The permission S3 needs to invoke the function; the bucket is named, not referenced (no cycle). */
function addInvokePermission(ctx: SynthContext, bucket: Bucket, edge: Edge): string {
  return ctx.add(bucket.name, edgeIds.permission(edge), paths.edge(edge, 'Permission'), {
    Type: 'AWS::Lambda::Permission',
    Properties: {
      Action: INVOKE_ACTION,
      FunctionName: getAtt(idOf(edge.to as Fn, 'Function'), 'Arn'),
      Principal: 's3.amazonaws.com',
      SourceAccount: ref('AWS::AccountId'),
      SourceArn: arnByName('bucket', 'Bucket', ctx.physical(bucket, 'Bucket')),
    },
  });
}

/** The key prefix a function writes under in a bucket ('' for anywhere). */
function writePrefix(ctx: SynthContext, fn: Fn, bucket: Bucket): string {
  return ctx.outgoing(fn).find((e) => e.to === bucket)?.options.keyPrefix ?? '';
}
