// PNG images that go into the issued PDF (drawn signatures, the committee seal): decoded and
// checked here before pdf-lib ever sees them. pdf-lib 1.17 trusts its input — on a truncated PNG
// its decoder loops forever (blocking the whole server), and a stream with too little or
// malformed pixel data is embedded as garbage — so the file is walked chunk by chunk (lengths,
// CRCs, IHDR first, IEND last), the image data is inflated with a cap at exactly the size the
// header announces, every row's filter type is checked, and only then does pdf-lib embed it.
import { crc32, inflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import { DomainError } from '../errors.ts';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Allowed bit depths per colour type (PNG spec, table 11.1). */
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

export interface PngLimits {
  maxBytes: number;
  minWidth: number;
  minHeight: number;
  maxWidth: number;
  maxHeight: number;
}

export interface PngInfo {
  width: number;
  height: number;
}

/** Why `bytes` is not a complete, decodable PNG within `limits`, or its size. */
export async function decodePng(bytes: Uint8Array, limits: PngLimits): Promise<{ problem: 'empty' | 'too-large' | 'not-png' | 'size' | 'corrupt' } | PngInfo> {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length === 0) return { problem: 'empty' };
  if (b.length > limits.maxBytes) return { problem: 'too-large' };
  if (b.length < 8 + 25 || !b.subarray(0, 8).equals(PNG_MAGIC) || b.toString('latin1', 12, 16) !== 'IHDR') return { problem: 'not-png' };
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  if (width < limits.minWidth || height < limits.minHeight || width > limits.maxWidth || height > limits.maxHeight) return { problem: 'size' };
  if (!structurallySound(b, width, height)) return { problem: 'corrupt' };
  try {
    await (await PDFDocument.create()).embedPng(b);
  } catch {
    return { problem: 'corrupt' };
  }
  return { width, height };
}

function structurallySound(b: Buffer, width: number, height: number): boolean {
  let offset = 8;
  let header: { depth: number; colour: number; interlace: number } | null = null;
  let palette = false;
  let ended = false;
  const data: Buffer[] = [];
  let lastType = '';
  while (offset < b.length) {
    if (ended || offset + 12 > b.length) return false; // bytes after IEND, or a cut-off chunk
    const length = b.readUInt32BE(offset);
    const type = b.toString('latin1', offset + 4, offset + 8);
    if (length > 0x7fffffff || offset + 12 + length > b.length || !/^[A-Za-z]{4}$/.test(type)) return false;
    const body = b.subarray(offset + 8, offset + 8 + length);
    if (crc32(b.subarray(offset + 4, offset + 8 + length)) >>> 0 !== b.readUInt32BE(offset + 8 + length)) return false;
    if ((offset === 8) !== (type === 'IHDR')) return false;
    if (type === 'IHDR') {
      if (length !== 13) return false;
      const depth = body[8]!;
      const colour = body[9]!;
      const interlace = body[12]!;
      if (!DEPTHS[colour]?.includes(depth) || body[10] !== 0 || body[11] !== 0 || interlace > 1) return false;
      header = { depth, colour, interlace };
    } else if (type === 'PLTE') {
      if (length === 0 || length % 3 !== 0 || length > 256 * 3 || data.length) return false;
      palette = true;
    } else if (type === 'IDAT') {
      if (data.length && lastType !== 'IDAT') return false; // IDAT chunks must be consecutive
      data.push(body);
    } else if (type === 'IEND') {
      if (length !== 0) return false;
      ended = true;
    } else if ((type.charCodeAt(0) & 0x20) === 0) {
      return false; // an unknown critical chunk: we cannot know how to decode the image
    }
    lastType = type;
    offset += 12 + length;
  }
  if (!header || !ended || !data.length || (header.colour === 3 && !palette)) return false;
  const bitsPerPixel = header.depth * CHANNELS[header.colour]!;
  const rowBytes = (w: number) => Math.ceil((w * bitsPerPixel) / 8);
  // Each pass (one for a plain image, seven for Adam7) is rows of one filter byte plus pixels.
  const passes = header.interlace
    ? ADAM7.map(([x0, y0, dx, dy]) => ({ w: Math.ceil(Math.max(0, width - x0) / dx), h: Math.ceil(Math.max(0, height - y0) / dy) })).filter(
        (p) => p.w > 0 && p.h > 0,
      )
    : [{ w: width, h: height }];
  const expected = passes.reduce((n, p) => n + p.h * (1 + rowBytes(p.w)), 0);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(data), { maxOutputLength: expected + 1 });
  } catch {
    return false; // not zlib, truncated, or more data than the header announces
  }
  if (raw.length !== expected) return false;
  let at = 0;
  for (const p of passes) {
    for (let y = 0; y < p.h; y++) {
      if (raw[at]! > 4) return false;
      at += 1 + rowBytes(p.w);
    }
  }
  return true;
}

/** The committee seal: a PNG of 32–4096 px a side, at most 1 MB, that decodes and embeds. */
export const SEAL_LIMITS: PngLimits = { maxBytes: 1024 * 1024, minWidth: 32, minHeight: 32, maxWidth: 4096, maxHeight: 4096 };

/** Why a seal image cannot be used (a message for the administrator), or null when it can. */
export async function sealProblem(bytes: Uint8Array): Promise<string | null> {
  const r = await decodePng(bytes, SEAL_LIMITS);
  if (!('problem' in r)) return null;
  return {
    empty: '图片为空',
    'too-large': '印章图片不能超过 1 MB',
    'not-png': '印章图片必须是 PNG 格式',
    size: '印章图片尺寸应在 32～4096 像素之间',
    corrupt: '印章图片已损坏或不完整，请重新导出 PNG 后上传',
  }[r.problem];
}

/** Refuses (INVALID_IMAGE) a seal upload that cannot be put on an agreement. */
export async function checkSealPng(bytes: Uint8Array): Promise<void> {
  const problem = await sealProblem(bytes);
  if (problem) throw new DomainError('INVALID_IMAGE', problem);
}
