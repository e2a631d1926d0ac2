/**
 * Validation and complexity of SNS subscription filter policies, as SNS checks them at Subscribe /
 * SetSubscriptionAttributes, plus the small helpers (operator names, `$or` recognition, CIDR and
 * wildcard parsing) that the matcher in `filter-policy.ts` shares.
 *
 * Pure: no I/O. Statement ids (FP-xx) refer to section 6 of `docs/aws-semantics.md`.
 * Error texts are AWS's own wording as recorded against real AWS (LocalStack's validated snapshots),
 * without the `Invalid parameter: [Attributes Reason: ]FilterPolicy: ` prefix and Jackson position.
 */
import { BlockList, isIP } from 'node:net';
import type { FilterPolicyProblem, FilterPolicyScope } from './filter-policy.js';

/**
 * Operator names; an object using one of these as a field name is a match expression, not a nested key.
 * @example FILTER_OPERATORS.has('prefix') // true
 */
export const FILTER_OPERATORS: ReadonlySet<string> = new Set([
  'prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'cidr', 'numeric', 'exists', 'anything-but',
]);

/** Largest complexity SNS accepts (FP-21). @example filterPolicyComplexity(p) <= MAX_FILTER_POLICY_COMPLEXITY */
export const MAX_FILTER_POLICY_COMPLEXITY = 150;
/** Most top-level keys SNS accepts (FP-20). @example Object.keys(p).length <= MAX_FILTER_POLICY_KEYS */
export const MAX_FILTER_POLICY_KEYS = 5;
const MAX_POLICY_BYTES = 256 * 1024; // FP-22

/**
 * True for a plain JSON object (not an array, not null).
 * @example isJsonObject({ a: 1 }) // true
 */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * FP-11: `"$or"` is an OR only when its value is an array of at least 2 objects none of which uses a
 * reserved keyword (operator name) as a field; otherwise `"$or"` is an ordinary key name.
 * @example isOrList('$or', [{ a: ['x'] }, { b: ['y'] }]) // true
 */
export function isOrList(key: string, value: unknown): value is Record<string, unknown>[] {
  return key === '$or' && Array.isArray(value) && value.length >= 2
    && value.every((b) => isJsonObject(b) && !Object.keys(b).some((k) => FILTER_OPERATORS.has(k)));
}

/** A CIDR block, ready to match addresses of its family. */
export interface CidrBlock {
  family: 'ipv4' | 'ipv6';
  /** Node's matcher (node:net): prefix arithmetic for both families, IPv6 compression included. */
  list: BlockList;
}

/**
 * Parses `addr/len`; returns AWS's error text when malformed (host bits may be set; they are ignored).
 * @example typeof parseCidr('10.0.0.0/24') // 'object'
 */
export function parseCidr(text: string): CidrBlock | string {
  const parts = text.split('/');
  if (parts.length !== 2) return "Malformed CIDR, one '/' required";
  const [addr, maskText] = parts as [string, string];
  if (!/^\d+$/.test(maskText)) return 'Malformed CIDR, mask bits must be an integer';
  const version = isIP(addr);
  const mask = Number(maskText);
  if (version === 0 || mask > (version === 4 ? 32 : 128)) return `Nonstandard IP address: ${addr}`;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const list = new BlockList();
  list.addSubnet(addr, mask, family);
  return { family, list };
}

/**
 * True when `ip` (text) lies inside `block` (FP-07 cidr). An address of the other family never
 * matches, an IPv4-mapped IPv6 address included (node:net's BlockList would map it).
 * @example cidrContains(parseCidr('10.0.0.0/24') as CidrBlock, '10.0.0.255') // true
 */
export function cidrContains(block: CidrBlock, ip: string): boolean {
  const version = isIP(ip);
  if (version === 0 || (version === 4 ? 'ipv4' : 'ipv6') !== block.family) return false;
  return block.list.check(ip, block.family);
}

/**
 * AWS's complaint about a wildcard pattern, if any: `*` matches any run of characters, `\*` and `\\`
 * are escapes, and two `*` in a row are refused (same rules as EventBridge's wildcard).
 * @example wildcardProblem('a**b') // 'Consecutive wildcard characters at pos 2'
 */
export function wildcardProblem(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') return `Invalid escape character at pos ${i + 1}`;
      i++;
    } else if (c === '*' && pattern[i + 1] === '*') return `Consecutive wildcard characters at pos ${i + 1}`;
  }
  return undefined;
}

/**
 * Compiles a (valid) wildcard pattern into an anchored RegExp.
 * @example wildcardRegExp('*ball').test('baseball') // true
 */
export function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else source += c === '*' ? '[\\s\\S]*' : escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 'u');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * FP-21 complexity: product over keys of (number of values × nesting depth of the key), and for a
 * recognised `$or` the sum over its branches (each branch carries the product accumulated so far).
 * @example complexityOf({ a: ['1', '2', '3'], b: ['1'], c: ['1', '2'] }) // 6
 */
export function complexityOf(obj: Record<string, unknown>, depth = 1, acc = 1): number {
  let total = acc;
  for (const [key, value] of Object.entries(obj)) {
    if (isOrList(key, value)) total = value.reduce<number>((sum, branch) => sum + complexityOf(branch, depth, total), 0);
    else if (Array.isArray(value)) total *= value.length * depth;
    else if (isJsonObject(value)) total = complexityOf(value, depth + 1, total);
  }
  return total;
}

/**
 * Full SNS validation (see `validateFilterPolicy` in `filter-policy.ts`): parse-time problems in
 * document order first (AWS reports those with a JSON position), then key count, complexity and scope.
 * @example validatePolicy({ key: [] }, 'MessageAttributes')[0]?.message // 'Empty arrays are not allowed'
 */
export function validatePolicy(input: unknown, scope: FilterPolicyScope = 'MessageAttributes'): FilterPolicyProblem[] {
  const problems: FilterPolicyProblem[] = [];
  const add = (field: string, message: string, fix?: string) => problems.push({ field, message, ...(fix ? { fix } : {}) });
  if (scope !== 'MessageAttributes' && scope !== 'MessageBody') {
    add('FilterPolicyScope', `Invalid value [${String(scope)}]. Please use either MessageBody or MessageAttributes`);
    return problems;
  }
  let policy = input;
  if (typeof input === 'string') {
    try { policy = JSON.parse(input); } catch { add('FilterPolicy', 'Filter policy is not valid JSON'); return problems; }
  }
  if (!isJsonObject(policy)) { add('FilterPolicy', 'Filter policy must be a JSON object', "map each attribute to the values it must have, e.g. { priority: ['high'] }"); return problems; }
  const text = typeof input === 'string' ? input : JSON.stringify(policy);
  if (new TextEncoder().encode(text).length > MAX_POLICY_BYTES) add('FilterPolicy', 'Filter policy is larger than 256 KB'); // FP-22; wording not recorded

  let nestedAt: string | undefined;
  const walk = (obj: Record<string, unknown>, prefix: string, depth: number): void => {
    if (Object.keys(obj).length === 0) add(prefix || 'FilterPolicy', 'Empty objects are not allowed');
    for (const [key, value] of Object.entries(obj)) {
      if (isOrList(key, value)) { value.forEach((branch) => walk(branch, prefix, depth)); continue; }
      const path = prefix ? `${prefix}.${key}` : key;
      if (Array.isArray(value)) {
        if (value.length === 0) add(path, 'Empty arrays are not allowed'); // FP-22
        for (const rule of value) { const msg = ruleProblem(rule); if (msg) add(path, msg); }
      } else if (isJsonObject(value)) {
        nestedAt ??= path; // FP-22: nesting only with MessageBody scope
        walk(value, path, depth + 1);
      } else add(path, `"${key}" must be an object or an array`, `give its values as a list, e.g. { ${exampleKey(key)}: [${exampleValue(value)}] }, or an operator such as { ${exampleKey(key)}: [{ prefix: 'hi' }] }`);
    }
  };
  walk(policy, '', 1);

  // FP-20: only top-level keys count, also for nested MessageBody policies.
  if (Object.keys(policy).length > MAX_FILTER_POLICY_KEYS) add('FilterPolicy', 'Filter policy can not have more than 5 keys');
  if (complexityOf(policy) > MAX_FILTER_POLICY_COMPLEXITY) add('FilterPolicy', 'Filter policy is too complex'); // FP-21
  if (nestedAt !== undefined && scope === 'MessageAttributes') {
    add(nestedAt, 'Filter policy scope MessageAttributes does not support nested filter policy');
  }
  return problems;
}

/** The problem with one entry of a key's array (a literal or a one-operator object), if any (FP-07, FP-22). */
function ruleProblem(rule: unknown): string | undefined {
  if (rule === null || ['string', 'number', 'boolean'].includes(typeof rule)) return undefined;
  if (!isJsonObject(rule)) return 'Match value must be String, number, true, false, or null';
  const keys = Object.keys(rule);
  if (keys.length === 0) return 'Empty objects are not allowed';
  if (keys.length > 1) return 'Only one key allowed in match expression'; // one operator per object
  const op = keys[0]!;
  const arg = rule[op];
  switch (op) {
    case 'prefix': case 'suffix': case 'equals-ignore-case':
      return typeof arg === 'string' ? undefined : `${op} match pattern must be a string`;
    case 'wildcard':
      return typeof arg === 'string' ? wildcardProblem(arg) : 'wildcard match pattern must be a string';
    case 'cidr': {
      if (typeof arg !== 'string') return 'prefix match pattern must be a string'; // sic: AWS reuses the prefix text
      const block = parseCidr(arg);
      return typeof block === 'string' ? block : undefined;
    }
    case 'exists':
      return typeof arg === 'boolean' ? undefined : 'exists match pattern must be either true or false.';
    case 'numeric': return numericProblem(arg);
    case 'anything-but': return anythingButProblem(arg);
    default: return `Unrecognized match type ${op}`;
  }
}

const NUMERIC_OPS = ['<', '<=', '=', '>', '>='];

/** FP-07 numeric: `[op, n]` or a range `[">"|">=", a, "<"|"<=", b]` with a < b. */
function numericProblem(arg: unknown): string | undefined {
  if (!Array.isArray(arg)) return 'Value of numeric must be an array.';
  if (arg.length === 0) return 'Invalid member in numeric match: ]';
  const [op, value, op2, value2] = arg as unknown[];
  if (typeof op !== 'string') return `Invalid member in numeric match: ${String(op)}`;
  if (!NUMERIC_OPS.includes(op)) return `Unrecognized numeric range operator: ${op}`;
  if (typeof value !== 'number') return `Value of ${op === '=' ? 'equals' : op} must be numeric`;
  if (arg.length === 2) return undefined;
  if (op !== '>' && op !== '>=') return 'Too many elements in numeric expression'; // lower bound comes first
  if (typeof op2 !== 'string') return `Bad value in numeric range: ${String(op2)}`;
  if (op2 !== '<' && op2 !== '<=') return `Bad numeric range operator: ${op2}`;
  if (typeof value2 !== 'number') return `Value of ${op2} must be numeric`;
  if (value2 <= value) return 'Bottom must be less than top';
  if (arg.length > 4) return 'Too many terms in numeric range expression';
  return undefined;
}

/** FP-07 anything-but: a string/number, a list of them, or `{prefix|suffix|wildcard|equals-ignore-case}`. */
function anythingButProblem(arg: unknown): string | undefined {
  if (typeof arg === 'string' || typeof arg === 'number') return undefined;
  if (Array.isArray(arg)) {
    if (arg.length === 0) return 'Empty arrays are not allowed';
    if (arg.some((v) => typeof v !== 'string' && typeof v !== 'number')) {
      return 'Inside anything but list, start|null|boolean is not supported.';
    }
    if (new Set(arg.map((v) => typeof v)).size > 1) {
      return 'Inside anything but list, either all values are number or string, mixed type is not supported';
    }
    return undefined;
  }
  if (!isJsonObject(arg)) return 'Value of anything-but must be an array or single string/number value.';
  const keys = Object.keys(arg);
  if (keys.length === 0) return 'Anything-But expression name not found';
  if (keys.length > 1) return 'Only one key allowed in match expression';
  const inner = keys[0]!;
  const value = arg[inner];
  switch (inner) {
    // FP-24: anything-but/suffix was refused in May 2024 but is documented now; accepted here.
    case 'prefix': case 'suffix':
      if (typeof value !== 'string') return 'prefix/suffix match pattern must be a string';
      return value === '' ? 'Null prefix/suffix not allowed' : undefined;
    case 'wildcard':
      return typeof value === 'string' ? wildcardProblem(value) : 'wildcard match pattern must be a string';
    case 'equals-ignore-case': {
      const ok = typeof value === 'string'
        || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));
      return ok ? undefined : 'equals-ignore-case match pattern must be a string';
    }
    default: return `Unsupported anything-but pattern: ${inner}`;
  }
}

/** A policy key as it reads in TypeScript: bare when it is an identifier, quoted otherwise. */
function exampleKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key.replace(/'/g, "\\'")}'`;
}

/** A value given where a list was expected, as the one entry of that list in the example. */
function exampleValue(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/'/g, "\\'")}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return "'value'";
}
