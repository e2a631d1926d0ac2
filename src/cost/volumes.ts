/**
 * Volumes given on the command line (`--volume NODE=RATE`) or to `estimateCost`, checked against the
 * pipeline: every node named must exist, every rate must parse.
 */
import { InputError } from '../model/errors.js';
import { ratePerMonth, type Rate } from '../model/expected.js';
import type { Pipeline } from '../model/pipeline.js';

/**
 * `--volume` options (`raw=1M/month`) as rates by node name.
 * @throws InputError `SLUICE_E_COST_VOLUME` for an option that is not NODE=RATE.
 */
export function parseVolumeOptions(specs: readonly string[]): Record<string, string> {
  const volumes: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw volumeError(spec, `--volume takes NODE=RATE, e.g. --volume raw=1M/month (given '${spec}')`);
    volumes[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  return volumes;
}

/**
 * Volumes by node name as numbers a month.
 * @throws InputError `SLUICE_E_COST_NODE` for a node the pipeline lacks; `SLUICE_E_COST_VOLUME` for a rate that does not parse.
 */
export function volumesPerMonth(pipeline: Pipeline, volumes: Readonly<Record<string, Rate>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [node, rate] of Object.entries(volumes)) {
    if (!pipeline.node(node)) {
      throw new InputError('SLUICE_E_COST_NODE', `--volume ${node}=${rate}: pipeline '${pipeline.name}' has no node '${node}'; its nodes are ${[...pipeline.nodes.keys()].join(', ')}`, { node, field: '--volume', given: node, expected: [...pipeline.nodes.keys()].join(', ') });
    }
    const perMonth = ratePerMonth(rate);
    if (perMonth === undefined) throw volumeError(`${node}=${rate}`, `--volume ${node}=${rate}: the rate must be a number a month or like 1M/month, 10/day, 2.5K/hour (given '${rate}')`);
    out.set(node, perMonth);
  }
  return out;
}

function volumeError(given: string, message: string): InputError {
  return new InputError('SLUICE_E_COST_VOLUME', message, { field: '--volume', given, expected: 'NODE=RATE, with RATE a number a month or <n>[K|M|B]/<month|day|hour|minute|second>' });
}
