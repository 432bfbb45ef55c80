// The contract between bench/run.ts and one benchmark module (bench/<name>.ts).

export interface BenchContext {
  /** Human-readable progress and tables (never the final JSON line: run.ts prints that). */
  log(line?: string): void;
  /** Registers a clean-up step run on success, failure, Ctrl-C and the hard timeout (latest first). */
  onCleanup(fn: () => unknown): () => void;
  /** Aborted when the hard timeout fires or on Ctrl-C: stop starting new work. */
  signal: AbortSignal;
}

export interface BenchOutcome {
  /** Printed by run.ts as the last line of output, in JSON, with `bench` first. */
  result: Record<string, unknown>;
  /** The numbers are incomplete (e.g. some runs failed): exit code 1, result still printed. */
  failed?: boolean;
}

export interface Benchmark {
  /** One line for `npm run bench` without a name. */
  description: string;
  /** Options, shown by `--help` and on bad arguments. */
  usage: string;
  /** Hard cap for the whole benchmark with these arguments; throws on bad arguments. */
  timeoutMs(args: string[]): number;
  run(args: string[], ctx: BenchContext): Promise<BenchOutcome>;
}

/** Thrown for bad command-line arguments: run.ts prints the message and the usage. */
export class UsageError extends Error {}
