/**
 * Finding the node a command or a test names, for what it wants to do with it (`DataOp`): one lookup
 * and one error for every command, every stage and the test harness. An unknown name, or a node of a
 * kind that cannot do that, fails naming what exists and how to use what was named.
 */
import { InputError } from './errors.js';
import type { DataOp } from './kind.js';
import { definitionOf, kindsWith } from './kinds.js';
import type { AnyNode, Kind } from './node.js';
import type { NodeOfKind, Pipeline } from './pipeline.js';

/** The kinds each operation reaches, narrowed for callers. */
export interface NodeOfOp {
  objects: NodeOfKind['bucket'];
  send: NodeOfKind['queue'] | NodeOfKind['topic'];
  messages: NodeOfKind['queue'];
  deadLetters: NodeOfKind['queue'] | NodeOfKind['fn'];
  items: NodeOfKind['table'];
  logs: NodeOfKind['fn'];
  executions: NodeOfKind['flow'];
  invoke: NodeOfKind['fn'];
  fire: NodeOfKind['schedule'];
  /** What `sluice trigger` starts: a flow, a schedule, or a function a schedule invokes. */
  trigger: NodeOfKind['flow'] | NodeOfKind['schedule'] | NodeOfKind['fn'];
}

/** Options of `nodeFor`. */
export interface LookupOptions {
  /** Appended to the commands a hint suggests, e.g. ` --stage dev`. */
  commandSuffix?: string;
}

/**
 * The node named `name`, if it can do `op`; otherwise an `InputError` that says what exists:
 * `SLUICE_E_UNKNOWN_NODE` for a name not in the pipeline or of a kind that cannot do `op`, and
 * `SLUICE_E_NO_DLQ` for dead letters of a node that has none.
 * @example nodeFor(pipe, 'raw', 'objects') // the bucket 'raw'
 */
export function nodeFor<O extends DataOp>(pipe: Pipeline, name: string, op: O, options: LookupOptions = {}): NodeOfOp[O] {
  const node = pipe.node(name);
  const kinds = kindsWith(op);
  if (node && kinds.includes(node.kind)) return node as NodeOfOp[O];
  const wanted = kinds.map((k) => definitionOf(k).noun.one).join(' or ');
  const existing = kinds.length === 1
    ? `its ${definitionOf(kinds[0]!).noun.many}: ${names(pipe, kinds[0]!) || 'none'}`
    : kinds.map((k) => `${definitionOf(k).noun.many}: ${names(pipe, k) || 'none'}`).join('; ');
  if (op === 'deadLetters' && node) {
    throw new InputError('SLUICE_E_NO_DLQ', `'${name}' has no dead-letter queue: only ${kinds.map((k) => definitionOf(k).noun.many).join(' and ')} do (${existing})`, { node: name, given: node.kind, expected: kinds.join(' | ') });
  }
  if (node) {
    const hint = definitionOf(node.kind).data.hint;
    const how = ` (${existing})${hint ? `; ${hint.replaceAll('{name}', name)}${options.commandSuffix ?? ''}` : ''}`;
    throw new InputError('SLUICE_E_UNKNOWN_NODE', `'${name}' is ${article(definitionOf(node.kind).noun.one)} ${definitionOf(node.kind).noun.one}, not ${article(wanted)} ${wanted} of pipeline '${pipe.name}'${how}`, { node: name, given: node.kind, expected: kinds.join(' | ') });
  }
  const message = kinds.length === 1
    ? `${wanted} '${name}' is not in pipeline '${pipe.name}' (${existing})`
    : `'${name}' is not ${article(wanted)} ${wanted} of pipeline '${pipe.name}' (${existing})`;
  throw new InputError('SLUICE_E_UNKNOWN_NODE', message, { node: name, expected: kinds.join(' | ') });
}

function names(pipe: Pipeline, kind: Kind): string {
  return pipe.nodesOf(kind).map((n: AnyNode) => n.name).join(', ');
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? 'an' : 'a';
}
