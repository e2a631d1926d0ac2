/**
 * The pipeline as the engine runs it, derived once from the kinds' engine modules: every node's
 * runtime, then each edge wired by its source's kind (a bucket's notifications, a topic's
 * subscriptions, a schedule's targets, a queue's event source mapping).
 */
import type { Pipeline } from '../model/pipeline.js';
import { FN_DEFAULTS } from '../model/fn.js';
import type { AnyNode } from '../model/node.js';
import type { DispatchRuntime, KindEngine, RuntimeBase } from './kind.js';
import { KIND_ENGINE, type NodeRuntime } from './registry.js';

/** The whole derived topology. */
export interface Topology {
  /** Every node's runtime, by name, in pipeline order. */
  readonly nodes: ReadonlyMap<string, NodeRuntime>;
  /** The runtimes that run invocations (functions), in pipeline order. */
  readonly dispatchers: ReadonlyArray<NodeRuntime & DispatchRuntime>;
  /** The runtimes that start work by the clock (schedules). */
  readonly tickers: readonly NodeRuntime[];
  /** Runtimes that look at the state at the end of each turn (notify). */
  readonly watchers: readonly NodeRuntime[];
}

/** The engine module of a runtime's kind, typed for any runtime. */
export function engineOf(rt: RuntimeBase): KindEngine<AnyNode, RuntimeBase> {
  return KIND_ENGINE[rt.node.kind] as unknown as KindEngine<AnyNode, RuntimeBase>;
}

/** Derive the topology of a (valid) pipeline. */
export function topologyOf(pipe: Pipeline, defaultConcurrency: number = FN_DEFAULTS.localConcurrency): Topology {
  const nodes = new Map<string, NodeRuntime>();
  for (const node of pipe.nodes.values()) {
    const engine = KIND_ENGINE[node.kind] as unknown as KindEngine<AnyNode, NodeRuntime>;
    nodes.set(node.name, engine.runtime(node, pipe, { defaultConcurrency }));
  }
  const seen = new Set<string>();
  for (const edge of pipe.edges) {
    // Duplicate edges (declared twice with the same options) wire once.
    const key = `${edge.from.name}\0${edge.to.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const from = nodes.get(edge.from.name)!;
    engineOf(from).connect?.(from, edge, nodes.get(edge.to.name)!, pipe);
  }
  const all = [...nodes.values()];
  return {
    nodes,
    dispatchers: all.filter((rt): rt is NodeRuntime & DispatchRuntime => engineOf(rt).dispatch !== null),
    tickers: all.filter((rt) => engineOf(rt).tick !== null),
    watchers: all.filter((rt) => engineOf(rt).watch !== null),
  };
}

/** Every channel whose timed messages matter for the clock (retries, visibility, delays). */
export function timedChannels(t: Topology): string[] {
  return [...new Set(t.dispatchers.flatMap((rt) => rt.sources.map((s) => s.channel)))];
}
