/**
 * Routing: 100,000 file names across 50 pipelines of 5 locations each, through a route's compiled
 * table (`RouteTable.route`: the key's file name, then the first pipeline and location that match),
 * beside a plain loop over the same regular expressions (Tsdat's runner: for each pipeline pattern,
 * then each location pattern, `test`). Goal: within 1.2x of the plain loop. The same names in the same
 * order for both; each run repeated and the fastest kept; a checksum keeps either from being skipped.
 */
import { RouteTable, isRouteHit } from '../src/model/route.js';

const PIPELINES = 50;
const LOCATIONS = 5;
const FILES = 100_000;

/** 50 instrument pipelines, each with five sites, in the style of Tsdat's file names: `<instrument>.z<site>.00.<date>.<time>.csv`. */
function routes(): Record<string, { match: RegExp; locations: Record<string, RegExp> }> {
  const out: Record<string, { match: RegExp; locations: Record<string, RegExp> }> = {};
  for (let p = 0; p < PIPELINES; p++) {
    const locations: Record<string, RegExp> = {};
    for (let l = 0; l < LOCATIONS; l++) locations[`site${l}`] = new RegExp(`\\.z${String(l).padStart(2, '0')}\\.`);
    out[`instrument${p}_ingest`] = { match: new RegExp(`^inst${p}\\..*\\.(csv|zip|tar|tar\\.gz)$`), locations };
  }
  return out;
}

/** File names spread evenly over every pipeline and location, 1% matching nothing, under a folder prefix. */
function names(): string[] {
  const out: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const p = i % PIPELINES;
    const l = Math.floor(i / PIPELINES) % LOCATIONS;
    out.push(i % 100 === 99 ? `incoming/2026/01/unknown.${i}.dat` : `incoming/2026/01/inst${p}.z${String(l).padStart(2, '0')}.00.20260105.${String(i).padStart(6, '0')}.csv`);
  }
  return out;
}

/** The fastest of `repeats` runs of each, taken in turns so a busy moment of the machine hits both alike. */
function fastest(runs: Array<() => number>, repeats = 9): Array<{ ms: number; checksum: number }> {
  const best = runs.map(() => ({ ms: Infinity, checksum: 0 }));
  for (let r = 0; r < repeats; r++) {
    runs.forEach((run, i) => {
      const start = performance.now();
      const checksum = run();
      const ms = performance.now() - start;
      if (ms < best[i]!.ms) best[i] = { ms, checksum };
    });
  }
  return best;
}

export default async function bench(): Promise<void> {
  const spec = routes();
  const files = names();
  const table = new RouteTable(spec);
  // The plain loop: the same patterns, compiled once, tested in the same order.
  const plain = Object.entries(spec).map(([name, p]) => ({ name, match: p.match, locations: Object.entries(p.locations) }));
  const baseline = () => {
    let routed = 0;
    for (const key of files) {
      const file = key.slice(key.lastIndexOf('/') + 1);
      for (const p of plain) {
        if (!p.match.test(file)) continue;
        for (const [, regex] of p.locations) if (regex.test(file)) { routed++; break; }
        break;
      }
    }
    return routed;
  };
  const routed = () => {
    let count = 0;
    for (const key of files) if (isRouteHit(table.route(key))) count++;
    return count;
  };
  // Warm both up (JIT) before measuring.
  baseline();
  routed();
  const [base, ours] = fastest([baseline, routed]) as [{ ms: number; checksum: number }, { ms: number; checksum: number }];
  if (base.checksum !== ours.checksum) throw new Error(`the two routed different numbers of files (${base.checksum} vs ${ours.checksum})`);
  const rate = (ms: number) => `${Math.round(FILES / (ms / 1000)).toLocaleString('en-US')} files/s`;
  console.log(`${FILES.toLocaleString('en-US')} file names, ${PIPELINES} pipelines x ${LOCATIONS} locations (${base.checksum.toLocaleString('en-US')} routed, the rest match nothing)`);
  console.log(`  plain loop over the regular expressions  ${base.ms.toFixed(1).padStart(8)} ms  ${rate(base.ms)}`);
  console.log(`  route table (RouteTable.route)           ${ours.ms.toFixed(1).padStart(8)} ms  ${rate(ours.ms)}`);
  console.log(`  route / plain: ${(ours.ms / base.ms).toFixed(2)}x (goal: within 1.2x)`);
}
