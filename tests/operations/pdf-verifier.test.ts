// The public PDF verifier (POST /api/verify) against the real server: a crafted 9.6 MB PDF whose
// signature is millions of tiny DER elements (about a second and 400 MB when parsed on the event
// loop) is refused with PDF_TOO_COMPLEX by a memory-capped worker thread, while the server keeps
// answering other requests; ordinary uploads still get their verdict; the time limit holds too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfVerifier } from '../../signaling/signing/pdf-verifier.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** A PDF whose /Contents is one DER SEQUENCE of `nulls` NULL elements, its /ByteRange covering the file. */
function pathologicalPdf(nulls: number): Buffer {
  const inner = Buffer.alloc(nulls * 2);
  for (let i = 0; i < nulls; i++) inner[i * 2] = 0x05;
  const head = Buffer.from([0x30, 0x84, 0, 0, 0, 0]);
  head.writeUInt32BE(inner.length, 2);
  const hex = Buffer.concat([head, inner]).toString('hex');
  const pre = '%PDF-1.7\n1 0 obj << /Type /Sig /ByteRange [0 AAAAAAAAAA BBBBBBBBBB 0] /Contents <';
  const text = pre.replace('AAAAAAAAAA', String(pre.length - 1).padStart(10, '0')).replace('BBBBBBBBBB', String(pre.length + hex.length + 1).padStart(10, '0'));
  return Buffer.from(`${text}${hex}>`, 'latin1');
}

const verify = (body: Buffer) =>
  fetch(`${server.url}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(body) });

describe('PDF verification runs with limits', () => {
  it('refuses a pathological PDF with PDF_TOO_COMPLEX, and the server keeps answering meanwhile', async () => {
    const pdf = pathologicalPdf(2_400_000);
    expect(pdf.length).toBeGreaterThan(9_000_000);
    // Probe the event loop while the upload is verified: every answer must come quickly.
    const latencies: number[] = [];
    let done = false;
    const probe = (async () => {
      while (!done) {
        const t = performance.now();
        await fetch(`${server.url}/api/meta`);
        latencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const started = performance.now();
    const res = await verify(pdf);
    const took = performance.now() - started;
    done = true;
    await probe;
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'PDF_TOO_COMPLEX', message: expect.stringMatching(/过于复杂/) });
    expect(took).toBeLessThan(15_000);
    console.log(
      `pathological PDF refused in ${Math.round(took)} ms; /api/meta answered ${latencies.length}×, slowest ${Math.round(Math.max(...latencies))} ms`,
    );
    expect(Math.max(...latencies)).toBeLessThan(500);
  });

  it('still gives ordinary uploads their verdict (unsigned, broken signature)', async () => {
    const unsigned = await verify(Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n', 'latin1'));
    expect(unsigned.status).toBe(200);
    expect((await unsigned.json()).verdict).toMatchObject({ signed: false, valid: false });
    const broken = await verify(pathologicalPdf(10));
    expect(broken.status).toBe(200);
    expect((await broken.json()).verdict).toMatchObject({ signed: true, valid: false, problems: [expect.any(String)] });
  });

  it('ends a verification that runs past its time limit with PDF_TOO_COMPLEX', async () => {
    const verifier = new PdfVerifier({ timeoutMs: 50, maxMemoryMb: 512, concurrency: 1 });
    await expect(verifier.verify(pathologicalPdf(2_400_000))).rejects.toMatchObject({ code: 'PDF_TOO_COMPLEX', message: expect.stringMatching(/秒/) });
  });
});
