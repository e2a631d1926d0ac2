/**
 * Deterministic sampling of a branch's root inputs: a key is in a `percent` sample when the first four
 * bytes of its SHA-1 put it below that share of 2^32. The same key is in or out on every run, every
 * stage and both sides of a comparison, so a 1% branch and main's lineage-restricted side agree.
 */
import * as crypto from 'node:crypto';

/** Node's one-shot `crypto.hash` (Node 20.12+, 21.7+): several times faster than `createHash` for short keys. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

/** The first four bytes of sha1(key), as an unsigned 32-bit number. */
const first32: (key: string) => number = oneShot
  ? (key) => parseInt(oneShot('sha1', key).slice(0, 8), 16)
  : (key) => crypto.createHash('sha1').update(key, 'utf8').digest().readUInt32BE(0);

/**
 * Where `key` falls in [0, 100): sha1(key)'s first 4 bytes / 2^32 * 100.
 * @example sampleValue('orders/2024-01-01.csv') // the same number on every run
 */
export function sampleValue(key: string): number {
  return (first32(key) / 2 ** 32) * 100;
}

/**
 * Whether `key` is in a sample of `percent` percent (0..100) of keys.
 * @example inSample('raw/a.csv', 10) // true for about one key in ten, always the same ones
 */
export function inSample(key: string, percent: number): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  return sampleValue(key) < percent;
}
