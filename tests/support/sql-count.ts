// How many SQL statements a piece of work runs against SQLite: a measure of a path's cost that does
// not depend on how busy the machine is (the import bench reports it per row). It counts every
// statement better-sqlite3 executes in this process while `work` runs, so the server must run in
// this process (startTestServer) and be otherwise quiet (background pollers add a few).
import { openSqlite } from '../../signaling/sqlite-binding.ts';

type Method = (...args: unknown[]) => unknown;
const EXECUTING = ['run', 'get', 'all', 'iterate'] as const;

export interface StatementCount<T> {
  result: T;
  statements: number;
  /** Statements by their first words (INSERT INTO `main`.`Matter` …), most frequent first. */
  byKind: [string, number][];
}

export async function countStatements<T>(work: () => Promise<T>): Promise<StatementCount<T>> {
  // The server's connections load the same addon (signaling/sqlite-binding.ts): one Statement class.
  const probe = openSqlite(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, Method>;
  probe.close();
  const kinds = new Map<string, number>();
  const originals = EXECUTING.map((name) => [name, proto[name]!] as const);
  for (const [name, original] of originals) {
    proto[name] = function (this: { source: string }, ...args: unknown[]) {
      const kind = this.source.replace(/\s+/g, ' ').split(' ').slice(0, 3).join(' ');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
  try {
    const result = await work();
    const byKind = [...kinds.entries()].sort((a, b) => b[1] - a[1]);
    return { result, statements: byKind.reduce((n, [, c]) => n + c, 0), byKind };
  } finally {
    for (const [name, original] of originals) proto[name] = original;
  }
}
