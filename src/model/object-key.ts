/**
 * S3's rule for object keys: 1 to 1,024 bytes of UTF-8. Checked wherever a key enters (`sluice put`,
 * `run --put`, `localPipeline().put`, a step's `ctx.object`), so a key S3 would reject is refused at
 * once rather than stored and failing later.
 */

/** The largest object key S3 accepts, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/**
 * Why `key` cannot be an S3 object key, or undefined when it can. A string with a lone surrogate
 * (half of a UTF-16 pair) has no UTF-8 form, so it cannot be a key either.
 * @example objectKeyProblem('') // 'an object key must be 1 to 1024 bytes of UTF-8 text (given "")'
 */
export function objectKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key.length === 0 || Buffer.byteLength(key) > MAX_KEY_BYTES) {
    return `an object key must be 1 to ${MAX_KEY_BYTES} bytes of UTF-8 text (given ${describeKey(key)})`;
  }
  if (!key.isWellFormed()) return `an object key must be valid Unicode text: it holds half of a UTF-16 surrogate pair (given ${describeKey(key)})`;
  return undefined;
}

function describeKey(key: unknown): string {
  if (typeof key !== 'string') return typeof key;
  const shown = JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
  return key.length > 80 ? `${shown}, ${Buffer.byteLength(key)} bytes` : shown;
}
