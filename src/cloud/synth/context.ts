/**
 * What every kind module sees while a pipeline is synthesized: the pipeline and stage, names, the
 * edges around each node, the encryption plan, the function assets, and the collector that gathers
 * resources into units. A unit is a node's resources plus the wiring of its edges that it owns; units
 * never split across nested stacks, and references between them follow the rules in `registry.ts`.
 */
import type { AnyNode, Edge, Kind } from '../../model/node.js';
import type { Pipeline } from '../../model/pipeline.js';
import { InternalError, type Problem } from '../../model/errors.js';
import { stackName } from './names.js';
import { partName, physicalBase } from '../../model/resources.js';
import { existingName } from './existing.js';
import type { PartOf } from '../../model/kinds.js';
import type { Output, Resource, Value } from './template.js';
import type { EncryptionPlan } from './encryption.js';
import type { FunctionAsset } from './assets.js';
import type { GlueAssets } from './file-assets.js';
import type { KindRegistry } from './registry.js';
import type { Fn } from '../../model/fn.js';
import { grantsOf, type Grant } from '../../model/permissions.js';
import type { Use } from '../../model/kind.js';
import type { HandlerOptions } from './handler-options.js';

/** How stateful data stores (buckets, tables) are treated when the stack is deleted. */
export type Removal = 'retain' | 'destroy';

/** A resource and the unit it belongs to. */
export interface PlacedResource {
  unit: string;
  resource: Resource;
}

/**
 * Nodes of another stage of the same pipeline that this stack reads and never creates or changes: a
 * branch's upstream, read from main (src/branch/aws/). They keep that stage's physical names, are not
 * synthesized, their edges are not wired (no notification, subscription or mapping on them), and a
 * grant on one keeps only its read uses: nothing of the other stage can be written or consumed.
 */
export interface ExternalNodes {
  /** The stage that holds them (main's). */
  stage: string;
  /** Their node names. */
  nodes: ReadonlySet<string>;
}

/** The uses of a grant on an external node that a stack may keep: reads, which change nothing. */
export const EXTERNAL_USES: ReadonlySet<Use> = new Set<Use>(['read', 'readStage']);

/** The unit that holds stack-wide resources (the pipeline's KMS key). */
export const STACK_UNIT = '';

/** A tag as CloudFormation lists them. */
export interface Tag {
  Key: string;
  Value: string;
}

/** Everything a kind module needs while synthesizing one pipeline in one stage. */
export class SynthContext {
  /** Resources by logical id, in the order they were added. */
  readonly resources = new Map<string, PlacedResource>();
  /** Outputs by logical id, each with its unit. */
  readonly outputs = new Map<string, { unit: string; output: Output }>();
  /** Logical ids added twice (two names mapping to one id): reported as problems. */
  readonly collisions: Problem[] = [];
  /** Unique edges (identical duplicates dropped), in declaration order. */
  readonly edges: readonly Edge[];
  private readonly out = new Map<AnyNode, Edge[]>();
  private readonly into = new Map<AnyNode, Edge[]>();

  constructor(
    readonly pipe: Pipeline,
    readonly stage: string,
    /** The synthesizer of every kind, for modules that reach another kind's resources. */
    readonly registry: KindRegistry,
    readonly encryption: EncryptionPlan,
    readonly assets: ReadonlyMap<string, FunctionAsset>,
    readonly settings: { logRetentionDays: number; removal: Removal },
    /** Grants by function, shared between the contexts of one synthesis (grantsOf walks every edge). */
    readonly grantCache = new Map<Fn, Grant[]>(),
    /** Each function's handler options (lineage, idempotencyKey), by function name (`handler-options.ts`). */
    readonly handlers: ReadonlyMap<string, HandlerOptions> = new Map(),
    /** Each Glue job's script and extra files, by job name (`file-assets.ts`). */
    readonly glueAssets: ReadonlyMap<string, GlueAssets> = new Map(),
    /** Nodes of another stage this stack only reads (a branch's upstream, main's). @default none */
    readonly external?: ExternalNodes,
  ) {
    const edges: Edge[] = [];
    for (const edge of pipe.edges) {
      // The other stage owns the wiring of its nodes' edges (notifications, subscriptions, mappings).
      if (this.isExternal(edge.from)) continue;
      const list = this.out.get(edge.from) ?? [];
      if (list.some((e) => e.to === edge.to)) continue;
      list.push(edge);
      this.out.set(edge.from, list);
      this.into.set(edge.to, [...(this.into.get(edge.to) ?? []), edge]);
      edges.push(edge);
    }
    this.edges = edges;
  }

  /** Every grant `fn` holds (`grantsOf`), computed once per synthesis; on external nodes, reads only. */
  grants(fn: Fn): Grant[] {
    let grants = this.grantCache.get(fn);
    if (!grants) this.grantCache.set(fn, (grants = this.ownGrants(grantsOf(this.pipe, fn))));
    return grants;
  }

  /** Whether `node` belongs to another stage this stack only reads (`ExternalNodes`). */
  isExternal(node: AnyNode | string): boolean {
    return this.external?.nodes.has(typeof node === 'string' ? node : node.name) ?? false;
  }

  /** Grants as this stack may hold them: every grant on its own nodes, only the reads (`EXTERNAL_USES`) on external ones. */
  ownGrants(grants: readonly Grant[]): Grant[] {
    return grants.filter((g) => !this.isExternal(g.node) || EXTERNAL_USES.has(g.use));
  }

  /** The CloudFormation stack name. */
  get stackName(): string {
    return stackName(this.pipe.name, this.stage);
  }

  /** Edges leaving `node` (unique per target). */
  outgoing(node: AnyNode): readonly Edge[] {
    return this.out.get(node) ?? [];
  }

  /** Edges arriving at `node` (unique per source). */
  incoming(node: AnyNode): readonly Edge[] {
    return this.into.get(node) ?? [];
  }

  /** The base of a node's physical names: `${pipeline}-${stage}-${node}` (an external node's in its own stage). */
  name(node: AnyNode | string): string {
    const name = typeof node === 'string' ? node : node.name;
    return physicalBase(this.pipe.name, this.isExternal(name) ? this.external!.stage : this.stage, name);
  }

  /** The physical name of one part of a node (`orders-dev-work-dlq`), from its kind's parts. */
  physical<K extends Kind>(node: AnyNode & { readonly kind: K }, part: PartOf<K>): string {
    // An existing resource keeps its own name (bucket.existing, topic.existing).
    const existing = existingName(node);
    if (existing !== undefined) return existing;
    const name = partName(node.kind, part, this.name(node));
    if (name === undefined) throw new InternalError(`${node}'s ${part} has no physical name`);
    return name;
  }

  /** Tags for a node's resources: pipeline, stage and node. */
  tags(node?: AnyNode): Tag[] {
    const tags = [
      { Key: 'sluice:pipeline', Value: this.pipe.name },
      { Key: 'sluice:stage', Value: this.stage },
    ];
    if (node) tags.push({ Key: 'sluice:node', Value: node.name });
    return tags;
  }

  /**
   * Add a resource to `unit` (a node name, or `STACK_UNIT`). `path` names it for people and tests
   * (`copy/Role`, `raw->copy/Permission`) and is kept in the resource's metadata as `sluice:path`.
   */
  add(unit: string, id: string, path: string, resource: Resource, metadata: Record<string, Value> = {}): string {
    if (this.resources.has(id)) {
      this.collisions.push({ code: 'SLUICE_E_LOGICAL_ID', node: unit || this.pipe.name, field: 'name', message: `two resources of pipeline '${this.pipe.name}' get the CloudFormation logical id '${id}' (the second is ${path}); node names that differ only in '-', '_' or '.' collide, so rename one` });
      return id;
    }
    const placed: Resource = { Type: resource.Type };
    if (resource.DependsOn?.length) placed.DependsOn = resource.DependsOn;
    if (resource.DeletionPolicy) placed.DeletionPolicy = resource.DeletionPolicy;
    if (resource.UpdateReplacePolicy) placed.UpdateReplacePolicy = resource.UpdateReplacePolicy;
    placed.Metadata = { 'sluice:path': path, ...metadata };
    if (resource.Properties) placed.Properties = resource.Properties;
    this.resources.set(id, { unit, resource: placed });
    return id;
  }

  /** Add an output to `unit`. */
  output(unit: string, id: string, output: Output): void {
    this.outputs.set(id, { unit, output });
  }

  /** DeletionPolicy and UpdateReplacePolicy for a data store (bucket, table). */
  dataStorePolicy(): Pick<Resource, 'DeletionPolicy' | 'UpdateReplacePolicy'> {
    const policy = this.settings.removal === 'retain' ? 'Retain' : 'Delete';
    return { DeletionPolicy: policy, UpdateReplacePolicy: policy };
  }
}

/** Explicit `Delete` for stateful resources that hold nothing worth keeping (queues, log groups, keys): docs/security-rules.md X-1. */
export const SCRATCH: Pick<Resource, 'DeletionPolicy' | 'UpdateReplacePolicy'> = { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' };
