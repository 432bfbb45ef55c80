// Poppler (Debian poppler-utils) against our PDFs, the way a court's machine without our fonts
// sees them: every tool runs under an empty fontconfig, so a PDF whose embedded font is broken
// cannot be rescued by a system font.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';

const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-pdf-'));
const FONTS_CONF = path.join(dir, 'fonts.conf');
writeFileSync(FONTS_CONF, '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><cachedir>' + dir + '/cache</cachedir></fontconfig>\n');
const env = { ...process.env, FONTCONFIG_FILE: FONTS_CONF };
let n = 0;

export function writePdf(bytes: Uint8Array): string {
  const file = path.join(dir, `doc-${++n}.pdf`);
  writeFileSync(file, bytes);
  return file;
}

export const pdftotext = (file: string) => execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { env }).toString();
export const pdffonts = (file: string) => execFileSync('pdffonts', [file], { env }).toString();

/** Page `page` rendered in grey at `dpi`: one byte per pixel, 0 = black. */
export function renderGray(file: string, page: number, dpi: number): { width: number; height: number; data: Buffer } {
  const out = path.join(dir, `render-${++n}`);
  execFileSync('pdftoppm', ['-gray', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', file, out], { env });
  const pgm = readFileSync(`${out}.pgm`);
  // P5\n<w> <h>\n<max>\n<data>
  const header = pgm
    .subarray(0, 40)
    .toString('latin1')
    .match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/)!;
  return { width: Number(header[1]), height: Number(header[2]), data: pgm.subarray(header[0].length) };
}

/** Share of dark pixels on page `page` rendered at 30 dpi in grey (0 = blank page). */
export function inkShare(file: string, page: number): number {
  const { data } = renderGray(file, page, 30);
  let dark = 0;
  for (const v of data) if (v < 128) dark++;
  return dark / data.length;
}

/** A small RGBA PNG: a dark diagonal stroke on transparent (stands in for a drawn signature). */
export function strokePng(width = 120, height = 40): Uint8Array {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const onStroke = Math.abs(y - (x * height) / width) < 2 || Math.abs(y - height / 2 - 6 * Math.sin(x / 8)) < 1.5;
      const o = y * (width * 4 + 1) + 1 + x * 4;
      if (onStroke) raw.writeUInt32BE(0x1a1a6eff, o);
    }
  }
  const chunk = (type: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const tb = Buffer.concat([Buffer.from(type, 'latin1'), body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(tb) >>> 0);
    return Buffer.concat([len, tb, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

/** One PNG chunk (length, type, body, CRC). */
export function pngChunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const tb = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(tb) >>> 0);
  return Buffer.concat([len, tb, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngHeader(width: number, height: number, depth = 8, colour = 6, interlace = 0): Buffer {
  const b = Buffer.alloc(13);
  b.writeUInt32BE(width, 0);
  b.writeUInt32BE(height, 4);
  b[8] = depth;
  b[9] = colour;
  b[12] = interlace;
  return b;
}

/**
 * A PNG in any colour type, bit depth and interlacing (filter 0 on every row), pixel by pixel:
 * `pixel(x, y)` gives the samples (1 for grey and palette, 2 grey+alpha, 3 RGB, 4 RGBA).
 */
export function buildPng(o: {
  width: number;
  height: number;
  depth: number;
  colour: number;
  interlace?: boolean;
  palette?: Buffer;
  pixel: (x: number, y: number) => number[];
}): Buffer {
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[o.colour]!;
  const bits = o.depth * channels;
  const passes = o.interlace
    ? [
        [0, 0, 8, 8],
        [4, 0, 8, 8],
        [0, 4, 4, 8],
        [2, 0, 4, 4],
        [0, 2, 2, 4],
        [1, 0, 2, 2],
        [0, 1, 1, 2],
      ]
    : [[0, 0, 1, 1]];
  const rows: Buffer[] = [];
  for (const [x0, y0, dx, dy] of passes as Array<[number, number, number, number]>) {
    for (let y = y0; y < o.height; y += dy) {
      const xs: number[] = [];
      for (let x = x0; x < o.width; x += dx) xs.push(x);
      if (!xs.length) continue;
      const row = Buffer.alloc(1 + Math.ceil((xs.length * bits) / 8));
      let bit = 0;
      for (const x of xs) {
        for (const v of o.pixel(x, y)) {
          if (o.depth === 16) row.writeUInt16BE(v, 1 + bit / 8);
          else if (o.depth === 8) row[1 + bit / 8] = v;
          else row[1 + (bit >> 3)]! |= v << (8 - o.depth - (bit & 7));
          bit += o.depth;
        }
      }
      rows.push(row);
    }
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', pngHeader(o.width, o.height, o.depth, o.colour, o.interlace ? 1 : 0)),
    ...(o.palette ? [pngChunk('PLTE', o.palette)] : []),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** `pdfsig` on a file; with `trustRootPem`, through a fresh NSS database that trusts that root. */
export function pdfsig(file: string, trustRootPem?: string): string {
  const args = [file];
  if (trustRootPem) {
    const nss = path.join(dir, `nss-${++n}`);
    execFileSync('mkdir', ['-p', nss]);
    execFileSync('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
    const pem = path.join(nss, 'root.pem');
    writeFileSync(pem, trustRootPem);
    execFileSync('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'jiefen-root', '-t', 'C,C,C', '-a', '-i', pem]);
    args.unshift('-nssdir', `sql:${nss}`);
  }
  try {
    return execFileSync('pdfsig', args, { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch (err) {
    // pdfsig exits non-zero for invalid signatures; its report is still on stdout.
    return String((err as { stdout?: Buffer }).stdout ?? err);
  }
}

export const scratchDir = () => mkdtempSync(path.join(dir, 'data-'));
