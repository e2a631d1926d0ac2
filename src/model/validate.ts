/**
 * Graph-level validation of a pipeline: names, edges and their options, notification overlaps,
 * loops a function could feed, and cross-node rules AWS enforces at deploy time. Each rule adds
 * problems; all are collected and reported together.
 */
import { expectedProblems } from './expected.js';
import type { AnyNode, Edge } from './node.js';
import type { ErrorCode, Problem } from './errors.js';
import type { Pipeline } from './pipeline.js';
import { kindOf } from './kinds.js';
import { NO_INSTEAD } from './kind.js';
import { durationSeconds } from './duration.js';
import { validateFilterPolicy } from './filter-policy.js';
import { findOverlappingNotifications, prefixesOverlap, validateKeyFilter } from './s3-notification.js';
import { findFeedbackLoops } from './loops.js';
import { visibilityOf } from './visibility.js';
import { flowRules } from './flow-rules.js';
import { carriesEvents } from './edges.js';
import { notifyWatches } from './notify-watches.js';

/** What a pipeline name may be (with at most 40 characters): it becomes part of stack and bucket names. */
export const PIPELINE_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;

type Rule = (pipe: Pipeline, problems: Problem[]) => void;

const rules: Rule[] = [pipelineName, nodeNames, nodeProps, edgesAllowed, edgeOptions, duplicateEdges, notificationOverlaps, feedbackLoops, queueVisibility, flowRules, notifyWatches];

/** Run every rule over the pipeline and return what they found. */
export function validatePipeline(pipe: Pipeline): Problem[] {
  const problems: Problem[] = [];
  for (const rule of rules) rule(pipe, problems);
  return problems;
}

function pipelineName(pipe: Pipeline, problems: Problem[]) {
  if (typeof pipe.name !== 'string' || !PIPELINE_NAME.test(pipe.name) || pipe.name.length > 40) {
    problems.push({ code: 'SLUICE_E_PIPELINE_NAME', node: String(pipe.name), message: `pipeline name must be 2 to 40 lower-case letters, digits and hyphens, starting with a letter (given '${pipe.name}'); it becomes part of stack and bucket names` });
  }
}

function nodeNames(pipe: Pipeline, problems: Problem[]) {
  const lower = new Map<string, AnyNode>();
  for (const node of pipe.nodes.values()) {
    const rule = kindOf(node).name;
    if (typeof node.name !== 'string' || !rule.pattern.test(node.name) || node.name.length > rule.maxLength) {
      problems.push({ code: 'SLUICE_E_NODE_NAME', node: String(node.name), field: 'name', message: `${node}: a ${node.kind} name must be 1 to ${rule.maxLength} ${rule.description} (given '${node.name}')` });
    }
    const other = lower.get(String(node.name).toLowerCase());
    if (other && other !== node) {
      problems.push({ code: 'SLUICE_E_DUPLICATE_NAME', node: node.name, field: 'name', message: `${node} and ${other} differ only in case; AWS resource ids are case-insensitive in places, so rename one` });
    }
    lower.set(String(node.name).toLowerCase(), node);
  }
}

function nodeProps(pipe: Pipeline, problems: Problem[]) {
  for (const node of pipe.nodes.values()) problems.push(...node.problems(), ...expectedProblems(node));
}

function edgesAllowed(pipe: Pipeline, problems: Problem[]) {
  for (const edge of pipe.edges) {
    const def = kindOf(edge.from).outgoing[edge.to.kind];
    if (def) continue;
    const instead = kindOf(edge.from).instead?.[edge.to.kind] ?? NO_INSTEAD;
    problems.push({ code: 'SLUICE_E_EDGE_KIND', node: edge.from.name, field: `to(${edge.to.name})`, message: `${edge.from} cannot connect to ${edge.to}: a ${edge.from.kind} -> ${edge.to.kind} edge does not exist; ${instead}` });
  }
}

function edgeOptions(pipe: Pipeline, problems: Problem[]) {
  for (const edge of pipe.edges) {
    const def = kindOf(edge.from).outgoing[edge.to.kind];
    if (!def) continue;
    const where = `edge ${edge.from.name} -> ${edge.to.name}`;
    const push = (field: string, message: string, code: ErrorCode = 'SLUICE_E_EDGE_OPTION', given?: unknown) => problems.push({ code, node: edge.from.name, field, message: `${where}: ${message}`, ...(given !== undefined ? { given } : {}) });
    for (const key of Object.keys(edge.options ?? {})) {
      if (!(def.options as readonly string[]).includes(key)) {
        push(key, `option '${key}' does not apply to a ${edge.from.kind} -> ${edge.to.kind} edge${def.options.length ? ` (it takes ${def.options.join(', ')})` : ' (it takes no options)'}`);
      }
    }
    const o = edge.options;
    if (o.prefix !== undefined || o.suffix !== undefined) {
      for (const message of validateKeyFilter({ prefix: o.prefix, suffix: o.suffix })) push('prefix', message, 'SLUICE_E_S3_FILTER');
    }
    // Key prefixes become IAM resources (a write grant under keyPrefix, a read grant under a trigger's
    // prefix), where * and ? are wildcards: the grant would reach keys the prefix does not.
    const iamPrefixes: Array<['keyPrefix' | 'prefix', unknown]> = [['keyPrefix', o.keyPrefix], ...(edge.to.kind === 'fn' && edge.from.kind === 'bucket' ? [['prefix', o.prefix] as ['prefix', unknown]] : [])];
    for (const [field, value] of iamPrefixes) {
      if (value === undefined) continue;
      if (typeof value !== 'string' || Buffer.byteLength(value) > 1024) {
        push(field, `${field} must be text of at most 1024 bytes, S3's key limit (given ${JSON.stringify(value)})`, 'SLUICE_E_EDGE_OPTION', value);
      } else if (/[*?]/.test(value)) {
        push(field, `${field} ${JSON.stringify(value)} holds ${[...new Set(value.match(/[*?]/g))].map((c) => `'${c}'`).join(' and ')}, which IAM reads as a wildcard, so the function's grant would reach keys outside the prefix; use a prefix without * and ?`, 'SLUICE_E_IAM_WILDCARD', value);
      }
    }
    const scopeValid = o.filterPolicyScope === undefined || o.filterPolicyScope === 'MessageAttributes' || o.filterPolicyScope === 'MessageBody';
    if (!scopeValid) push('filterPolicyScope', `filterPolicyScope must be 'MessageAttributes' or 'MessageBody' (given ${JSON.stringify(o.filterPolicyScope)})`, 'SLUICE_E_EDGE_OPTION', o.filterPolicyScope);
    if (o.filterPolicy !== undefined) {
      // A bad scope is reported once, above; the policy is checked as SNS would check it under the default.
      for (const p of validateFilterPolicy(o.filterPolicy, scopeValid ? o.filterPolicyScope : undefined)) push(`filterPolicy${p.field ? `.${p.field}` : ''}`, `filter policy: ${p.message}${p.fix ? `; ${p.fix}` : ''}`, 'SLUICE_E_FILTER_POLICY');
    }
    if (o.batchSize !== undefined && (!Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > 10_000)) {
      push('batchSize', `batchSize must be a whole number between 1 and 10000 (given ${o.batchSize})`, 'SLUICE_E_BATCH_SIZE', o.batchSize);
    }
    const window = o.maxBatchingWindow === undefined ? 0 : durationSeconds(o.maxBatchingWindow);
    if (window === undefined || window < 0 || window > 300) {
      push('maxBatchingWindow', `maxBatchingWindow must be between 0 and 300 seconds (given ${JSON.stringify(o.maxBatchingWindow)})`, 'SLUICE_E_BATCH_WINDOW');
    } else if ((o.batchSize ?? 10) > 10 && window < 1) {
      // LSQS-03: the Lambda API rejects BatchSize > 10 without a batching window; cfn-lint does not catch it.
      push('maxBatchingWindow', `a batchSize over 10 needs maxBatchingWindow of at least 1 second (given batchSize ${o.batchSize}, window ${window}); add maxBatchingWindow: '1s'`, 'SLUICE_E_BATCH_WINDOW');
    }
  }
}

function duplicateEdges(pipe: Pipeline, problems: Problem[]) {
  const seen = new Map<AnyNode, Map<AnyNode, Edge>>();
  for (const edge of pipe.edges) {
    let targets = seen.get(edge.from);
    if (!targets) seen.set(edge.from, (targets = new Map()));
    const twin = targets.get(edge.to);
    if (twin && twin !== edge && JSON.stringify(twin.options) !== JSON.stringify(edge.options)) {
      problems.push({ code: 'SLUICE_E_EDGE_DUPLICATE', node: edge.from.name, field: `to(${edge.to.name})`, message: `edge ${edge.from.name} -> ${edge.to.name} is declared twice with different options; declare it once` });
    }
    if (!twin) targets.set(edge.to, edge);
  }
}

function notificationOverlaps(pipe: Pipeline, problems: Problem[]) {
  for (const bucket of pipe.nodesOf('bucket')) {
    const edges = uniqueEdges(pipe.outgoing(bucket).filter(carriesEvents));
    const configs = edges.map((e) => ({ events: ['s3:ObjectCreated:*'], prefix: e.options.prefix, suffix: e.options.suffix }));
    for (const [a, b] of findOverlappingNotifications(configs)) {
      // S3-12: S3 rejects the whole notification configuration; fan-out goes through a topic.
      problems.push({ code: 'SLUICE_E_S3_OVERLAP', node: bucket.name, field: `to(${edges[b]!.to.name})`, message: `${bucket}: notifications to ${edges[a]!.to} and ${edges[b]!.to} overlap (same event, overlapping prefix and suffix), which S3 rejects; give them disjoint prefix or suffix filters, or send the bucket to one topic and subscribe both to it` });
    }
  }
}

function feedbackLoops(pipe: Pipeline, problems: Problem[]) {
  // A job is run by its flow, never by data arriving: a stage it reads cannot re-trigger it (flowRules finds cycles between jobs).
  const allowed = pipe.edges.filter(carriesEvents);
  for (const loop of findFeedbackLoops(allowed, (into, out) => !(into.options.keyPrefix !== undefined && !prefixesOverlap(into.options.keyPrefix, out.options.prefix)))) {
    const names = loop.map((e) => e.from.name).concat(loop[0]!.from.name).join(' -> ');
    const bucketEdge = loop.find((e) => e.to.kind === 'bucket' && e.from.kind === 'fn');
    const fix = bucketEdge
      ? `write under a key prefix the trigger ignores, e.g. ${bucketEdge.from.name}.to(${bucketEdge.to.name}, { keyPrefix: 'out/' }) with the trigger filtered to { prefix: 'in/' }`
      : 'break the cycle: route the output to another queue, topic or bucket';
    problems.push({ code: 'SLUICE_E_LOOP', node: loop[0]!.from.name, message: `pipeline '${pipe.name}' has a loop that would re-trigger itself forever: ${names}; ${fix}` });
  }
}

function queueVisibility(pipe: Pipeline, problems: Problem[]) {
  for (const queue of pipe.nodesOf('queue')) {
    const v = visibilityOf(pipe, queue);
    if (!v.declared || !v.consumer || !Number.isFinite(v.seconds) || v.seconds >= v.required) continue;
    // docs/security-rules.md SQS-6 (stricter than LSQS-11, AWS's own floor of 1 x the timeout).
    problems.push({ code: 'SLUICE_E_QUEUE_VISIBILITY', node: queue.name, field: 'visibilityTimeout', message: `${queue}: visibilityTimeout (${v.seconds} s) must be at least 6 x the timeout of ${v.consumer} plus its batching window (${v.required} s) for a queue a function consumes, or messages are received again while still in flight (sluice's security rule SQS-6); set visibilityTimeout: ${v.required}, or leave it unset and sluice uses ${v.required}` });
  }
}

function uniqueEdges(edges: Edge[]): Edge[] {
  return edges.filter((e, i) => edges.findIndex((o) => o.from === e.from && o.to === e.to) === i);
}
