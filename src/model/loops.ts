/**
 * Finds cycles in a pipeline that would re-trigger forever (a function writing to the bucket that
 * triggers it). Works on edges, not nodes, so a bucket on a cycle can be proven safe by its filters:
 * `passes(into, out)` says whether data arriving over `into` can leave over `out`.
 */
import type { AnyNode, Edge } from './node.js';

/** Each elementary cycle found, as the list of its edges, reported once per set of edges. */
export function findFeedbackLoops(edges: readonly Edge[], passes: (into: Edge, out: Edge) => boolean): Edge[][] {
  const leaving = new Map<AnyNode, Edge[]>();
  for (const e of edges) leaving.set(e.from, [...(leaving.get(e.from) ?? []), e]);
  const next = new Map<Edge, Edge[]>();
  for (const e of edges) next.set(e, (leaving.get(e.to) ?? []).filter((o) => passes(e, o)));
  // Every cycle lies inside one strongly connected component of the edge graph; searching only
  // there keeps large acyclic pipelines (thousands of edges) linear instead of quadratic.
  const component = stronglyConnected(edges, next);
  const loops: Edge[][] = [];
  const reported = new Set<string>();
  const index = new Map(edges.map((e, i) => [e, i]));
  for (const start of edges) {
    const home = component.get(start);
    if (home === undefined) continue;
    // Depth-first search from `start`, looking for a way back to it. Pipelines are small; the
    // visited set keeps this linear per start edge.
    const stack: Array<{ edge: Edge; path: Edge[] }> = [{ edge: start, path: [start] }];
    const visited = new Set<Edge>();
    while (stack.length) {
      const { edge, path } = stack.pop()!;
      for (const n of next.get(edge) ?? []) {
        if (component.get(n) !== home) continue;
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

/**
 * The component of every edge that lies on some cycle (Tarjan's algorithm, iterative so deep
 * pipelines cannot overflow the stack); edges on no cycle are absent.
 */
function stronglyConnected(edges: readonly Edge[], next: Map<Edge, Edge[]>): Map<Edge, number> {
  const order = new Map<Edge, number>();
  const low = new Map<Edge, number>();
  const onStack = new Set<Edge>();
  const stack: Edge[] = [];
  const result = new Map<Edge, number>();
  let counter = 0;
  let components = 0;
  for (const root of edges) {
    if (order.has(root)) continue;
    const work: Array<{ edge: Edge; i: number }> = [{ edge: root, i: 0 }];
    order.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const successors = next.get(frame.edge) ?? [];
      if (frame.i < successors.length) {
        const n = successors[frame.i++]!;
        if (!order.has(n)) {
          order.set(n, counter);
          low.set(n, counter++);
          stack.push(n);
          onStack.add(n);
          work.push({ edge: n, i: 0 });
        } else if (onStack.has(n)) {
          low.set(frame.edge, Math.min(low.get(frame.edge)!, order.get(n)!));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]!.edge;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.edge)!));
      }
      if (low.get(frame.edge) !== order.get(frame.edge)) continue;
      const members: Edge[] = [];
      let member: Edge;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        members.push(member);
      } while (member !== frame.edge);
      // A single edge is a cycle only if it leads back to itself.
      if (members.length > 1 || (next.get(frame.edge) ?? []).includes(frame.edge)) {
        for (const m of members) result.set(m, components);
        components++;
      }
    }
  }
  return result;
}
