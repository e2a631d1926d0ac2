/**
 * Finds cycles in a pipeline that would re-trigger forever (a function writing to the bucket that
 * triggers it). Works on edges, not nodes, so a bucket on a cycle can be proven safe by its filters:
 * `passes(into, out)` says whether data arriving over `into` can leave over `out`.
 */
import type { Edge } from './node.js';

/** Each elementary cycle found, as the list of its edges, reported once per set of edges. */
export function findFeedbackLoops(edges: readonly Edge[], passes: (into: Edge, out: Edge) => boolean): Edge[][] {
  const next = new Map<Edge, Edge[]>();
  for (const e of edges) next.set(e, edges.filter((o) => o.from === e.to && passes(e, o)));
  const loops: Edge[][] = [];
  const reported = new Set<string>();
  const index = new Map(edges.map((e, i) => [e, i]));
  for (const start of edges) {
    // Depth-first search from `start`, looking for a way back to it. Pipelines are small; the
    // visited set keeps this linear per start edge.
    const stack: Array<{ edge: Edge; path: Edge[] }> = [{ edge: start, path: [start] }];
    const visited = new Set<Edge>();
    while (stack.length) {
      const { edge, path } = stack.pop()!;
      for (const n of next.get(edge) ?? []) {
        if (n === start) {
          const key = path.map((e) => index.get(e)).sort((a, b) => a! - b!).join(',');
          if (!reported.has(key)) {
            reported.add(key);
            loops.push(path);
          }
          continue;
        }
        if (visited.has(n)) continue;
        visited.add(n);
        stack.push({ edge: n, path: [...path, n] });
      }
    }
  }
  return loops;
}
