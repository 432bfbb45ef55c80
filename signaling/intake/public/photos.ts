// Photos attached to an online application: at most three, each at most 5 MB, and only JPEG, PNG
// or WebP as told by the bytes themselves (the name and the declared type are not trusted).
import { createHash } from 'node:crypto';
import { DomainError } from '../../errors.ts';

export const PHOTO_LIMITS = { maxCount: 3, maxBytes: 5 * 1024 * 1024 } as const;

export interface PhotoUpload {
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
  if (b.length > 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)) return 'image/png';
  if (b.length > 12 && Buffer.from(b.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(b.subarray(8, 12)).toString('latin1') === 'WEBP')
    return 'image/webp';
  return null;
}

const EXTENSION: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

export function checkPhotos(photos: readonly PhotoUpload[]): CheckedPhoto[] {
  if (photos.length > PHOTO_LIMITS.maxCount) throw new DomainError('TOO_MANY_PHOTOS');
  return photos.map((p, i) => {
    // base64 of n bytes is 4⌈n/3⌉ characters: refuse before decoding what is clearly too large.
    if (p.dataBase64.length > Math.ceil(PHOTO_LIMITS.maxBytes / 3) * 4) throw new DomainError('PHOTO_TOO_LARGE', `第 ${i + 1} 张照片超过 5 MB`);
    const bytes = new Uint8Array(Buffer.from(p.dataBase64, 'base64'));
    if (bytes.length > PHOTO_LIMITS.maxBytes) throw new DomainError('PHOTO_TOO_LARGE', `第 ${i + 1} 张照片超过 5 MB`);
    const mime = sniff(bytes);
    if (!mime) throw new DomainError('PHOTO_TYPE', `第 ${i + 1} 张不是 JPG、PNG 或 WebP 图片`);
    // The stored name says nothing of the person's device or folders.
    return { fileName: `照片${i + 1}.${EXTENSION[mime]}`, mime, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
  });
}
