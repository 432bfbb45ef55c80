// Command-line options of the benchmarks.
import { UsageError } from './types.ts';

/** An integer option within [min, max], or `fallback` when absent; anything else is a usage error. */
export function intOption(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  return n;
}
