/**
 * What the synthesized stack says that a bill depends on, read from the template `sluice synth` would
 * deploy rather than assumed: each function's memory and architecture, its log group's retention,
 * whether it traces (X-Ray) and records lineage, whether the stack has a customer managed KMS key and
 * which queues and topics use it, which tables keep point-in-time backups, the buckets' lifecycle
 * rules, and how many states a flow's execution passes through.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the template is read as data: properties of several resource types, walked without a schema per type. */
import { synthesize, type Synthesis } from '../cloud/synth/index.js';
import type { Pipeline } from '../model/pipeline.js';
import type { Resource } from '../cloud/synth/template.js';

/** A function's or job's Lambda settings, from its `AWS::Lambda::Function`. */
export interface LambdaFacts {
  memoryMb: number;
  architecture: string;
  logRetentionDays: number;
  tracing: boolean;
  lineage: boolean;
}

/** What the stack holds that a bill depends on. */
export interface StackFacts {
  stage: string;
  stackName: string;
  /** Functions and jobs by node name. */
  lambdas: Map<string, LambdaFacts>;
  /** Whether the stack has the customer managed key (`SluiceKey`). */
  hasKey: boolean;
  /** `<node>/<part>` of the queues and topics encrypted with that key. */
  keyUsers: Set<string>;
  /** `<node>/<part>` of every queue and topic encrypted with KMS (the stack's key or the AWS-managed one). */
  kmsEncrypted: Set<string>;
  /** Tables (node names, and `LineageTable`) with point-in-time recovery on. */
  pitr: Set<string>;
  /** Lifecycle rule ids by bucket node name. */
  lifecycle: Map<string, string[]>;
  /** State transitions a successful execution of each flow takes. */
  flowTransitions: Map<string, number>;
  /** Whether the lineage table exists. */
  lineageTable: boolean;
}

/**
 * Synthesize the pipeline for `stage` and read the facts a cost estimate needs.
 * @example const facts = await stackFacts(pipe, 'prod'); facts.lambdas.get('copy')?.memoryMb // 512
 */
export async function stackFacts(pipeline: Pipeline, stage: string, cacheDir?: string): Promise<StackFacts> {
  const synthesis = await synthesize(pipeline, { stage, ...(cacheDir ? { cacheDir } : {}) });
  return factsOf(synthesis);
}

/** The facts of a synthesis (its root template and every nested one). */
export function factsOf(synthesis: Synthesis): StackFacts {
  const resources = new Map<string, Resource>();
  for (const t of [synthesis.template, ...synthesis.nested.map((n) => n.template)]) {
    for (const [id, r] of Object.entries(t.Resources ?? {})) resources.set(id, r);
  }
  const byPath = new Map<string, Resource>();
  for (const r of resources.values()) {
    const path = (r.Metadata as Record<string, unknown> | undefined)?.['sluice:path'];
    if (typeof path === 'string') byPath.set(path, r);
  }
  const facts: StackFacts = {
    stage: synthesis.stage, stackName: synthesis.stackName, lambdas: new Map(), hasKey: resources.has('SluiceKey'), keyUsers: new Set(), kmsEncrypted: new Set(),
    pitr: new Set(), lifecycle: new Map(), flowTransitions: new Map(), lineageTable: resources.has('SluiceLineageTable'),
  };
  for (const [path, r] of byPath) {
    const [node, part] = path.split('/') as [string, string | undefined];
    const p = (r.Properties ?? {}) as Record<string, any>;
    switch (r.Type) {
      case 'AWS::Lambda::Function': {
        const logGroup = byPath.get(`${node}/LogGroup`)?.Properties as Record<string, any> | undefined;
        facts.lambdas.set(node, {
          memoryMb: Number(p.MemorySize ?? 128),
          architecture: String(p.Architectures?.[0] ?? 'x86_64'),
          logRetentionDays: Number(logGroup?.RetentionInDays ?? 0),
          tracing: p.TracingConfig?.Mode === 'Active',
          lineage: Boolean(p.Environment?.Variables?.SLUICE_LINEAGE_TABLE),
        });
        break;
      }
      case 'AWS::SQS::Queue':
      case 'AWS::SNS::Topic':
        if (usesStackKey(p.KmsMasterKeyId)) facts.keyUsers.add(`${node}/${part}`);
        if (p.KmsMasterKeyId) facts.kmsEncrypted.add(`${node}/${part}`);
        break;
      case 'AWS::DynamoDB::Table':
        if (p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled) facts.pitr.add(node);
        break;
      case 'AWS::S3::Bucket':
        facts.lifecycle.set(node, ((p.LifecycleConfiguration?.Rules ?? []) as Array<{ Id?: string }>).map((rule) => String(rule.Id)));
        break;
      case 'AWS::StepFunctions::StateMachine':
        facts.flowTransitions.set(node, successTransitions(p.DefinitionString));
        break;
    }
  }
  return facts;
}

function usesStackKey(key: unknown): boolean {
  return typeof key === 'object' && key !== null && JSON.stringify(key).includes('SluiceKey');
}

/**
 * The states a successful execution enters (each entry is one billed transition): every state of the
 * definition, branches included, but those only a failure reaches (`<job> failed`, `Flow failed`,
 * `Publish failure to <target>`, ...).
 */
function successTransitions(definition: unknown): number {
  const text = typeof definition === 'string' ? definition : (definition as { 'Fn::Sub'?: unknown })?.['Fn::Sub'];
  const body = Array.isArray(text) ? text[0] : text;
  if (typeof body !== 'string') return 0;
  let parsed: { States?: Record<string, { Branches?: unknown[] }> };
  try {
    parsed = JSON.parse(body);
  } catch {
    return 0;
  }
  const count = (machine: { States?: Record<string, { Branches?: unknown[] }> }): number =>
    Object.entries(machine.States ?? {}).reduce((n, [name, state]) => {
      if (/ (failed|timed out|stopped)$/.test(name) || name === 'Flow failed' || name.startsWith('Publish failure to ')) return n;
      return n + 1 + (state.Branches ?? []).reduce<number>((b, branch) => b + count(branch as typeof machine), 0);
    }, 0);
  return count(parsed);
}
