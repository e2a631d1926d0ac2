/**
 * Grants derived from wiring: what each function may do, on which node. Synthesis turns these into
 * IAM statements and the local engine enforces them, from the same per-kind permission tables.
 */
import type { AnyNode, Edge } from './node.js';
import type { Use } from './kind.js';
import { kindOf } from './kinds.js';
import { edgeDefinition } from './edges.js';
import { Fn } from './fn.js';
import type { Job } from './job.js';
import type { GlueJob } from './glue-job.js';
import type { Flow } from './flow.js';
import type { Pipeline } from './pipeline.js';

/** One grant: a use of a node by a function, and the IAM actions it needs. */
export interface Grant {
  node: AnyNode;
  use: Use;
  actions: readonly string[];
  /** Why the grant exists, e.g. `edge raw -> copy`. */
  reason: string;
}

/**
 * Every grant a function, job or flow holds in a pipeline, from its edges and (functions) its table declarations.
 * @example grantsOf(pipe, copy).map((g) => `${g.use} ${g.node.name}`) // ['read raw', 'write curated']
 */
export function grantsOf(pipe: Pipeline, fn: Fn | Job | GlueJob | Flow): Grant[] {
  const grants: Grant[] = [];
  const add = (node: AnyNode, use: Use, reason: string) => {
    if (grants.some((g) => g.node === node && g.use === use)) return;
    grants.push({ node, use, actions: kindOf(node).permissions[use] ?? [], reason });
  };
  for (const edge of [...pipe.incoming(fn), ...pipe.outgoing(fn)]) {
    const def = edgeDefinition(edge);
    if (!def?.grant) continue;
    const holder = def.grant.on === 'from' ? edge.to : edge.from;
    if (holder !== fn) continue;
    add(def.grant.on === 'from' ? edge.from : edge.to, def.grant.use, `edge ${edge.from.name} -> ${edge.to.name}`);
  }
  if (!(fn instanceof Fn)) return grants;
  // A function that consumes a queue or topic carrying S3 events reads the objects they name.
  for (const path of s3EventPaths(pipe, fn)) {
    if (path.length > 1) add(path[0]!.from, 'read', `S3 events ${[...path.map((e) => e.from.name), fn.name].join(' -> ')}`);
  }
  for (const t of fn.tablesRead) add(t, 'read', `${fn.name}.reads(${t.name})`);
  for (const b of fn.bucketsRead) add(b, 'read', `${fn.name}.reads(${b.name})`);
  for (const s of fn.servicesUsed) add(s, 'invoke', `${fn.name}.uses(${s.name})`);
  for (const t of fn.tablesWritten) add(t, fn.tablesPutOnly.has(t) ? 'put' : 'write', fn.tablesPutOnly.has(t) ? `${fn.name}.writes(${t.name}, { delete: false })` : `${fn.name}.writes(${t.name})`);
  return grants;
}

/** Whether `fn` may `use` the node named `nodeName`. */
export function hasGrant(grants: readonly Grant[], nodeName: string, use: Use): boolean {
  return grants.some((g) => g.node.name === nodeName && g.use === use);
}

/**
 * Every way S3 events from a bucket reach `fn`: directly (bucket -> fn), through a queue
 * (bucket -> queue -> fn), a topic (bucket -> topic -> fn) or both (bucket -> topic -> queue -> fn).
 * Each path is its list of edges, starting at the bucket; the first edge carries the key filter.
 * @example s3EventPaths(pipe, load).map((p) => p[0].from.name) // ['raw']
 */
export function s3EventPaths(pipe: Pipeline, fn: Fn): Edge[][] {
  const paths: Edge[][] = [];
  const fromBuckets = (tail: Edge[]) => {
    for (const e of pipe.incoming(tail[0]!.from)) if (e.from.kind === 'bucket' && !paths.some((p) => sameEdges(p, [e, ...tail]))) paths.push([e, ...tail]);
  };
  for (const edge of pipe.incoming(fn)) {
    if (edge.from.kind === 'bucket' && !paths.some((p) => sameEdges(p, [edge]))) paths.push([edge]);
    if (edge.from.kind !== 'queue' && edge.from.kind !== 'topic') continue;
    fromBuckets([edge]);
    if (edge.from.kind === 'queue') {
      for (const t of pipe.incoming(edge.from)) if (t.from.kind === 'topic') fromBuckets([t, edge]);
    }
  }
  return paths;
}

/** Two paths over the same node pairs (duplicate edges with equal options count once). */
function sameEdges(a: Edge[], b: Edge[]): boolean {
  return a.length === b.length && a.every((e, i) => e.from === b[i]!.from && e.to === b[i]!.to);
}
