// The QR poster staff print: a PDF that prints its Chinese with the embedded font alone (poppler
// under an empty fontconfig, as on a machine without our fonts), names the centre and /apply, and
// carries a QR code; centre staff may download it, a person without a staff session may not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { posterLines } from '../../signaling/intake/public/poster-pdf.ts';
import { pdffonts, pdftotext, renderGray, writePdf } from '../signing/pdf-tools.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { addStaff } from './public-support.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
}, 60_000);
afterAll(() => server?.close());

describe('the apply poster', () => {
  it('is a one-page PDF with the centre, the steps and a QR code to /apply, drawn with its own font', async () => {
    const { client } = await addStaff(server, { username: 'duty-poster', displayName: '赵受理', role: 'DISPATCHER' });
    const res = await client.request('GET', '/api/intake/public/poster.pdf');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const file = writePdf(new Uint8Array(await res.arrayBuffer()));
    const text = pdftotext(file).replace(/\s+/g, '');
    const lines = posterLines('青山区综治中心');
    for (const line of [lines.title, lines.subtitle, ...lines.steps, lines.footer]) expect(text).toContain(line.replace(/\s+/g, ''));
    expect(text).toContain(`${server.url}/apply`);
    expect(pdffonts(file)).toMatch(/NotoSansSC-Regular.*yes\s+yes/);
    // Rendered without any system font: the QR block is about half dark, and each step line has ink.
    const { width, height, data } = renderGray(file, 1, 72);
    const dark = (x0: number, y0: number, x1: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (data[y * width + x]! < 128) n++;
      return n / ((x1 - x0) * (y1 - y0));
    };
    const qr = dark(Math.round(width / 2 - 150), 190, Math.round(width / 2 + 150), 490);
    expect(qr).toBeGreaterThan(0.3);
    expect(qr).toBeLessThan(0.7);
    // The three step lines, 32 pt apart below the QR code and its URL line.
    for (let i = 0; i < 3; i++) {
      const baseline = height - (height - 190 - 300 - 80 - i * 32);
      expect(dark(70, baseline - 14, width - 70, baseline + 2), `step line ${i + 1}`).toBeGreaterThan(0.04);
    }
  });

  it('is for centre staff only', async () => {
    expect((await fetch(`${server.url}/api/intake/public/poster.pdf`)).status).toBe(401);
  });
});
