/**
 * A table's cost: on-demand reads and writes of the functions that declared them (`fn.reads(table)`,
 * `fn.writes(table)`, `expected.tableReads/tableWrites` per input), and the storage of the items it is
 * expected to hold, with point-in-time backups of the same size (synth turns PITR on).
 */
import type { Table } from '../../model/table.js';
import { sizeBytes } from '../../model/expected.js';
import { GB, type CostLine, type KindCost } from '../kind.js';
import { fmt } from '../lambda.js';

/** DynamoDB counts 100 bytes of overhead per item in a table's storage. */
const ITEM_OVERHEAD_BYTES = 100;

export const tableCost: KindCost<Table> = {
  unit: 'items',
  sourceLabel: 'declared',
  // Its volume is the items it holds (nothing flows out of a table along an edge).
  source: (node) => (node.props.expected ? { count: node.props.expected.items ?? 0, bytes: sizeBytes(node.props.expected.itemSize ?? 1024) ?? 1024 } : undefined),
  passes: () => ({ count: 0, bytes: 0 }),
  lines(node, _inflow, ctx) {
    const lines: CostLine[] = [];
    const itemBytes = sizeBytes(node.props.expected?.itemSize ?? 1024) ?? 1024;
    for (const fn of ctx.pipeline.nodesOf('fn')) {
      const inputs = ctx.volumeOf(fn).count;
      const step = ctx.step(fn);
      if (fn.tablesRead.has(node) && step.tableReads) {
        // Eventually consistent reads of items up to 4 KB: half a read unit each.
        lines.push(ctx.line('dynamodb.reads', inputs * step.tableReads * 0.5 * Math.ceil(itemBytes / 4096), `'${fn.name}': ${fmt(inputs)} inputs x ${step.tableReads} reads (eventually consistent)`));
      }
      if (fn.tablesWritten.has(node) && step.tableWrites) {
        lines.push(ctx.line('dynamodb.writes', inputs * step.tableWrites * Math.ceil(itemBytes / 1024), `'${fn.name}': ${fmt(inputs)} inputs x ${step.tableWrites} writes`));
      }
    }
    const items = node.props.expected?.items ?? 0;
    const gb = (items * (itemBytes + ITEM_OVERHEAD_BYTES)) / GB;
    lines.push(ctx.line('dynamodb.storage', gb, `${fmt(items)} items x (${fmt(itemBytes)} + 100) B`));
    if (ctx.facts.pitr.has(node.name)) lines.push(ctx.line('dynamodb.pitr', gb, 'point-in-time recovery of the same data'));
    return lines;
  },
};
