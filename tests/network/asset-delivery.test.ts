// What a phone downloads: the built client is sent precompressed (brotli, else gzip) and its
// content-hashed files are cached for a year, while index.html is revalidated on every visit; a
// room link's page preloads the room's code.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetCacheControl } from '../../signaling/http/app.ts';
import { SMALL_CHUNK_BYTES } from '../../web-client/vite.config.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DIST = path.resolve('web-client/dist');

describe('built client delivery', () => {
  let server: TestServer;
  let assets: string[];

  beforeAll(async () => {
    server = await startTestServer();
    const html = await (await fetch(`${server.url}/`)).text();
    assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  }, 60_000);
  afterAll(() => server?.close());

  it('sends index.html revalidated, never cached as immutable', async () => {
    for (const url of ['/', '/login', '/cases/whatever']) {
      const res = await fetch(server.url + url);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control'), url).toBe('no-cache');
    }
  });

  it('sends each hashed asset brotli-compressed to a browser that accepts it, and immutable for a year', async () => {
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const url of assets) {
      const res = await fetch(server.url + url, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding'), url).toBe('br');
      expect(res.headers.get('cache-control'), url).toBe('public, max-age=31536000, immutable');
      // fetch decodes: the body is the original file.
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(path.join(DIST, url)))).toBe(true);
    }
  });

  it('falls back to gzip, then to the plain file', async () => {
    // The largest script of the build (small ones compress less; which chunk is largest varies).
    const size = (a: string) => readFileSync(path.join(DIST, a)).length;
    const url = readdirSync(path.join(DIST, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => `/assets/${f}`)
      .sort((a, b) => size(b) - size(a))[0]!;
    const original = readFileSync(path.join(DIST, url));
    const raw = async (encoding: string) => {
      // node's fetch would decode; read the bytes as sent with a plain request.
      const { request } = await import('node:http');
      return new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        const req = request(server.url + url, { headers: { 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end();
      });
    };
    const br = await raw('br');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);
    expect(br.body.length).toBeLessThan(original.length / 3);
    const gz = await raw('gzip');
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.body).equals(original)).toBe(true);
    const plain = await raw('identity');
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
  });

  it("sends a room link a page that preloads the room's code", async () => {
    const scripts = (html: string) => [...html.matchAll(/<(?:script|link)[^>]*(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    const index = await (await fetch(`${server.url}/cases/whatever`)).text();
    for (const url of ['/j/some-token/room', '/cases/some-case/room', '/cases/some-case/room/']) {
      const res = await fetch(server.url + url);
      expect(res.headers.get('cache-control'), url).toBe('no-cache');
      const room = await res.text();
      // Everything index.html loads, and more: the room's code, among it mediasoup-client (the only code that speaks of sctpCapabilities).
      expect(scripts(room)).toEqual(expect.arrayContaining(scripts(index)));
      const extra = scripts(room).filter((s) => !scripts(index).includes(s));
      expect(extra.length, url).toBeGreaterThan(0);
      expect(extra.some((s) => readFileSync(path.join(DIST, s), 'utf8').includes('sctpCapabilities'))).toBe(true);
      expect(scripts(index).some((s) => readFileSync(path.join(DIST, s), 'utf8').includes('sctpCapabilities'))).toBe(false);
    }
    // Its small chunks at low priority, so that the page's API requests do not queue behind them.
    const room = await (await fetch(`${server.url}/j/t/room`)).text();
    const extra = [...room.matchAll(/<link rel="modulepreload"([^>]*) href="(\/assets\/[^"]+)"/g)].filter((m) => !scripts(index).includes(m[2]!));
    for (const [, attrs, file] of extra) {
      const small = readFileSync(path.join(DIST, file!)).length < SMALL_CHUNK_BYTES;
      expect(attrs!.includes('fetchpriority="low"'), file).toBe(small);
    }
    expect(extra.some(([, attrs]) => !attrs!.includes('fetchpriority'))).toBe(true);
    // Pages that are no room do not download its code.
    for (const url of ['/', '/cases/x', '/j/t', '/cases/x/room/extra'])
      expect(scripts(await (await fetch(server.url + url)).text()), url).toEqual(scripts(index));
  });

  it('marks only content-hashed asset names immutable', () => {
    expect(assetCacheControl('assets/entry-93G4u3oT.js')).toBe('public, max-age=31536000, immutable');
    expect(assetCacheControl('assets/index-BZsSjirG.css')).toBe('public, max-age=31536000, immutable');
    expect(assetCacheControl('index.html')).toBe('no-cache');
    expect(assetCacheControl('assets/logo.svg')).toBe('no-cache');
    expect(assetCacheControl('favicon.ico')).toBe('no-cache');
    // The precompressed file actually sent.
    expect(assetCacheControl('assets/entry-93G4u3oT.js.br')).toBe('public, max-age=31536000, immutable');
  });
});
