/**
 * S3 event notifications as AWS shapes them: the event-key encoding, prefix/suffix key filters,
 * the overlap rule S3 enforces when a bucket's notification configuration is saved, and builders
 * for the `ObjectCreated` record, the whole `{ Records: [...] }` payload and the one-off
 * `s3:TestEvent`.
 *
 * Pure: no I/O, no clock, no randomness. Every default a builder fills in is derived from its input,
 * so the same input always gives the same record.
 *
 * Statement ids (S3-01..S3-13) refer to section 4 of the conformance reference
 * (`docs/aws-semantics.md`); the vectors are in `test/conformance/s3-event-cases.json`.
 */
import { InputError } from './errors.js';

/** A key filter: at most one prefix and one suffix, written as they appear in the ENCODED key (S3-11). */
export interface S3KeyFilter {
  /** The encoded key must start with this (a space is written `+`, `=` is written `%3D`, ...). */
  prefix?: string;
  /** The encoded key must end with this. */
  suffix?: string;
}

/** One notification configuration of a bucket (one of its QueueConfigurations, TopicConfigurations, ...). */
export interface S3NotificationConfig {
  /** The configuration's Id; it becomes `s3.configurationId` in the records it produces. */
  id?: string;
  /** Configured event types, with the `s3:` prefix: `'s3:ObjectCreated:*'`, `'s3:ObjectCreated:Put'`. */
  events: string[];
  /** Prefix filter value, as for {@link S3KeyFilter.prefix}. */
  prefix?: string;
  /** Suffix filter value, as for {@link S3KeyFilter.suffix}. */
  suffix?: string;
}

/** S3-10: a filter value is at most 1,024 characters. */
export const S3_MAX_FILTER_VALUE_LENGTH = 1024;

/** The event names an ObjectCreated record can carry (S3-02); `*` forms exist only in configurations. */
export const OBJECT_CREATED_EVENT_NAMES = [
  'ObjectCreated:Put',
  'ObjectCreated:Post',
  'ObjectCreated:Copy',
  'ObjectCreated:CompleteMultipartUpload',
] as const;

// ---------------------------------------------------------------------------------------------
// Key encoding (S3-03)
// ---------------------------------------------------------------------------------------------

const HEX = '0123456789ABCDEF';
const utf8 = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True for the bytes form-urlencoding leaves as they are. */
function isKeptByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) || // 0-9
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    b === 0x2d || // -
    b === 0x5f || // _
    b === 0x2e || // .
    // '*' kept and '~' escaped, as Java's URLEncoder and the WHATWG form encoder both do. AWS
    // behaviour for these two is not evidenced (s3-event-cases.json _meta), so tests avoid them.
    b === 0x2a // *
  );
}

/**
 * The key as S3 puts it in event records (S3-03): application/x-www-form-urlencoded per path
 * segment. UTF-8 bytes, upper-case `%XX` escapes, space becomes `+`, `+` becomes `%2B`, `/` is
 * kept; `A-Z a-z 0-9 - _ .` are kept.
 *
 * @throws TypeError if the key holds a lone UTF-16 surrogate (no S3 key can: keys are UTF-8).
 * @example
 * encodeEventKey('dir/sub dir/a+b=1.txt'); // 'dir/sub+dir/a%2Bb%3D1.txt'
 */
export function encodeEventKey(key: string): string {
  // A lone surrogate has no UTF-8 form; TextEncoder would silently turn it into U+FFFD and the
  // event key would name a different object.
  if (LONE_SURROGATE.test(key)) throw new InputError('SLUICE_E_OBJECT_KEY', `S3 object key is not valid Unicode: it holds half of a UTF-16 surrogate pair (given ${JSON.stringify(key)})`, { field: 'key', given: key, expected: 'valid Unicode text' });
  let out = '';
  for (const b of utf8.encode(key)) {
    if (isKeptByte(b) || b === 0x2f /* '/' stays: S3-03, observed in real events */) out += String.fromCharCode(b);
    else if (b === 0x20) out += '+';
    else out += '%' + HEX[b >> 4] + HEX[b & 0x0f];
  }
  return out;
}

/**
 * Decode an event key back to the object key, which is what a Lambda handler must do before it
 * calls GetObject: `+` becomes a space first, then `%XX` escapes are decoded as UTF-8.
 *
 * @throws URIError on a malformed escape (never produced by {@link encodeEventKey}).
 * @example
 * decodeEventKey('dir/sub+dir/a%2Bb%3D1.txt'); // 'dir/sub dir/a+b=1.txt'
 */
export function decodeEventKey(eventKey: string): string {
  // Order matters (S3-03): a literal '+' in the key arrives as %2B, so every '+' left is a space.
  return decodeURIComponent(eventKey.replace(/\+/g, ' '));
}

// ---------------------------------------------------------------------------------------------
// Filters (S3-10, S3-11, S3-12)
// ---------------------------------------------------------------------------------------------

/**
 * Does an object key pass a key filter? S3-11: the filter values are compared case-sensitively
 * with the ENCODED key, so a filter value must be written encoded (`my+folder/`, `x%3D1/`).
 * No filter, or an empty one, matches every key.
 *
 * @param key the object key as stored (not encoded); it is encoded here.
 * @example
 * matchesKeyFilter({ prefix: 'my+folder/' }, 'my folder/a.txt'); // true
 * matchesKeyFilter({ prefix: 'my folder/' }, 'my folder/a.txt'); // false: a raw space never matches
 */
export function matchesKeyFilter(filter: S3KeyFilter | undefined, key: string): boolean {
  if (!filter) return true;
  const eventKey = encodeEventKey(key);
  // Plain startsWith/endsWith: no case folding and no wildcards (S3-10, S3-11).
  return eventKey.startsWith(filter.prefix ?? '') && eventKey.endsWith(filter.suffix ?? '');
}

/**
 * Do two key prefixes overlap, i.e. could some key start with both? True iff one is a prefix of
 * the other; a missing prefix is `''` and overlaps everything (S3-12). Exported for loop detection
 * (a function writing back into the bucket that triggers it).
 *
 * @example
 * prefixesOverlap('images/', 'images/thumbs/'); // true
 * prefixesOverlap('images/', 'logs/');          // false
 * prefixesOverlap(undefined, 'logs/');          // true
 */
export function prefixesOverlap(a: string | undefined, b: string | undefined): boolean {
  const x = a ?? '';
  const y = b ?? '';
  return x.startsWith(y) || y.startsWith(x);
}

/**
 * Do two key suffixes overlap, i.e. could some key end with both? True iff one is a suffix of the
 * other; a missing suffix is `''` and overlaps everything (S3-12).
 *
 * @example
 * suffixesOverlap('.jpg', '.png');       // false
 * suffixesOverlap('.jpg', 'thumb.jpg');  // true
 * suffixesOverlap('.jpg', undefined);    // true
 */
export function suffixesOverlap(a: string | undefined, b: string | undefined): boolean {
  const x = a ?? '';
  const y = b ?? '';
  return x.endsWith(y) || y.endsWith(x);
}

/**
 * Could one key pass both filters? True iff the prefixes overlap and the suffixes overlap: the key
 * `longerPrefix + longerSuffix` then passes both, so the two checks are independent (S3-12).
 *
 * @example
 * keyFiltersOverlap({ prefix: 'in/' }, { prefix: 'in/', suffix: '.csv' }); // true
 * keyFiltersOverlap({ suffix: '.jpg' }, { suffix: '.png' });                // false
 */
export function keyFiltersOverlap(a: S3KeyFilter | undefined, b: S3KeyFilter | undefined): boolean {
  return prefixesOverlap(a?.prefix, b?.prefix) && suffixesOverlap(a?.suffix, b?.suffix);
}

/**
 * Do two configured event types intersect? A type ending in `*` covers every type that starts with
 * what precedes the `*`: `s3:ObjectCreated:*` intersects `s3:ObjectCreated:Put` (S3-12).
 *
 * @example
 * eventTypesIntersect('s3:ObjectCreated:*', 's3:ObjectCreated:Put'); // true
 * eventTypesIntersect('s3:ObjectCreated:Put', 's3:ObjectRemoved:*'); // false
 */
export function eventTypesIntersect(a: string, b: string): boolean {
  const aWild = a.endsWith('*');
  const bWild = b.endsWith('*');
  const aStem = aWild ? a.slice(0, -1) : a;
  const bStem = bWild ? b.slice(0, -1) : b;
  if (aWild && bWild) return aStem.startsWith(bStem) || bStem.startsWith(aStem);
  if (aWild) return b.startsWith(aStem);
  if (bWild) return a.startsWith(bStem);
  return a === b;
}

/**
 * Does a configuration's event list cover a record's event name? Record names carry no `s3:`
 * prefix (S3-02), configured types do; a name given with the prefix is accepted too.
 *
 * @example
 * matchesEventType(['s3:ObjectCreated:*'], 'ObjectCreated:Copy'); // true
 * matchesEventType(['s3:ObjectCreated:Put'], 'ObjectCreated:Post'); // false
 */
export function matchesEventType(configured: readonly string[], eventName: string): boolean {
  const full = eventName.startsWith('s3:') ? eventName : `s3:${eventName}`;
  return configured.some((type) => eventTypesIntersect(type, full));
}

/**
 * The pairs `[i, j]` (`i < j`) of configurations that overlap, each of which makes S3 reject
 * PutBucketNotificationConfiguration (S3-12): their event types intersect AND their prefixes
 * overlap AND their suffixes overlap. A missing prefix or suffix overlaps everything. An empty
 * result means the set is acceptable as far as overlap goes (see {@link validateKeyFilter} too).
 *
 * @example
 * findOverlappingNotifications([
 *   { events: ['s3:ObjectCreated:Put'] },
 *   { events: ['s3:ObjectCreated:*'], prefix: 'images/' },
 * ]); // [[0, 1]]: no prefix overlaps 'images/'
 */
export function findOverlappingNotifications(configs: S3NotificationConfig[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < configs.length; i++) {
    for (let j = i + 1; j < configs.length; j++) {
      const a = configs[i]!;
      const b = configs[j]!;
      // Same filter, different event types is fine; overlapping prefixes are fine if the suffixes
      // are disjoint (S3-12). All three must overlap to conflict.
      const typesMeet = a.events.some((x) => b.events.some((y) => eventTypesIntersect(x, y)));
      if (typesMeet && keyFiltersOverlap(a, b)) pairs.push([i, j]);
    }
  }
  return pairs;
}

/** Characters an encoded key can contain; a filter with any other character can never match. */
const ENCODED_KEY_CHARS = /^[A-Za-z0-9\-_.*~/+%]*$/;

/**
 * Validate one key filter; returns every problem as a message (empty = fine). Checks S3-10 (value at
 * most 1,024 characters, no `*` wildcard) and S3-11 (values must be written encoded: a raw space, a
 * raw `=` or a lower-case `%xx` escape can never match an event key, which AWS accepts silently).
 * For "at most one prefix and one suffix" on raw FilterRules see {@link keyFilterFromRules}.
 *
 * @example
 * validateKeyFilter({ prefix: 'in/', suffix: '.csv' }); // []
 * validateKeyFilter({ prefix: 'my folder/' });          // ["prefix 'my folder/' contains ' ' ..."]
 */
export function validateKeyFilter(filter: S3KeyFilter): string[] {
  const problems: string[] = [];
  for (const name of ['prefix', 'suffix'] as const) {
    const value: unknown = filter[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      problems.push(`${name} must be a string, got ${typeof value}`);
      continue;
    }
    const shown = `${name} '${value.length > 60 ? value.slice(0, 57) + '...' : value}'`;
    if (LONE_SURROGATE.test(value)) {
      problems.push(`${shown} is not valid Unicode (lone surrogate)`);
      continue;
    }
    if (value.length > S3_MAX_FILTER_VALUE_LENGTH) {
      problems.push(`${shown} is ${value.length} characters; S3 allows at most ${S3_MAX_FILTER_VALUE_LENGTH}`);
    }
    // S3-10: "A wildcard character ("*") can't be used in filters". Whether S3 rejects it or takes
    // it literally is undocumented; either way it does not act as a wildcard, so flag it.
    if (value.includes('*')) {
      problems.push(`${shown} contains '*': S3 filters have no wildcards; write the literal ${name} (e.g. suffix '.jpg')`);
    }
    // S3-11: the comparison is with the encoded key, so characters the encoding never emits make a
    // filter that silently matches nothing (the aws-cdk 'schemaVersion=1/' report).
    if (!ENCODED_KEY_CHARS.test(value)) {
      const bad = [...new Set([...value].filter((c) => !ENCODED_KEY_CHARS.test(c)))];
      problems.push(
        `${shown} contains ${bad.map((c) => `'${c}'`).join(', ')}, which never appear in an event key; ` +
          `filters are compared with the URL-encoded key, write ${bad.map((c) => `'${encodeEventKey(c)}'`).join(', ')}`,
      );
    }
    // Event keys use upper-case escapes only (S3-03); '%' must start one.
    const badEscape = /%(?![0-9A-F]{2})/.exec(value);
    if (badEscape) {
      problems.push(`${shown} has '${value.slice(badEscape.index, badEscape.index + 3)}', not an upper-case %XX escape as event keys use`);
    }
  }
  return problems;
}

/** One AWS FilterRule as in the S3 API and CloudFormation (`Name` is `prefix` or `suffix`). */
export interface S3FilterRule {
  Name: string;
  Value: string;
}

/**
 * Turn AWS FilterRules into an {@link S3KeyFilter}, reporting what S3 would reject (S3-10): a rule
 * name other than prefix/suffix, or more than one prefix or suffix rule. The values themselves are
 * checked by {@link validateKeyFilter}. Names are compared case-insensitively because S3 returns
 * `Prefix`/`Suffix` while the API model documents `prefix`/`suffix`.
 *
 * @example
 * keyFilterFromRules([{ Name: 'prefix', Value: 'in/' }, { Name: 'Suffix', Value: '.csv' }]);
 * // { filter: { prefix: 'in/', suffix: '.csv' }, problems: [] }
 */
export function keyFilterFromRules(rules: readonly S3FilterRule[]): { filter: S3KeyFilter; problems: string[] } {
  const filter: S3KeyFilter = {};
  const problems: string[] = [];
  for (const rule of rules) {
    const name = rule.Name.toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') {
      problems.push(`filter rule name '${rule.Name}' is not 'prefix' or 'suffix'`);
      continue;
    }
    if (filter[name] !== undefined) {
      problems.push(`more than one ${name} rule: S3 allows at most one prefix and one suffix per configuration`);
      continue;
    }
    filter[name] = rule.Value;
  }
  return { filter, problems };
}

// ---------------------------------------------------------------------------------------------
// Sequencer (S3-06)
// ---------------------------------------------------------------------------------------------
