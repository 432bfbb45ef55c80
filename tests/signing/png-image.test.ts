// The PNG check every image on an issued agreement passes (drawn signatures, the committee seal):
// the formats a phone, a browser canvas or an image editor produce are accepted and embed; files
// that are cut off, changed, padded or undecodable are refused before pdf-lib sees them (pdf-lib
// 1.17 never returns on a truncated PNG, and embeds short or malformed pixel data as garbage).
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng, sealProblem } from '../../signaling/signing/png-image.ts';
import { buildPng, PNG_SIGNATURE, pngChunk, pngHeader, strokePng } from './pdf-tools.ts';

const ANY = { maxBytes: 5_000_000, minWidth: 1, minHeight: 1, maxWidth: 5000, maxHeight: 5000 };
const IEND = pngChunk('IEND', Buffer.alloc(0));

describe('decodePng', () => {
  it('accepts every colour type, bit depth and Adam7 interlacing', async () => {
    const images: Array<[string, Buffer]> = [
      ['RGBA 8 (a canvas signature)', Buffer.from(strokePng(300, 100))],
      ['RGBA 8 interlaced, odd size', buildPng({ width: 203, height: 77, depth: 8, colour: 6, interlace: true, pixel: (x, y) => [x & 255, y & 255, 90, 255] })],
      [
        'RGB 8 interlaced, smaller than one Adam7 block',
        buildPng({ width: 5, height: 3, depth: 8, colour: 2, interlace: true, pixel: (x, y) => [x * 40, y * 80, 0] }),
      ],
      ['grey 1 bit', buildPng({ width: 61, height: 45, depth: 1, colour: 0, pixel: (x, y) => [(x + y) & 1] })],
      ['grey 1 bit interlaced', buildPng({ width: 61, height: 45, depth: 1, colour: 0, interlace: true, pixel: (x, y) => [(x + y) & 1] })],
      [
        'palette 4 bit',
        buildPng({ width: 33, height: 33, depth: 4, colour: 3, palette: Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]), pixel: (x) => [x % 4] }),
      ],
      ['grey+alpha 8', buildPng({ width: 40, height: 40, depth: 8, colour: 4, pixel: (x) => [x, 200] })],
      ['grey 16', buildPng({ width: 64, height: 64, depth: 16, colour: 0, pixel: (x, y) => [x * 1000 + y] })],
      ['RGBA 16 interlaced', buildPng({ width: 40, height: 40, depth: 16, colour: 6, interlace: true, pixel: (x, y) => [x * 1000, y * 1000, 0, 65535] })],
    ];
    for (const [what, png] of images) expect(await decodePng(png, ANY), what).toEqual({ width: expect.any(Number), height: expect.any(Number) });
  });

  it('refuses files that are cut off, changed, padded, incomplete or undecodable — quickly', async () => {
    const good = Buffer.from(strokePng(200, 200));
    const header = (w = 200, h = 200, depth = 8, colour = 6) => Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', pngHeader(w, h, depth, colour))]);
    const flipped = (at: number) => {
      const b = Buffer.from(good);
      b[at]! ^= 0x10;
      return b;
    };
    const bad: Array<[string, Buffer, string]> = [
      ['empty', Buffer.alloc(0), 'empty'],
      ['not a PNG', Buffer.from('GIF89a'.padEnd(64, '.')), 'not-png'],
      ['header only', good.subarray(0, 33), 'corrupt'],
      ['cut at 70 %', good.subarray(0, Math.floor(good.length * 0.7)), 'corrupt'],
      ['cut inside IEND', good.subarray(0, good.length - 4), 'corrupt'],
      ['no IEND', good.subarray(0, good.length - 12), 'corrupt'],
      ['a byte changed in the image data', flipped(60), 'corrupt'],
      ['a byte changed in the header', flipped(26), 'corrupt'],
      ['bytes after IEND', Buffer.concat([good, Buffer.from('trailing')]), 'corrupt'],
      ['no IDAT', Buffer.concat([header(), IEND]), 'corrupt'],
      ['IDAT not zlib', Buffer.concat([header(), pngChunk('IDAT', Buffer.from('not deflate '.repeat(40))), IEND]), 'corrupt'],
      ['too little pixel data', Buffer.concat([header(), pngChunk('IDAT', deflateSync(Buffer.alloc(1000))), IEND]), 'corrupt'],
      ['more pixel data than announced (a zip bomb)', Buffer.concat([header(), pngChunk('IDAT', deflateSync(Buffer.alloc(50_000_000))), IEND]), 'corrupt'],
      ['row filter 7', Buffer.concat([header(), pngChunk('IDAT', deflateSync(Buffer.alloc(201 * 800, 7))), IEND]), 'corrupt'],
      ['colour type 5', Buffer.concat([header(200, 200, 8, 5), pngChunk('IDAT', deflateSync(Buffer.alloc(201 * 200))), IEND]), 'corrupt'],
      ['palette image without PLTE', Buffer.concat([header(200, 200, 8, 3), pngChunk('IDAT', deflateSync(Buffer.alloc(201 * 200))), IEND]), 'corrupt'],
      [
        'unknown critical chunk',
        Buffer.concat([header(), pngChunk('ABCD', Buffer.alloc(4)), pngChunk('IDAT', deflateSync(Buffer.alloc(801 * 200))), IEND]),
        'corrupt',
      ],
      [
        'split IDAT with a chunk between',
        Buffer.concat([
          header(),
          pngChunk('IDAT', deflateSync(Buffer.alloc(801 * 200)).subarray(0, 50)),
          pngChunk('tEXt', Buffer.from('a\0b')),
          pngChunk('IDAT', deflateSync(Buffer.alloc(801 * 200)).subarray(50)),
          IEND,
        ]),
        'corrupt',
      ],
      ['20000 × 20000', Buffer.concat([header(20_000, 20_000), pngChunk('IDAT', deflateSync(Buffer.alloc(10))), IEND]), 'size'],
    ];
    const started = Date.now();
    for (const [what, png, problem] of bad) expect(await decodePng(png, { ...ANY, maxWidth: 10_000, maxHeight: 10_000 }), what).toEqual({ problem });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a seal must be 32–4096 px a side and at most 1 MB', async () => {
    expect(await sealProblem(strokePng(200, 200))).toBeNull();
    expect(await sealProblem(strokePng(20, 200))).toContain('32～4096');
    expect(await sealProblem(Buffer.concat([Buffer.from(strokePng(200, 200)), Buffer.alloc(1024 * 1024)]))).toContain('1 MB');
  });
});
