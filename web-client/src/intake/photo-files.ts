// Photos from a phone's camera are often 3–8 MB: anything over the limit (or very large in pixels)
// is redrawn as a JPEG of at most 1600 px before it is sent, so a person never has to resize a photo.
const MAX_SIDE = 1600;

async function shrink(file: File): Promise<Blob> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob'))), 'image/jpeg', 0.85));
}

function base64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The photo as the API takes it; a photo the browser cannot decode is sent as is (the server says why it is refused). */
export async function photoForUpload(file: File, maxBytes: number): Promise<{ fileName: string; dataBase64: string }> {
  let blob: Blob = file;
  if (file.size > maxBytes && file.type.startsWith('image/')) blob = await shrink(file).catch(() => file);
  return { fileName: file.name, dataBase64: base64(await blob.arrayBuffer()) };
}
