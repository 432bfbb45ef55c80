// The import half of `npm run bench -- intake`: a realistic 500-row financial-dispute .xlsx (a
// bank's overdue loans, valid ID and phone numbers) imported through the real API of a running
// server — each row a matter registered, accepted and assigned, a case with both parties and their
// invitation links sent by the development SMS provider — several times; p50 and rows per second.
// Target: 500 rows ≤ 10 s. measureImport starts its own server on loopback unless given one.
import { performance } from 'node:perf_hooks';
import { XLSX_MIME } from '../signaling/intake-desk/import/columns.ts';
import { unitStaff } from '../tests/intake/desk-helpers.ts';
import { financialDisputeRow, importXlsx } from '../tests/intake/import-files.ts';
import { startTestServer, type TestServer } from '../tests/support/server.ts';
import { percentile } from './lib/stats.ts';

export interface ImportMeasureOptions {
  rows?: number;
  runs?: number;
  /** Send the invitation links (default true: what the bench asks). */
  sendLinks?: boolean;
  /** A server started by the caller (its data folder must be writable); default: one started here and closed after. */
  server?: TestServer;
}

export interface ImportMeasurement {
  rows: number;
  runs: number;
  p50_ms: number;
  rowsPerSecond: number;
  all_ms: number[];
}

export async function measureImport(opts: ImportMeasureOptions = {}): Promise<ImportMeasurement> {
  const rows = opts.rows ?? 500;
  const runs = opts.runs ?? 3;
  const server = opts.server ?? (await startTestServer());
  try {
    const stamp = Date.now().toString(36);
    const dispatcher = await unitStaff(server, 'centre-office', 'DISPATCHER', `bench-d-${stamp}`, '压测受理员');
    const mediator = await unitStaff(server, 'financial', 'MEDIATOR', `bench-m-${stamp}`, '压测调解员');
    const all: number[] = [];
    for (let run = 0; run < runs; run++) {
      const file = await importXlsx(Array.from({ length: rows }, (_, i) => financialDisputeRow(i, run + 1)));
      const started = performance.now();
      const res = await fetch(`${server.url}/api/intake/imports?mediatorId=${mediator.id}&sendLinks=${opts.sendLinks === false ? '0' : '1'}`, {
        method: 'POST',
        headers: { cookie: dispatcher.client.cookie, 'x-csrf-token': dispatcher.client.csrfToken, 'content-type': XLSX_MIME },
        body: new Uint8Array(file),
        signal: AbortSignal.timeout(300_000),
      });
      const body = (await res.json()) as { imported?: unknown[]; code?: string; message?: string };
      const ms = performance.now() - started;
      if (res.status !== 201 || body.imported?.length !== rows)
        throw new Error(`import run ${run + 1}: HTTP ${res.status} ${body.code ?? ''} ${body.message ?? ''}`);
      all.push(Math.round(ms));
    }
    const p50 = percentile(all, 50) ?? 0;
    return { rows, runs, p50_ms: Math.round(p50), rowsPerSecond: Math.round((rows / p50) * 1000 * 10) / 10, all_ms: all };
  } finally {
    if (!opts.server) await server.close();
  }
}
