// The plaintext inside a backup archive: a sequence of records, each a 4-byte big-endian length,
// a JSON record header of that length, then `size` bytes of content. File records carry a data
// folder file; the last record is the manifest (every file's path, size and SHA-256).
import { z } from 'zod';

export const RecordHeaderSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: z.string().min(1).max(1024), size: z.number().int().min(0), mode: z.number().int().min(0).max(0o777) }),
  z.object({
    kind: z.literal('manifest'),
    size: z
      .number()
      .int()
      .min(0)
      .max(64 * 1024 * 1024),
  }),
]);
export type RecordHeader = z.infer<typeof RecordHeaderSchema>;

export const ManifestSchema = z.object({
  format: z.literal('jiefen-backup'),
  version: z.literal(1),
  createdAt: z.string(),
  /** The audit chain head in the database snapshot, for the operator's report. */
  auditHead: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
  files: z.array(z.object({ path: z.string(), size: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
export type Manifest = z.infer<typeof ManifestSchema>;

const MAX_HEADER_BYTES = 64 * 1024;

export function encodeRecordHeader(header: RecordHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([length, json]);
}

/** A relative path that stays inside the folder it is restored into. */
export function isSafeRelativePath(p: string): boolean {
  if (p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Reads exact byte counts from an async stream of chunks. */
export class ByteReader {
  #chunks: AsyncIterator<Buffer>;
  #buffer: Buffer = Buffer.alloc(0);
  #done = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.#chunks = source[Symbol.asyncIterator]();
  }

  async #fill(): Promise<boolean> {
    if (this.#done) return false;
    const next = await this.#chunks.next();
    if (next.done) {
      this.#done = true;
      return false;
    }
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, next.value]) : next.value;
    return true;
  }

  /** Exactly n bytes; null at a clean end of stream (no byte read). */
  async readExact(n: number): Promise<Buffer | null> {
    while (this.#buffer.length < n) {
      if (!(await this.#fill())) {
        if (this.#buffer.length === 0) return null;
        throw new Error('备份内容意外结束 / archive content ends early');
      }
    }
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  /** Hands the next n bytes to `sink` chunk by chunk. */
  async pipeExact(n: number, sink: (chunk: Buffer) => Promise<void>): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.#buffer.length === 0 && !(await this.#fill())) throw new Error('备份内容意外结束 / archive content ends early');
      const take = Math.min(left, this.#buffer.length);
      await sink(this.#buffer.subarray(0, take));
      this.#buffer = this.#buffer.subarray(take);
      left -= take;
    }
  }

  async readRecordHeader(): Promise<RecordHeader | null> {
    const length = await this.readExact(4);
    if (!length) return null;
    const n = length.readUInt32BE();
    if (n > MAX_HEADER_BYTES) throw new Error('备份记录头过大 / archive record header too large');
    const json = await this.readExact(n);
    if (!json) throw new Error('备份内容意外结束 / archive content ends early');
    return RecordHeaderSchema.parse(JSON.parse(json.toString('utf8')));
  }

  /** Drains the source (so a decrypting source reaches its authentication check). */
  async drain(): Promise<void> {
    while (await this.#fill()) this.#buffer = Buffer.alloc(0);
    this.#buffer = Buffer.alloc(0);
  }
}
