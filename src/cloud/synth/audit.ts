/**
 * The rules of docs/security-rules.md that cfn-lint does not check, run over a synthesized template (flatten a
 * split one first): no wildcard actions, `*` resources only for unscopable actions and each explained,
 * one trusted service per role, encryption and TLS-only on every store, service-fed queues and topics
 * on a customer managed key, dead letters everywhere, no secret in any property (nor in a step's
 * config), secrets read by exact parameter ARN, idempotency records only the function's own, payloads
 * expiring. It reads the template only (never synth's internals), so it also catches a template
 * edited by hand.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the audit reads a template as data: the properties of any resource type, walked without a schema per type. */
import { SECRET_NAME, SECRET_VALUE } from './kinds/fn.js';
import { UNSCOPABLE_ACTIONS } from './actions.js';
import { isSecretRef } from '../../model/secret.js';
import { referencesIn, type Resource, type Statement, type Template, type Value } from './template.js';

/** One rule broken by one resource. */
export interface Finding {
  rule: string;
  resource: string;
  message: string;
}

const STATEFUL = new Set(['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::KMS::Key']);
const RETENTION_DAYS = new Set([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);
const RESOURCE_POLICY: Record<string, { target: string; property: string }> = {
  'AWS::S3::BucketPolicy': { target: 'Bucket', property: 'PolicyDocument' },
  'AWS::SQS::QueuePolicy': { target: 'Queues', property: 'PolicyDocument' },
  'AWS::SNS::TopicPolicy': { target: 'Topics', property: 'PolicyDocument' },
};

/**
 * Every finding in a template; empty means it follows the rules.
 * @example assert.deepEqual(auditTemplate(flatten(s.template, s.nested)), [])
 */
export function auditTemplate(template: Template): Finding[] {
  const findings: Finding[] = [];
  const resources = template.Resources;
  const find = (rule: string, resource: string, message: string) => findings.push({ rule, resource, message });
  const policiesOf = indexResourcePolicies(resources);
  const isIdempotencyTable = (value: unknown) => referencesIn(value).some((x) => resources[x.id]?.Metadata?.['sluice:path'] === 'IdempotencyTable');
  const deadLetterTargets = new Set<string>();
  const byFunction = new Map<string, Resource[]>();
  for (const r of Object.values(resources)) {
    collectDeadLetterTargets(r.Properties, deadLetterTargets);
    if (r.Type !== 'AWS::Lambda::Permission' && r.Type !== 'AWS::Lambda::EventInvokeConfig') continue;
    const fn = referencesIn(r.Properties?.FunctionName)[0]?.id;
    if (fn) byFunction.set(fn, [...(byFunction.get(fn) ?? []), r]);
  }

  for (const [id, r] of Object.entries(resources)) {
    const p = (r.Properties ?? {}) as Record<string, any>;
    if (STATEFUL.has(r.Type) && (!r.DeletionPolicy || !r.UpdateReplacePolicy)) find('X-1', id, `${r.Type} needs both DeletionPolicy and UpdateReplacePolicy`);
    for (const text of stringsIn(p)) if (SECRET_VALUE.test(text)) find('X-2', id, 'a property holds what looks like a credential');
    for (const [label, document] of policyDocuments(r)) auditStatements(find, id, r, label, document.Statement ?? [], isIdempotencyTable);

    switch (r.Type) {
      case 'AWS::IAM::Role': {
        const trust = (p.AssumeRolePolicyDocument?.Statement ?? []) as Statement[];
        const principals = trust.flatMap((s) => [s.Principal].flat());
        const services = principals.flatMap((x) => (typeof x === 'object' && x ? [x.Service ?? []].flat() : []));
        if (trust.length !== 1 || services.length !== 1 || principals.some((x) => x === '*' || (typeof x === 'object' && x?.AWS !== undefined))) find('IAM-6', id, 'a role must trust exactly one service principal');
        break;
      }
      case 'AWS::S3::Bucket': {
        const block = p.PublicAccessBlockConfiguration ?? {};
        if (!['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every((k) => block[k] === true)) find('S3-1', id, 'all four public access blocks must be true');
        if (p.OwnershipControls?.Rules?.[0]?.ObjectOwnership !== 'BucketOwnerEnforced' || p.AccessControl !== undefined) find('S3-2', id, 'ACLs must be disabled (BucketOwnerEnforced, no AccessControl)');
        if (!p.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm) find('S3-3', id, 'default encryption must be set');
        if (!policiesOf(id).some((d) => deniesInsecureTransport(d, 's3:*'))) find('S3-4', id, 'no bucket policy denies requests without TLS');
        const lifecycle = (p.LifecycleConfiguration?.Rules ?? []) as Array<Record<string, any>>;
        if (!lifecycle.some((rule) => rule.Status === 'Enabled' && rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation >= 1)) find('S3-5', id, 'a lifecycle rule must abort incomplete multipart uploads');
        if (r.Metadata?.['sluice:path'] === 'PayloadBucket' && !lifecycle.some((rule) => rule.Status === 'Enabled' && rule.Prefix === 'payloads/' && rule.ExpirationInDays >= 1)) find('S3-5', id, 'the payload bucket must expire payloads/ (they outlive no message)');
        break;
      }
      case 'AWS::SQS::Queue': {
        if (p.KmsMasterKeyId === undefined) find('SQS-1', id, 'KmsMasterKeyId must be set');
        if (p.MessageRetentionPeriod === undefined) find('SQS-5', id, 'MessageRetentionPeriod must be explicit');
        const policies = policiesOf(id);
        if (!policies.some((d) => deniesInsecureTransport(d, 'sqs:*'))) find('SQS-3', id, 'no queue policy denies requests without TLS');
        if (policies.some(allowsService) && isAwsManagedKey(p.KmsMasterKeyId)) find('SQS-1', id, 'an AWS service writes to this queue, so it needs a customer managed key (the AWS-managed key breaks delivery)');
        if (p.RedrivePolicy === undefined && !deadLetterTargets.has(id)) find('SQS-2', id, 'a queue that is not a dead-letter queue needs a RedrivePolicy');
        break;
      }
      case 'AWS::SNS::Topic': {
        if (p.KmsMasterKeyId === undefined) find('SNS-1', id, 'KmsMasterKeyId must be set');
        const policies = policiesOf(id);
        if (!policies.some((d) => deniesInsecureTransport(d, 'sns:Publish'))) find('SNS-2', id, 'no topic policy denies publishing without TLS');
        if (policies.some(allowsService) && isAwsManagedKey(p.KmsMasterKeyId)) find('SNS-1', id, 'an AWS service publishes to this topic, so it needs a customer managed key');
        break;
      }
      case 'AWS::SNS::Subscription':
        if (p.RedrivePolicy?.deadLetterTargetArn === undefined) find('SNS-3', id, 'a subscription needs a redrive policy to an SQS dead-letter queue');
        break;
      case 'AWS::Lambda::Function':
        auditFunction(find, id, p, resources, byFunction.get(id) ?? []);
        break;
      case 'AWS::Lambda::Permission':
        if (p.Principal === '*' || !p.SourceArn) find('L-6', id, 'a permission needs a service principal and a SourceArn');
        if (p.Principal === 's3.amazonaws.com' && !p.SourceAccount) find('L-6', id, 'S3 permissions need SourceAccount (bucket ARNs carry no account)');
        break;
      case 'AWS::Lambda::EventSourceMapping':
        if (!(p.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures')) find('L-9', id, 'SQS mappings must report batch item failures');
        if (p.StartingPosition !== undefined) find('L-9', id, 'SQS mappings take no StartingPosition');
        if ((p.BatchSize ?? 10) > 10 && !((p.MaximumBatchingWindowInSeconds ?? 0) >= 1)) find('L-9', id, 'BatchSize over 10 needs a batching window of at least 1 second');
        break;
      case 'AWS::DynamoDB::Table':
        if (p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled !== true) find('DDB-1', id, 'point-in-time recovery must be on');
        if (p.SSESpecification?.SSEEnabled !== true) find('DDB-2', id, 'SSE must be enabled explicitly');
        break;
      case 'AWS::Logs::LogGroup':
        if (!RETENTION_DAYS.has(p.RetentionInDays)) find('LOG-1', id, 'RetentionInDays must be set to an allowed value');
        break;
      case 'AWS::KMS::Key':
        if (p.EnableKeyRotation !== true) find('KMS-1', id, 'key rotation must be on');
        break;
      case 'AWS::StepFunctions::StateMachine': {
        const destination = referencesIn(p.LoggingConfiguration?.Destinations?.[0]?.CloudWatchLogsLogGroup?.LogGroupArn)[0]?.id;
        if (!['ERROR', 'ALL'].includes(p.LoggingConfiguration?.Level) || !destination || resources[destination]?.Type !== 'AWS::Logs::LogGroup') find('SFN-1', id, 'a state machine logs at level ERROR or ALL to a log group of its own');
        if (p.TracingConfiguration?.Enabled !== true) find('SFN-2', id, 'tracing should be on');
        auditRoleOf(find, id, p.RoleArn, resources, 'states.amazonaws.com');
        break;
      }
      case 'AWS::Glue::Job': {
        for (const [name, value] of Object.entries((p.DefaultArguments ?? {}) as Record<string, unknown>)) {
          if (SECRET_NAME.test(name) || [...stringsIn(value)].some((t) => SECRET_VALUE.test(t))) find('GLUE-3', id, `argument '${name}' looks like a secret`);
        }
        const optedOut = ((r.Metadata?.['sluice:optOuts'] ?? []) as Array<{ rule?: string; reason?: string }>).some((o) => o.rule === 'GLUE-1' && o.reason);
        if (p.SecurityConfiguration === undefined && !optedOut) find('GLUE-1', id, 'a Glue job needs a SecurityConfiguration, or an opt-out with its reason');
        auditRoleOf(find, id, p.Role, resources, 'glue.amazonaws.com');
        break;
      }
      case 'AWS::Events::Rule':
        for (const target of (p.Targets ?? []) as Array<Record<string, any>>) {
          if (target.RoleArn !== undefined) auditRoleOf(find, id, target.RoleArn, resources, 'events.amazonaws.com');
        }
        break;
    }
  }
  return findings;
}

function auditFunction(find: (rule: string, resource: string, message: string) => void, id: string, p: Record<string, any>, resources: Record<string, Resource>, related: Resource[]): void {
  const version = /^nodejs(\d+)\.x$/.exec(String(p.Runtime))?.[1];
  if (!version || Number(version) < 22) find('L-1', id, `runtime ${p.Runtime} is not Node.js 22 or newer`);
  const variables = (p.Environment?.Variables ?? {}) as Record<string, Value>;
  if (Object.keys(variables).length > 0 && !p.KmsKeyArn) find('L-5', id, 'an environment needs KmsKeyArn (customer managed key)');
  for (const name of Object.keys(variables)) if (SECRET_NAME.test(name)) find('X-2', id, `environment variable '${name}' looks like a secret`);
  for (const key of plainSecretsIn(variables.SLUICE_STEP_CONFIG)) find('X-2', id, `SLUICE_STEP_CONFIG key '${key}' looks like a secret in plain text (use secret('/path'))`);
  if (p.TracingConfig?.Mode !== 'Active') find('L-7', id, 'active tracing should be on');
  const logGroup = referencesIn(p.LoggingConfig?.LogGroup)[0]?.id;
  if (!logGroup || resources[logGroup]?.Type !== 'AWS::Logs::LogGroup') find('L-2', id, 'the function needs its own pre-created log group');
  if (related.some((r) => r.Type === 'AWS::Lambda::Permission')) {
    const config = related.find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
    const onFailure = (config?.Properties as any)?.DestinationConfig?.OnFailure?.Destination;
    if (!onFailure && !p.DeadLetterConfig?.TargetArn) find('L-3', id, 'an asynchronously invoked function needs an on-failure destination');
  }
}

/**
 * The role a resource runs with is in the template, trusts exactly the service that assumes it, and
 * (for services that send them) limits the trust to this account and resource (IAM-6).
 */
function auditRoleOf(find: (rule: string, resource: string, message: string) => void, id: string, roleArn: unknown, resources: Record<string, Resource>, service: string): void {
  const roleId = referencesIn(roleArn)[0]?.id;
  const role = roleId ? resources[roleId] : undefined;
  if (!role || role.Type !== 'AWS::IAM::Role') return find('IAM-6', id, 'its role must be a role of its own in the template');
  const trust = ((role.Properties as any)?.AssumeRolePolicyDocument?.Statement ?? []) as Statement[];
  const services = trust.flatMap((s) => (typeof s.Principal === 'object' && s.Principal ? [s.Principal.Service ?? []].flat() : []));
  if (services.length !== 1 || services[0] !== service) find('IAM-6', roleId!, `the role of ${id} must trust ${service} only`);
  // Step Functions and EventBridge send aws:SourceArn and aws:SourceAccount when they assume a role.
  if (service !== 'glue.amazonaws.com' && !trust.every((s) => s.Condition?.StringEquals?.['aws:SourceAccount'] !== undefined)) find('IAM-6', roleId!, `the trust of ${service} must be limited to this account (aws:SourceAccount)`);
}

function auditStatements(find: (rule: string, resource: string, message: string) => void, id: string, r: Resource, label: string, statements: Statement[], isIdempotencyTable: (resource: unknown) => boolean): void {
  const explained = new Set(((r.Metadata?.['sluice:unscoped'] ?? []) as Array<{ sid?: string; reason?: string }>).filter((u) => u.reason).map((u) => u.sid));
  for (const s of statements) {
    if (s.Effect !== 'Allow') continue;
    const actions = [s.Action].flat();
    for (const a of actions) if (a === '*' || a.includes('*')) find('IAM-1', id, `${label}: action '${a}' is a wildcard`);
    if ((s.Principal === '*' || (typeof s.Principal === 'object' && [s.Principal.AWS].flat().includes('*'))) && r.Type !== 'AWS::KMS::Key') find('SQS-4', id, `${label}: allows every principal`);
    if (r.Type === 'AWS::KMS::Key') continue; // In a key policy, "*" is the key itself.
    const resources = [s.Resource].flat();
    if (actions.some((a) => a.startsWith('ssm:GetParameter')) && resources.some((x) => x === '*' || textOf(x).includes('*'))) find('IAM-4', id, `${label}: statement ${s.Sid ?? '(no Sid)'} reads SSM parameters by wildcard; grant each secret's parameter ARN`);
    if (resources.some((x) => isIdempotencyTable(x)) && !(s.Condition?.['ForAllValues:StringLike'] as Record<string, Value> | undefined)?.['dynamodb:LeadingKeys']) find('IAM-4', id, `${label}: statement ${s.Sid ?? '(no Sid)'} reaches every idempotency record; limit it with dynamodb:LeadingKeys to the function's own`);
    if (resources.includes('*')) {
      const scopable = actions.filter((a) => !UNSCOPABLE_ACTIONS.has(a));
      if (scopable.length) find('IAM-4', id, `${label}: ${scopable.join(', ')} can be scoped to a resource but is granted on "*"`);
      if (!explained.has(s.Sid)) find('IAM-5', id, `${label}: statement ${s.Sid ?? '(no Sid)'} grants on "*" without a reason in the sluice:unscoped metadata`);
    } else {
      const unscopable = actions.filter((a) => UNSCOPABLE_ACTIONS.has(a));
      if (unscopable.length) find('IAM-5', id, `${label}: ${unscopable.join(', ')} has no resource type, so a specific resource grants nothing`);
    }
  }
}

/** Every policy document a resource holds, labelled for messages. */
function policyDocuments(r: Resource): Array<[string, { Statement?: Statement[] }]> {
  const p = (r.Properties ?? {}) as Record<string, any>;
  if (r.Type === 'AWS::IAM::Role') return (p.Policies ?? []).map((x: any) => [`policy ${x.PolicyName}`, x.PolicyDocument]);
  if (r.Type === 'AWS::IAM::Policy' || RESOURCE_POLICY[r.Type]) return [['policy', p.PolicyDocument ?? {}]];
  if (r.Type === 'AWS::KMS::Key') return [['key policy', p.KeyPolicy ?? {}]];
  return [];
}

/** Resource policies (bucket, queue, topic) by the logical id they apply to. */
function indexResourcePolicies(resources: Record<string, Resource>): (id: string) => Array<{ Statement?: Statement[] }> {
  const index = new Map<string, Array<{ Statement?: Statement[] }>>();
  for (const r of Object.values(resources)) {
    const shape = RESOURCE_POLICY[r.Type];
    if (!shape) continue;
    const p = r.Properties as Record<string, any>;
    for (const target of referencesIn(p[shape.target])) index.set(target.id, [...(index.get(target.id) ?? []), p[shape.property]]);
  }
  return (id) => index.get(id) ?? [];
}

function deniesInsecureTransport(document: { Statement?: Statement[] }, action: string): boolean {
  return (document.Statement ?? []).some((s) => s.Effect === 'Deny' && [s.Action].flat().includes(action) && (s.Condition?.Bool as Record<string, Value> | undefined)?.['aws:SecureTransport'] === 'false');
}

function allowsService(document: { Statement?: Statement[] }): boolean {
  return (document.Statement ?? []).some((s) => s.Effect === 'Allow' && typeof s.Principal === 'object' && s.Principal.Service !== undefined);
}

function isAwsManagedKey(key: unknown): boolean {
  return typeof key === 'string' && key.startsWith('alias/aws/');
}

/** Queues some other resource names as a dead-letter queue or failure destination. */
function collectDeadLetterTargets(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) return value.forEach((v) => collectDeadLetterTargets(v, into));
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'deadLetterTargetArn' || key === 'DeadLetterConfig' || key === 'OnFailure') for (const r of referencesIn(v)) into.add(r.id);
    collectDeadLetterTargets(v, into);
  }
}

/** A string-valued template value as text (`Fn::Sub` text, or JSON for other intrinsics). */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  const sub = (value as Record<string, unknown> | null)?.['Fn::Sub'];
  if (sub !== undefined) return typeof sub === 'string' ? sub : String((sub as unknown[])[0]);
  return JSON.stringify(value);
}

/** Keys of a step config (JSON text) holding a plain string under a name that says "secret". */
function plainSecretsIn(config: unknown): string[] {
  if (typeof config !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(config);
  } catch {
    return [];
  }
  const found: string[] = [];
  const visit = (value: unknown, key: string, name: string): void => {
    if (typeof value === 'string') {
      if (value !== '' && SECRET_NAME.test(name)) found.push(key);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${key}.${i}`, name));
    } else if (value !== null && typeof value === 'object' && !isSecretRef(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, key ? `${key}.${k}` : k, k);
    }
  };
  visit(parsed, '', '');
  return found;
}

function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* stringsIn(v);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) yield* stringsIn(v);
}
