// A handwritten signature drawn on screen, as PNG: checked before it is stored — real PNG that
// decodes (png-image.ts: walked and inflated by us before pdf-lib sees it), sensible size — so a
// broken or oversized upload is refused with a clear message and never reaches the PDF.
import { DomainError } from '../errors.ts';
import { decodePng } from './png-image.ts';

export const MAX_SIGNATURE_BYTES = 300 * 1024;

export async function checkSignaturePng(bytes: Buffer): Promise<void> {
  // Up to a wide desktop pad at device-pixel ratio 3.
  const r = await decodePng(bytes, { maxBytes: MAX_SIGNATURE_BYTES, minWidth: 40, minHeight: 20, maxWidth: 4000, maxHeight: 1500 });
  if (!('problem' in r)) return;
  throw new DomainError(
    'INVALID_IMAGE',
    {
      empty: '签名图片为空，请在签名框内手写签名',
      'too-large': '签名图片过大（不能超过 300 KB）',
      'not-png': '签名图片必须是 PNG 格式',
      size: '签名图片尺寸不合适，请重新签名',
      corrupt: '签名图片已损坏，请重新签名',
    }[r.problem],
  );
}
