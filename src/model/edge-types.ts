/**
 * The compile-time rules of `a.to(b)`, read from the kinds' own edge tables (`KINDS[kind].outgoing`):
 * which kinds a node may connect to, and which options each edge takes. Nothing here lists edges: a
 * kind that gains an edge in its definition gains it in the types. Validation (`validate.ts`) checks the
 * same when a pipeline is validated, for JavaScript callers and for nodes typed only as `AnyNode`.
 */
import type { KINDS } from './kinds.js';
import type { NO_INSTEAD } from './kind.js';
import type { AnyNode, EdgeOptions, Kind } from './node.js';

type Outgoing<From extends Kind> = (typeof KINDS)[From]['outgoing'];

/** The kinds a node of kind `From` may connect to: `TargetKind<'bucket'>` is `'fn' | 'queue' | 'topic'`. */
export type TargetKind<From extends Kind> = keyof Outgoing<From> & Kind;

/** The names of the options a `From -> To` edge takes: its definition's `options`. */
export type OptionName<From extends Kind, To extends Kind> = To extends TargetKind<From>
  ? Outgoing<From>[To] extends { readonly options: ReadonlyArray<infer O> }
    ? O & keyof EdgeOptions
    : never
  : never;

/** What the definitions say to do instead of a `From -> To` edge (their `instead`), or the fallback validation gives. */
type InsteadOf<From extends Kind, To extends Kind> = (typeof KINDS)[From] extends { readonly instead: infer I }
  ? To extends keyof I ? I[To] : typeof NO_INSTEAD
  : typeof NO_INSTEAD;

/**
 * What `to()` asks for in place of a target it refuses: no node is one, so the call does not compile,
 * and tsc's message names the two kinds and what to do instead.
 */
export interface EdgeNotAllowed<From extends Kind, To extends Kind, Instead> {
  readonly edgeNotAllowed: [From, To, Instead];
}

/**
 * The type of every option of an edge that takes none: no value is one. (An empty options type would
 * accept any property: TypeScript checks excess properties only against a type that declares some.)
 */
export interface EdgeTakesNoOptions<From extends Kind, To extends Kind> {
  readonly edgeTakesNoOptions: [From, To];
}

/** Whether `K` is every kind, as an `AnyNode`'s is: then nothing is known, and validation checks the edge. */
type Unchecked<K extends Kind> = [Kind] extends [K] ? true : false;

/**
 * The target `to()` accepts from a node of kind `From`: the target itself when a `From -> kind` edge
 * exists (for a union of kinds, when each one's edge does), else `EdgeNotAllowed`.
 */
export type EdgeTarget<From extends Kind, T extends AnyNode> =
  Unchecked<From> extends true ? T
  : Unchecked<T['kind']> extends true ? T
  : [T['kind']] extends [TargetKind<From>] ? T
  : EdgeNotAllowed<From, T['kind'], InsteadOf<From, T['kind']>>;

/**
 * The options of a `From -> To` edge: `EdgeOptions` narrowed to the names its definition lists (their
 * TSDoc kept); every option typed `EdgeTakesNoOptions` when it lists none.
 * @example EdgeOptionsOf<'bucket', 'fn'> // { prefix?: string; suffix?: string }
 */
export type EdgeOptionsOf<From extends Kind, To extends Kind> =
  Unchecked<From> extends true ? EdgeOptions
  : Unchecked<To> extends true ? EdgeOptions
  : [OptionName<From, To>] extends [never] ? { readonly [O in keyof EdgeOptions]?: EdgeTakesNoOptions<From, To> }
  : { [O in keyof EdgeOptions as O extends OptionName<From, To> ? O : never]: EdgeOptions[O] };
