/**
 * What `sluice table` reads and plans, before anything is written: items from `--item` or a file (one
 * per line: a bare key value, `K=V,K=V`, or a JSON object), typed by the table's key schema; and the
 * changes an add, remove or update makes against the table as it is, with the table before and after
 * and the net change. Every bad line is reported at once and nothing is written, so a command either
 * changes the table as asked or not at all.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../model/errors.js';
import type { Table } from '../model/table.js';
import type { Item } from '../runtime/types.js';

/** One item as given: where it came from (`--item 2`, `names.txt:3`) and its value. */
export interface GivenItem {
  from: string;
  item: Item;
}

/** Items read from the command line or a file, with what was skipped. */
export interface ReadItems {
  items: GivenItem[];
  /** Blank lines of the file, skipped. */
  blankLines: number;
}

/** How people see a key: the bare value for a partition key alone, else `pk=v,sk=w`. */
export function keyText(table: Table, item: Item): string {
  const pk = item[table.partitionKey.name];
  if (!table.sortKey) return String(pk);
  return `${table.partitionKey.name}=${String(pk)},${table.sortKey.name}=${String(item[table.sortKey.name])}`;
}

/** The key attributes of an item. */
export function keyOnly(table: Table, item: Item): Item {
  const key: Item = { [table.partitionKey.name]: item[table.partitionKey.name] };
  if (table.sortKey) key[table.sortKey.name] = item[table.sortKey.name];
  return key;
}

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parse one item as given on a line or in `--item`: JSON object, `K=V,K=V` pairs, or a bare value of
 * the partition key (tables with no sort key). Returns the item, or why it is not one.
 */
export function parseItem(table: Table, spec: string): Item | string {
  const text = spec.trim();
  if (text === '') return 'is empty';
  let item: Item;
  let typed = false;
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'is not a JSON object';
      item = parsed as Item;
      typed = true;
    } catch (error) {
      return `is not JSON (${(error as Error).message})`;
    }
  } else if (text.includes('=')) {
    item = {};
    for (const pair of text.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) return `has '${pair}', not K=V`;
      item[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  } else {
    if (table.sortKey) return `is a bare value, but table '${table.name}' has a sort key too: give ${table.partitionKey.name}=...,${table.sortKey.name}=...`;
    item = { [table.partitionKey.name]: text };
  }
  for (const key of [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])]) {
    const value = item[key.name];
    if (value === undefined || value === null || value === '') return `has no value for the key attribute '${key.name}'`;
    if (key.type === 'N') {
      if (typed ? typeof value !== 'number' : !NUMBER.test(String(value))) return keyTypeProblem(key.name, 'N', value);
      if (!typed) item[key.name] = Number(value);
    } else if (typed && typeof value !== 'string') return keyTypeProblem(key.name, key.type, value);
  }
  return item;
}

/** Marks a key-type problem, so `readItems` raises the key-type code for it. */
const KEY_TYPE = '\u0000key-type\u0000';

function keyTypeProblem(name: string, type: string, value: unknown): string {
  return `${KEY_TYPE}has ${JSON.stringify(value)} for '${name}', which is of type ${type} (${type === 'N' ? 'a number' : type === 'S' ? 'text' : 'base64 text'})`;
}

/**
 * The items of `--item` options or of a file, every one checked; throws listing every bad one
 * (SLUICE_E_TABLE_ITEMS_KEY_TYPE when all are key-type problems, else SLUICE_E_TABLE_ITEMS_SPEC).
 * A UTF-8 byte-order mark and Windows line ends are taken off; blank lines are skipped and counted.
 */
export function readItems(table: Table, source: { items?: string[]; file?: string }): ReadItems {
  let blankLines = 0;
  const items: GivenItem[] = [];
  const bad: string[] = [];
  const take = (from: () => string, text: string) => {
    const parsed = parseItem(table, text);
    if (typeof parsed === 'string') bad.push(`${from()} ${parsed}`);
    else items.push({ from: from(), item: parsed });
  };
  if (source.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (error) {
      throw new InputError('SLUICE_E_TABLE_ITEMS_FILE', `cannot read the items file '${source.file}' (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a file with one item per line`, { field: '--file', given: source.file });
    }
    const file = source.file;
    const lines = text.replace(/^\uFEFF/, '').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      // A final newline is not a blank line.
      if (i === lines.length - 1 && line === '') break;
      if (line.trim() === '') blankLines++;
      else take(() => `${file}:${i + 1}`, line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  }
  for (const [i, text] of (source.items ?? []).entries()) take(() => `--item ${i + 1}`, text);
  if (bad.length > 0) {
    const keyType = bad.every((b) => b.includes(KEY_TYPE));
    const lines = bad.slice(0, 20).map((b) => `  - ${b.replace(KEY_TYPE, '')}`);
    if (bad.length > 20) lines.push(`  - and ${bad.length - 20} more`);
    const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])].map((k) => `'${k.name}' (type ${k.type})`).join(' and ');
    const how = `an item is ${table.sortKey ? '' : `a bare value of '${table.partitionKey.name}', `}a K=V,K=V list or a JSON object, with ${keys}`;
    const message = `${bad.length} item(s) for table '${table.name}' cannot be used, so nothing was changed:\n${lines.join('\n')}\n${how}`;
    throw new InputError(keyType ? 'SLUICE_E_TABLE_ITEMS_KEY_TYPE' : 'SLUICE_E_TABLE_ITEMS_SPEC', message, { node: table.name, field: source.file ? '--file' : '--item' });
  }
  if (items.length === 0) throw new InputError('SLUICE_E_TABLE_ITEMS_INPUT', `no items for table '${table.name}'${source.file ? `: '${source.file}' has only blank lines` : ''}; give --item VALUE (repeatable) or --file FILE with one item per line`, { node: table.name });
  return { items, blankLines };
}

/** What an add or remove changes, against the table as it is. */
export interface ItemsPlan {
  /** Items to write (add) or keys to delete (remove), each once. */
  changes: Item[];
  /** Given items already there (add) or absent (remove): left alone. */
  unchanged: string[];
  /** Items given more than once: the first counts. */
  duplicates: string[];
}

/** Split given items into changes, items already as asked, and repeats. */
export function planItems(table: Table, given: GivenItem[], present: ReadonlySet<string>, mode: 'add' | 'remove'): ItemsPlan {
  const seen = new Set<string>();
  const plan: ItemsPlan = { changes: [], unchanged: [], duplicates: [] };
  for (const { item } of given) {
    const key = keyText(table, item);
    if (seen.has(key)) {
      plan.duplicates.push(key);
      continue;
    }
    seen.add(key);
    if (present.has(key) === (mode === 'add')) plan.unchanged.push(key);
    else plan.changes.push(mode === 'add' ? item : keyOnly(table, item));
  }
  return plan;
}
