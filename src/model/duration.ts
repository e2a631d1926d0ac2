/**
 * Durations in props: a number of seconds, or a string like `500ms`, `30s`, `5m`, `2h`, `1d`.
 */

/** A duration: seconds as a number, or a string with a unit (`ms`, `s`, `m`, `h`, `d`). */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}` | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds in a duration, or undefined when it cannot be read.
 * @example durationMs('5m') // 300000
 */
export function durationMs(value: Duration): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** Whole seconds in a duration (rounded up), or undefined when it cannot be read. */
export function durationSeconds(value: Duration): number | undefined {
  const ms = durationMs(value);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}
