/**
 * `sluice table <name> scan|get|add|remove|update|import|export`: a table's items on any stage, the
 * seed's click CLI as one command. `add` and `remove` report the table before and after and the net
 * change, and leave alone what is already as asked; `update --old --new` renames a key (delete and put
 * in one transaction: DynamoDB cannot change a key in place); `remove --prune-outputs` also deletes
 * the objects whose lineage roots at a removed item. Every input is checked before anything is
 * written; up to 100 changes are written atomically (TransactWriteItems), more in batches of 25.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { action } from '../common.js';
import { emit, progress } from '../output.js';
import { onStage, withStageOptions, type StageOptions } from '../stage.js';
import { InputError } from '../../model/errors.js';
import { nodeFor } from '../../model/lookup.js';
import type { Table } from '../../model/table.js';
import type { Item } from '../../runtime/types.js';
import { MAX_ATOMIC_TABLE_CHANGES, type Stage, type TableItems } from '../../stage/index.js';
import { keyOnly, keyText, parseItem, planItems, readItems } from '../table-items.js';
import { outputsOfItems, pruneObjects } from '../prune-outputs.js';

const OPERATIONS = ['scan', 'get', 'add', 'remove', 'update', 'import', 'export'] as const;
type Operation = (typeof OPERATIONS)[number];

interface TableOptions extends StageOptions {
  item?: string[];
  file?: string;
  old?: string;
  new?: string;
  pruneOutputs?: boolean;
}

/** The most keys a text report lists before it says how many more. */
const SHOWN = 20;

export function registerTable(program: Command): void {
  withStageOptions(program.command('table <name> <operation>'))
    .description('read and change the items of a table: scan, get, add, remove, update, import, export')
    .option('--item <item>', "an item (repeatable): a bare key value, K=V,K=V, or a JSON object; for get, the key", (v: string, all: string[] = []) => [...all, v])
    .option('--file <file>', 'add, remove, import: a file with one item per line (blank lines skipped); export: where to write the items (JSON lines)')
    .option('--old <key>', 'update: the key of the item to rename')
    .option('--new <key>', 'update: its new key (the other attributes are kept)')
    .option('--prune-outputs', 'remove: also delete the objects whose lineage roots at a removed item')
    .addHelpText('after', `
Operations:
  scan      every item
  get       one item: --item KEY
  add       items not there yet (--item ... or --file F); those already there are left alone
  remove    items that are there (--item ... or --file F); those absent are ignored
  update    rename a key: --old KEY --new KEY, atomically (delete and put in one transaction)
  import    put every item of --file F, replacing items with the same key
  export    every item as JSON lines, into --file F or on stdout

add, remove and update report the table before and after and the net change. Every item is checked
before anything is written: a bad line changes nothing. Up to ${MAX_ATOMIC_TABLE_CHANGES} changes are written in one
transaction; more are written in batches of 25 (on AWS, BatchWriteItem), and running the same add or
remove again finishes an interrupted one.`)
    .action(action(async (name: string, operation: string, options: TableOptions) => {
      if (!(OPERATIONS as readonly string[]).includes(operation)) {
        throw new InputError('SLUICE_E_TABLE_ITEMS_INPUT', `'${operation}' is not an operation of sluice table; use one of ${OPERATIONS.join(', ')}`, { field: 'operation', given: operation, expected: OPERATIONS.join(' | ') });
      }
      await onStage(options, async (stage) => {
        const table = nodeFor(stage.pipeline, name, 'items') as Table;
        await OPERATION[operation as Operation](stage, table, stage.table(name), options);
      });
    }));
}

type Run = (stage: Stage, table: Table, items: TableItems, options: TableOptions) => Promise<void>;

/** The order keys are listed in (a collator's compare: localeCompare's order, many times faster on large tables). */
const byText = new Intl.Collator().compare;

/** Every item, sorted by key text. */
async function scanAll(table: Table, items: TableItems): Promise<Item[]> {
  const keyed = (await items.scan(Number.MAX_SAFE_INTEGER)).map((item) => ({ key: keyText(table, item), item }));
  return keyed.sort((a, b) => byText(a.key, b.key)).map((k) => k.item);
}

/** Two lists of keys, each sorted by `byText`, as one sorted list (linear: no sort of the whole table again). */
function merged(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(byText(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** Keys for people: the first few, then how many more. */
function shown(keys: readonly string[]): string {
  if (keys.length === 0) return '(none)';
  return keys.length <= SHOWN ? keys.join(', ') : `${keys.slice(0, SHOWN).join(', ')} and ${keys.length - SHOWN} more`;
}

/** `--item` or `--file`, exactly one of them. */
function itemsSource(options: TableOptions, what: string): { items?: string[]; file?: string } {
  const items = options.item ?? [];
  if ((items.length > 0) === (options.file !== undefined)) {
    throw new InputError('SLUICE_E_TABLE_ITEMS_INPUT', `${what} takes --item VALUE (repeatable) or --file FILE, ${items.length ? 'not both' : 'and got neither'}`, { field: '--item | --file' });
  }
  return items.length ? { items } : { file: options.file! };
}

const scan: Run = async (stage, table, items, options) => {
  const all = await scanAll(table, items);
  emit(options, { table: table.name, stage: stage.name, count: all.length, items: all }, () =>
    `${all.length} item(s) in table '${table.name}'${stage.label}${all.length ? `:\n${all.map((i) => `  ${JSON.stringify(i)}`).join('\n')}` : ''}`);
};

const get: Run = async (stage, table, items, options) => {
  if ((options.item ?? []).length !== 1) throw new InputError('SLUICE_E_TABLE_ITEMS_INPUT', `get takes one --item KEY (given ${(options.item ?? []).length})`, { field: '--item' });
  const given = readItems(table, { items: options.item ?? [] }).items;
  const item = (await items.get(keyOnly(table, given[0]!.item))) ?? null;
  emit(options, { table: table.name, stage: stage.name, key: keyOnly(table, given[0]!.item), item }, () =>
    item ? JSON.stringify(item, null, 2) : `no item ${keyText(table, given[0]!.item)} in table '${table.name}'${stage.label}`);
};

/** add and remove: the same plan, opposite directions. */
const change = (mode: 'add' | 'remove'): Run => async (stage, table, items, options) => {
  const { items: given, blankLines } = readItems(table, itemsSource(options, mode));
  const before = (await scanAll(table, items)).map((i) => keyText(table, i));
  const plan = planItems(table, given, new Set(before), mode);
  const changed = plan.changes.map((i) => keyText(table, i));
  if (plan.changes.length > 0) {
    const atomic = plan.changes.length <= MAX_ATOMIC_TABLE_CHANGES;
    await items.write(mode === 'add' ? { put: plan.changes, delete: [] } : { put: [], delete: plan.changes }, {
      atomic,
      ...(atomic ? {} : { onProgress: (done: number, total: number) => { if (done === total || done % 1000 < 25) progress(options, `${mode === 'add' ? 'added' : 'removed'} ${done}/${total}`); } }),
    });
  }
  // Outputs are found by lineage, not in the table, so those of an item already gone (removed by an
  // earlier run that stopped before its prune) are found too; they go after the items: a failed write
  // leaves them all, and running the command again finishes it.
  const pruned = mode === 'remove' && options.pruneOutputs ? await outputsOfItems(stage, table, given.map((g) => keyOnly(table, g.item))) : [];
  if (pruned.length) await pruneObjects(stage, pruned);
  const gone = new Set(mode === 'remove' ? changed : []);
  const after = mode === 'add' ? merged(before, [...changed].sort(byText)) : before.filter((k) => !gone.has(k));
  const verb = mode === 'add' ? 'added' : 'removed';
  const left = mode === 'add' ? 'already there' : 'not there';
  emit(options, { table: table.name, stage: stage.name, before, after, [verb]: changed, unchanged: plan.unchanged, duplicates: plan.duplicates, blankLines, ...(options.pruneOutputs ? { pruned } : {}) }, () => [
    `table '${table.name}'${stage.label} before: ${before.length} item(s): ${shown(before)}`,
    `${verb} ${changed.length}: ${shown(changed)}`,
    ...(plan.unchanged.length ? [`left alone ${plan.unchanged.length} (${left}): ${shown(plan.unchanged)}`] : []),
    ...(plan.duplicates.length ? [`given twice ${plan.duplicates.length}: ${shown(plan.duplicates)}`] : []),
    ...(blankLines > 0 ? [`skipped ${blankLines} blank line(s)`] : []),
    ...(options.pruneOutputs ? [`pruned ${pruned.length} output object(s) whose lineage roots at a removed item${pruned.length ? `: ${shown(pruned.map((o) => `${o.bucket}/${o.key}`))}` : ''}`] : []),
    `after: ${after.length} item(s): ${shown(after)}`,
  ].join('\n'));
};

const update: Run = async (stage, table, items, options) => {
  if (options.old === undefined || options.new === undefined) throw new InputError('SLUICE_E_TABLE_ITEMS_INPUT', `update takes --old KEY and --new KEY (given ${options.old === undefined ? 'no --old' : 'no --new'})`, { field: '--old | --new' });
  const [oldKey, newKey] = (['old', 'new'] as const).map((which) => {
    const parsed = parseItem(table, options[which]!);
    if (typeof parsed === 'string') return readItems(table, { items: [options[which]!] }).items[0]!.item;
    return keyOnly(table, parsed);
  }) as [Item, Item];
  const before = (await scanAll(table, items)).map((i) => keyText(table, i));
  const [oldText, newText] = [keyText(table, oldKey), keyText(table, newKey)];
  const oldItem = await items.get(oldKey);
  if (!oldItem) throw new InputError('SLUICE_E_TABLE_ITEMS_UPDATE_OLD', `table '${table.name}'${stage.label} has no item ${oldText} to update; nothing was changed (sluice table ${table.name} scan${stage.commandSuffix} lists its items)`, { node: table.name, field: '--old', given: oldText });
  if (oldText !== newText && await items.get(newKey)) throw new InputError('SLUICE_E_TABLE_ITEMS_UPDATE_NEW', `table '${table.name}'${stage.label} already has an item ${newText}; nothing was changed (remove it first, or pick another --new)`, { node: table.name, field: '--new', given: newText });
  if (oldText !== newText) {
    await items.write({ put: [{ ...oldItem, ...newKey }], delete: [oldKey], mustExist: [oldKey], mustNotExist: [newKey] }, { atomic: true });
  }
  const after = oldText === newText ? before : merged(before.filter((k) => k !== oldText), [newText]);
  emit(options, { table: table.name, stage: stage.name, before, after, old: oldText, new: newText, changed: oldText !== newText }, () => [
    `table '${table.name}'${stage.label} before: ${before.length} item(s): ${shown(before)}`,
    oldText === newText ? `${oldText} is already named so: nothing changed` : `updated ${oldText} -> ${newText} (in one transaction)`,
    `after: ${after.length} item(s): ${shown(after)}`,
  ].join('\n'));
};

const importItems: Run = async (stage, table, items, options) => {
  if (options.file === undefined) throw new InputError('SLUICE_E_TABLE_ITEMS_INPUT', 'import takes --file FILE with one item per line', { field: '--file' });
  const { items: given, blankLines } = readItems(table, { file: options.file });
  const byKey = new Map(given.map((g) => [keyText(table, g.item), g.item]));
  const put = [...byKey.values()];
  await items.write({ put, delete: [] }, { atomic: put.length <= MAX_ATOMIC_TABLE_CHANGES, onProgress: (done, total) => { if (done === total || done % 1000 < 25) progress(options, `imported ${done}/${total}`); } });
  emit(options, { table: table.name, stage: stage.name, imported: put.length, duplicates: given.length - put.length, blankLines }, () =>
    `imported ${put.length} item(s) into table '${table.name}'${stage.label}${given.length > put.length ? ` (${given.length - put.length} given twice: the last counts)` : ''}`);
};

const exportItems: Run = async (stage, table, items, options) => {
  const all = await scanAll(table, items);
  const lines = all.map((i) => `${JSON.stringify(i)}\n`).join('');
  if (options.file !== undefined) {
    try {
      writeFileSync(options.file, lines);
    } catch (error) {
      throw new InputError('SLUICE_E_TABLE_EXPORT_FILE', `cannot write the export file '${options.file}' (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a path in a folder that exists, or leave --file out to print the items`, { field: '--file', given: options.file });
    }
    emit(options, { table: table.name, stage: stage.name, exported: all.length, file: options.file }, () => `exported ${all.length} item(s) of table '${table.name}'${stage.label} to ${options.file}`);
  } else if (options.json) emit(options, { table: table.name, stage: stage.name, exported: all.length, items: all }, () => '');
  else process.stdout.write(lines);
};

const OPERATION: Record<Operation, Run> = { scan, get, add: change('add'), remove: change('remove'), update, import: importItems, export: exportItems };
