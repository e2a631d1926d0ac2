/**
 * Durations summed up the way the console shows them: how many, the median and the 95th percentile
 * (nearest rank), shared by both stages.
 */

/** Count, p50 and p95 of durations in milliseconds. */
export function percentiles(durations: readonly number[]): { count: number; p50?: number; p95?: number } {
  if (durations.length === 0) return { count: 0 };
  const sorted = [...durations].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { count: sorted.length, p50: rank(50), p95: rank(95) };
}
