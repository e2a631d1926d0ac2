/**
 * Amazon SNS subscription filter policies: decide whether a published message reaches a subscription
 * (attribute or payload scope), validate a policy the way Subscribe / SetSubscriptionAttributes do,
 * and compute the complexity SNS limits.
 *
 * Pure: no I/O, no AWS SDK. Statement ids (FP-xx, SNS-xx) refer to sections 5 and 6 of
 * `docs/aws-semantics.md`; the vectors are in `test/conformance/filter-policy-cases.json`.
 * Validation details and shared parsing helpers live in `filter-policy-validate.ts`.
 */
import {
  cidrContains, complexityOf, isJsonObject, isOrList, parseCidr, validatePolicy, wildcardRegExp,
} from './filter-policy-validate.js';

/**
 * Which part of a message a policy reads (FP-02); `MessageAttributes` is the default.
 * @example const scope: FilterPolicyScope = 'MessageBody';
 */
export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/**
 * SNS message attribute as carried in the envelope: { Type: 'String'|'String.Array'|'Number'|'Binary', Value: string } (SNS-02).
 * @example const attr: SnsAttributeValue = { Type: 'Number', Value: '210.75' };
 */
export interface SnsAttributeValue { Type: string; Value: string }

/**
 * A message's attributes by name.
 * @example const attrs: SnsAttributes = { store: { Type: 'String', Value: 'example_corp' } };
 */
export type SnsAttributes = Record<string, SnsAttributeValue>;

/**
 * One reason SNS would refuse a policy. `field` is the dotted policy key concerned, or `FilterPolicy`
 * / `FilterPolicyScope` for the policy as a whole; `message` is AWS's wording without the
 * `Invalid parameter: [Attributes Reason: ]FilterPolicy: ` prefix, e.g. 'Filter policy can not have more than 5 keys'.
 * @example const p: FilterPolicyProblem = { field: 'key', message: 'Empty arrays are not allowed' };
 */
export interface FilterPolicyProblem {
  field: string;
  message: string;
  /** How to write it instead, with an example built from what was given (sluice's, not AWS's). */
  fix?: string;
}

/**
 * Validate a policy as SNS does at Subscribe; returns [] when valid. Accepts the parsed policy or its
 * JSON text. The first problem is the one AWS would report (parse errors before limits, FP-20..FP-22).
 * @example validateFilterPolicy({ key: [{ numeric: ['>', 3, '<', 1] }] }) // [{ field: 'key', message: 'Bottom must be less than top' }]
 */
export function validateFilterPolicy(policy: unknown, scope: FilterPolicyScope = 'MessageAttributes'): FilterPolicyProblem[] {
  return validatePolicy(policy, scope);
}

/**
 * Complexity as SNS computes it (FP-21), exported for tests and the synthesizer: product over keys of
 * (values × nesting depth), summed over the branches of a recognised `$or`. SNS refuses more than 150.
 * `scope` is accepted for symmetry; depth above 1 only arises in MessageBody policies.
 * @example filterPolicyComplexity({ key_a: { key_b: { key_c: ['1', '2', '3', '4'] } }, key_d: { key_e: ['1', '2', '3'] } }, 'MessageBody') // 72
 */
export function filterPolicyComplexity(policy: Record<string, unknown>, scope: FilterPolicyScope = 'MessageAttributes'): number {
  void scope;
  return complexityOf(policy);
}

/**
 * True when a message passes the policy. body is the raw published Message string (used for MessageBody scope).
 * The policy is assumed valid (see {@link validateFilterPolicy}); unknown operators simply never match.
 * @example matchesFilterPolicy({ store: ['example_corp'] }, { body: '', attributes: { store: { Type: 'String', Value: 'example_corp' } } }) // true
 */
export function matchesFilterPolicy(
  policy: Record<string, unknown> | undefined,
  message: { body: string; attributes: SnsAttributes },
  scope: FilterPolicyScope = 'MessageAttributes',
): boolean {
  if (!policy || Object.keys(policy).length === 0) return true; // FP-01
  // FP-02: each scope reads only its own part of the message.
  const leaves = scope === 'MessageBody' ? bodyLeaves(message.body) : attributeLeaves(message.attributes);
  if (!leaves) return false;
  return policyBranches(policy, '', [[]]).some((branch) =>
    satisfiable(branch.map(([path, rules]) => keyCandidates(rules, leaves.get(path) ?? []))));
}

// ---------------------------------------------------------------------------------------------
// Message side: every value the policy could look at, as leaves keyed by dotted path.

type Scalar = string | number | boolean | null;
/** Which element of which payload array a leaf came from: [array id, index] pairs, outermost first. */
type Trail = ReadonlyArray<readonly [number, number]>;
interface Leaf { value: Scalar; trail: Trail }
type Leaves = Map<string, Leaf[]>;

function push(map: Leaves, path: string, leaf: Leaf): void {
  const list = map.get(path);
  if (list) list.push(leaf);
  else map.set(path, [leaf]);
}

/** Attribute scope: String → string, Number → number, String.Array → its elements; Binary ignored (FP-14). */
function attributeLeaves(attributes: SnsAttributes): Leaves | undefined {
  const leaves: Leaves = new Map();
  for (const [name, attr] of Object.entries(attributes ?? {})) {
    const type = attr.Type ?? '';
    if (type.startsWith('Binary')) continue;
    if (type.endsWith('.Array')) {
      // FP-05: each element is matched on its own; elements may be strings, numbers, true/false/null.
      let parsed: unknown;
      try { parsed = JSON.parse(attr.Value); } catch { continue; }
      if (!Array.isArray(parsed)) continue;
      for (const el of parsed) if (!isJsonObject(el) && !Array.isArray(el)) push(leaves, name, { value: el as Scalar, trail: [] });
    } else if (type.startsWith('Number')) {
      const n = Number(attr.Value);
      push(leaves, name, { value: attr.Value.trim() !== '' && Number.isFinite(n) ? n : attr.Value, trail: [] });
    } else push(leaves, name, { value: attr.Value, trail: [] });
  }
  // FP-10: a message without (comparable) attributes matches nothing, not even {"exists": false}.
  return leaves.size > 0 ? leaves : undefined;
}

/**
 * Body scope: FP-12 only a JSON object body can match. Nested objects join their keys with '.', which
 * is what makes a dotted policy key match both `{"a":{"b":…}}` and `{"a.b":…}` (FP-13). Arrays
 * (including arrays of objects and arrays of arrays) are traversed; each element records its index.
 */
function bodyLeaves(body: string): Leaves | undefined {
  let root: unknown;
  try { root = JSON.parse(body); } catch { return undefined; }
  if (!isJsonObject(root)) return undefined;
  const leaves: Leaves = new Map();
  let arrays = 0;
  const visit = (node: unknown, path: string, trail: Trail): void => {
    if (Array.isArray(node)) {
      const id = arrays++;
      node.forEach((el, i) => visit(el, path, [...trail, [id, i]]));
    } else if (isJsonObject(node)) {
      for (const [k, v] of Object.entries(node)) visit(v, path ? `${path}.${k}` : k, trail);
    } else push(leaves, path, { value: node as Scalar, trail });
  };
  visit(root, '', []);
  return leaves;
}

// ---------------------------------------------------------------------------------------------
// Policy side.

/** One AND-branch: every (path, alternatives) pair must hold (FP-03); alternatives are OR-ed (FP-04). */
type Branch = Array<[string, unknown[]]>;

/** Flattens nesting into dotted paths and expands each recognised `$or` into separate branches (FP-11). */
function policyBranches(obj: Record<string, unknown>, prefix: string, branches: Branch[]): Branch[] {
  let out = branches;
  for (const [key, value] of Object.entries(obj)) {
    if (isOrList(key, value)) {
      const current = out;
      out = value.flatMap((alt) => policyBranches(alt, prefix, current));
      continue;
    }
    const path = prefix ? `${prefix}.${key}` : key;
    if (isJsonObject(value)) out = policyBranches(value, path, out);
    else {
      const rules = Array.isArray(value) ? value : [value];
      out = out.map((b) => [...b, [path, rules]]);
    }
  }
  return out;
}

interface KeyMatch { candidates: Leaf[]; absentOk: boolean }

/** The leaves that satisfy at least one alternative, and whether absence itself satisfies the key. */
function keyCandidates(rules: unknown[], leaves: Leaf[]): KeyMatch {
  // FP-10: "exists" needs a non-null, non-empty leaf; objects never reach here (leaf nodes only).
  const present = leaves.filter((l) => l.value !== null && l.value !== '');
  const candidates = new Set<Leaf>();
  let absentOk = false;
  for (const rule of rules) {
    if (isJsonObject(rule) && 'exists' in rule) {
      if (rule.exists === true) present.forEach((l) => candidates.add(l));
      else if (rule.exists === false && present.length === 0) absentOk = true;
      continue;
    }
    for (const leaf of leaves) if (!candidates.has(leaf) && ruleMatches(rule, leaf.value)) candidates.add(leaf);
  }
  return { candidates: [...candidates], absentOk };
}

/**
 * Picks one candidate per key so that leaves taken from the same payload array come from the same
 * element (array consistency, as in AWS's event-ruler; derived, not in the SNS docs). A key satisfied
 * by absence constrains nothing.
 */
function satisfiable(keys: KeyMatch[]): boolean {
  if (keys.some((k) => !k.absentOk && k.candidates.length === 0)) return false;
  const needed = keys.filter((k) => !k.absentOk);
  const pick = (i: number, chosen: Trail[]): boolean =>
    i === needed.length || needed[i]!.candidates.some((leaf) =>
      chosen.every((t) => consistent(t, leaf.trail)) && pick(i + 1, [...chosen, leaf.trail]));
  return pick(0, []);
}

function consistent(a: Trail, b: Trail): boolean {
  return a.every(([id, i]) => b.every(([id2, j]) => id !== id2 || i === j));
}

const regexCache = new Map<string, RegExp>();
function wildcard(pattern: string, value: string): boolean {
  let re = regexCache.get(pattern);
  if (!re) regexCache.set(pattern, (re = wildcardRegExp(pattern)));
  return re.test(value);
}

/** String operators; only JSON strings (or String attributes) can satisfy them. */
function stringOp(op: string, arg: unknown, value: string): boolean {
  switch (op) {
    case 'prefix': return typeof arg === 'string' && value.startsWith(arg);
    case 'suffix': return typeof arg === 'string' && value.endsWith(arg);
    // FP-06: plain matching is case-sensitive; equals-ignore-case is the explicit exception.
    case 'equals-ignore-case': {
      const wanted = Array.isArray(arg) ? arg : [arg];
      return wanted.some((w) => typeof w === 'string' && w.toLowerCase() === value.toLowerCase());
    }
    case 'wildcard': return typeof arg === 'string' && wildcard(arg, value);
    case 'cidr': {
      const block = typeof arg === 'string' ? parseCidr(arg) : 'not a string';
      return typeof block !== 'string' && cidrContains(block, value);
    }
    default: return false;
  }
}

/** One alternative against one leaf value (exists is handled by the caller). */
function ruleMatches(rule: unknown, value: Scalar): boolean {
  // Literals: strings match strings exactly (FP-06); numbers match numbers by value (FP-08); true/false/null match themselves.
  if (!isJsonObject(rule)) return rule === value;
  const [op] = Object.keys(rule);
  if (op === undefined) return false;
  const arg = rule[op];
  if (op === 'numeric') return typeof value === 'number' && numericMatches(arg, value); // FP-15: JSON strings never do
  if (op === 'anything-but') return anythingButMatches(arg, value);
  return typeof value === 'string' && stringOp(op, arg, value);
}

/** FP-08: compares values, so 3.015e2 equals 301.5; a range is two comparisons AND-ed. */
function numericMatches(spec: unknown, value: number): boolean {
  if (!Array.isArray(spec) || spec.length < 2) return false;
  for (let i = 0; i + 1 < spec.length; i += 2) {
    const bound = spec[i + 1];
    if (typeof bound !== 'number') return false;
    if (!compare(spec[i], value, bound)) return false;
  }
  return true;
}

function compare(op: unknown, value: number, bound: number): boolean {
  switch (op) {
    case '=': return value === bound;
    case '<': return value < bound;
    case '<=': return value <= bound;
    case '>': return value > bound;
    case '>=': return value >= bound;
    default: return false;
  }
}

/**
 * FP-09: anything-but matches only a present value outside the list (absence needs {"exists": false});
 * for arrays each element is tried on its own, so one element outside the list is enough.
 */
function anythingButMatches(arg: unknown, value: Scalar): boolean {
  if (value === null) return false;
  if (Array.isArray(arg)) return !arg.some((v) => v === value);
  if (isJsonObject(arg)) {
    const [inner] = Object.keys(arg);
    if (inner === undefined) return false;
    // A number or boolean can never start/end with/equal a string pattern, so it is "anything but" it.
    return typeof value !== 'string' || !stringOp(inner, arg[inner], value);
  }
  return arg !== value;
}
