// Photos a grid worker takes on patrol: at most MAX_PHOTOS, each at most MAX_PHOTO_BYTES, and
// really an image (the type is read from the bytes, not from the name or what the client says).
// Sealed at rest in MatterAttachment.
import { createHash } from 'node:crypto';
import { DomainError } from '../errors.ts';

import { MAX_PHOTO_BYTES, MAX_PHOTOS } from './photo-limits.ts';

export { MAX_PHOTO_BYTES, MAX_PHOTOS };

export interface PhotoInput {
  fileName: string;
  dataBase64: string;
}

export interface CheckedPhoto {
  fileName: string;
  mime: string;
  size: number;
  sha256: string;
  bytes: Uint8Array<ArrayBuffer>;
}

function sniff(b: Uint8Array): string | null {
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length > 12 && Buffer.from(b.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(b.subarray(8, 12)).toString('latin1') === 'WEBP')
    return 'image/webp';
  return null;
}

export function checkPhotos(photos: readonly PhotoInput[]): CheckedPhoto[] {
  if (photos.length > MAX_PHOTOS) throw new DomainError('TOO_MANY_PHOTOS', `最多上传${MAX_PHOTOS}张照片`);
  return photos.map((p, i) => {
    const bytes = new Uint8Array(Buffer.from(p.dataBase64, 'base64'));
    if (bytes.length > MAX_PHOTO_BYTES) throw new DomainError('FILE_TOO_LARGE', `第${i + 1}张照片超过${MAX_PHOTO_BYTES / 1024 / 1024}MB`);
    const mime = sniff(bytes);
    if (!mime) throw new DomainError('PHOTO_NOT_IMAGE', `第${i + 1}张照片不是 JPEG、PNG 或 WebP 图片`);
    const fileName =
      [...p.fileName]
        .map((ch) => (ch < ' ' || ch === '/' || ch === '\\' ? '_' : ch))
        .join('')
        .slice(0, 100) || `photo-${i + 1}`;
    return { fileName, mime, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
  });
}
