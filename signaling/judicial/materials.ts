// Application materials (identity documents, evidence) uploaded from a party's link: the type is
// decided by the bytes (JPEG, PNG or PDF magic) and must match what the client declared; size is
// capped; the file is stored, encrypted, under <data>/uploads/judicial/<random id> — never a name from the
// client, never the web root — and the row commits only once the bytes are on disk (a failed row
// removes the file again). The client's file name is kept, cleaned, for display only.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { appendAudit } from '../audit/log.ts';
import { partyActor } from '../audit/actors.ts';
import type { AppContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { requireConsent } from '../party/party-privacy.ts';

export const MAX_MATERIAL_BYTES = 10 * 1024 * 1024;
export const MATERIAL_KINDS = ['ID_DOCUMENT', 'EVIDENCE', 'OTHER'] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];
/** Quota per application, all parties together: files and bytes (checked atomically with the insert). */
export const MATERIALS_PER_APPLICATION = 40;
export const MATERIAL_BYTES_PER_APPLICATION = 100 * 1024 * 1024;

const SNIFF: Array<{ mime: string; test: (b: Buffer) => boolean }> = [
  { mime: 'image/jpeg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/png', test: (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mime: 'application/pdf', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
];

/** What the bytes are, or null. */
export function sniffMime(bytes: Buffer): string | null {
  return SNIFF.find((s) => s.test(bytes))?.mime ?? null;
}

/** A display name from whatever the client sent: last path segment, no control or path characters, ≤ 80 chars. */
export function cleanDisplayName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // Control characters are exactly what this removes from a client's file name.
  // eslint-disable-next-line no-control-regex
  const unsafe = /[\u0000-\u001f\u007f<>:"|?*]/g;
  const cleaned = [...base.replace(unsafe, '').replace(/^\.+/, '').trim()].slice(0, 80).join('');
  return cleaned || '未命名文件';
}

export function materialsDir(ctx: AppContext): string {
  return path.join(ctx.config.dataDir, 'uploads', 'judicial');
}

export async function storeMaterial(
  ctx: AppContext,
  actor: { id: string; caseId: string; name: string },
  input: { kind: MaterialKind; declaredMime: string; fileName: string; bytes: Buffer },
) {
  // PIPL art. 29: an ID image is sensitive and needs its own consent; art. 23: materials go to the court.
  if (input.kind === 'ID_DOCUMENT') await requireConsent(ctx.db, actor.id, 'ID_IMAGES');
  await requireConsent(ctx.db, actor.id, 'COURT');
  const application = await ctx.db.judicialApplication.findUnique({ where: { caseId: actor.caseId }, include: { _count: { select: { materials: true } } } });
  if (!application) throw new DomainError('MATERIALS_CLOSED', '请先确认申请司法确认，再上传材料');
  if (!['DRAFT', 'SUBMITTED'].includes(application.status)) throw new DomainError('MATERIALS_CLOSED', '法院已受理，材料请按法院要求补充');
  // A quick refusal when already full; the binding check is the one in the transaction below.
  if (application._count.materials >= MATERIALS_PER_APPLICATION) throw new DomainError('MATERIALS_LIMIT', '材料数量已达上限');
  if (input.bytes.length === 0) throw new DomainError('VALIDATION', '文件为空');
  if (input.bytes.length > MAX_MATERIAL_BYTES) throw new DomainError('VALIDATION', '文件不能超过 10 MB');
  const mime = sniffMime(input.bytes);
  if (!mime) throw new DomainError('VALIDATION', '只能上传 JPG、PNG 图片或 PDF 文件');
  if (mime !== input.declaredMime) throw new DomainError('VALIDATION', '文件内容与文件类型不符');

  const id = randomBytes(16).toString('hex');
  const dir = materialsDir(ctx);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, id);
  // Sealed at rest like the database's personal data (signaling/privacy).
  writeFileSync(file, ctx.crypto.sealBytes(input.bytes), { mode: 0o600, flag: 'wx' });
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  try {
    return await ctx.db.$transaction(async (tx) => {
      const row = await tx.judicialMaterial.create({
        data: {
          id,
          applicationId: application.id,
          participantId: actor.id,
          kind: input.kind,
          displayName: cleanDisplayName(input.fileName),
          mime,
          bytes: input.bytes.length,
          sha256,
        },
      });
      // Counted after the insert, inside the transaction (which now holds SQLite's write lock):
      // concurrent uploads cannot all pass the check against the same earlier count.
      const used = await tx.judicialMaterial.aggregate({ where: { applicationId: application.id }, _count: true, _sum: { bytes: true } });
      if (used._count > MATERIALS_PER_APPLICATION) throw new DomainError('MATERIALS_LIMIT', `每份申请最多上传 ${MATERIALS_PER_APPLICATION} 份材料`);
      if ((used._sum.bytes ?? 0) > MATERIAL_BYTES_PER_APPLICATION)
        throw new DomainError('MATERIALS_LIMIT', `每份申请的材料合计不能超过 ${MATERIAL_BYTES_PER_APPLICATION / 1024 / 1024} MB`);
      await appendAudit(tx, partyActor(actor), actor.caseId, {
        type: 'JUDICIAL_MATERIAL_UPLOADED',
        data: { applicationId: application.id, materialId: id, participantId: actor.id, kind: input.kind, mime, bytes: input.bytes.length, sha256 },
      });
      return row;
    });
  } catch (err) {
    rmSync(file, { force: true });
    throw err;
  }
}
