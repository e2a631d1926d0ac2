/**
 * Object-level deltas: keys only one side has, and keys whose bytes differ. Two objects are the same
 * when both MD5s are known and equal; otherwise when their sizes and then their bytes are equal (a
 * multipart upload's ETag is not an MD5 of the bytes, so it is never compared).
 */
import { open } from 'node:fs/promises';
import type { DeltaObject, ObjectDeltas } from './types.js';

const MD5_HEX = /^[0-9a-f]{32}$/i;
const CHUNK = 1 << 20;

/** Whether two local files hold the same bytes, read side by side until the first difference. */
async function sameBytes(a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  const [fa, fb] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const ba = Buffer.allocUnsafe(CHUNK);
    const bb = Buffer.allocUnsafe(CHUNK);
    for (let position = 0; ; position += CHUNK) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, CHUNK, position), fb.read(bb, 0, CHUNK, position)]);
      if (ra.bytesRead !== rb.bytesRead) return false;
      if (ra.bytesRead === 0) return true;
      if (!ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
    }
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

/** Whether two objects hold the same bytes (by MD5 when both know it, else by size and bytes). */
export async function sameObject(main: DeltaObject, branch: DeltaObject): Promise<boolean> {
  const md5Main = main.etag?.replace(/"/g, '');
  const md5Branch = branch.etag?.replace(/"/g, '');
  if (md5Main && md5Branch && MD5_HEX.test(md5Main) && MD5_HEX.test(md5Branch)) return md5Main.toLowerCase() === md5Branch.toLowerCase();
  if (main.size !== branch.size) return false;
  return sameBytes(main.path, branch.path);
}

/**
 * Compares both sides' objects by key; `unreadable` is left empty for the tables to fill.
 * @example await objectDeltas(sides.main, sides.branch, (done, total) => {})
 */
export async function objectDeltas(main: DeltaObject[], branch: DeltaObject[], onObject?: () => void): Promise<ObjectDeltas> {
  const mainByKey = new Map(main.map((o) => [o.key, o]));
  const branchKeys = new Set(branch.map((o) => o.key));
  const deltas: ObjectDeltas = { added: [], removed: [], changed: [], unchanged: 0, unreadable: [] };
  for (const object of branch) {
    const before = mainByKey.get(object.key);
    if (!before) deltas.added.push(object.key);
    else if (await sameObject(before, object)) deltas.unchanged++;
    else deltas.changed.push(object.key);
    onObject?.();
  }
  for (const object of main) {
    if (branchKeys.has(object.key)) continue;
    deltas.removed.push(object.key);
    onObject?.();
  }
  for (const list of [deltas.added, deltas.removed, deltas.changed]) list.sort();
  return deltas;
}
