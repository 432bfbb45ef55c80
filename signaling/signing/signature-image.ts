// A handwritten signature drawn on screen, as PNG: checked before it is stored — real PNG that
// decodes, sensible size — so a broken or oversized upload is refused with a clear message and
// never reaches the PDF.
import { PDFDocument } from 'pdf-lib';
import { DomainError } from '../errors.ts';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const MAX_SIGNATURE_BYTES = 300 * 1024;

export async function checkSignaturePng(bytes: Buffer): Promise<void> {
  const bad = (why: string) => new DomainError('INVALID_IMAGE', why);
  if (bytes.length === 0) throw bad('签名图片为空，请在签名框内手写签名');
  if (bytes.length > MAX_SIGNATURE_BYTES) throw bad('签名图片过大（不能超过 300 KB）');
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_MAGIC) || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') throw bad('签名图片必须是 PNG 格式');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  // Up to a wide desktop pad at device-pixel ratio 3.
  if (width < 40 || height < 20 || width > 4000 || height > 1500) throw bad('签名图片尺寸不合适，请重新签名');
  try {
    await (await PDFDocument.create()).embedPng(bytes);
  } catch {
    throw bad('签名图片已损坏，请重新签名');
  }
}
