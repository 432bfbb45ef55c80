// What the mediator receives for a participant before it may sign (#17 item 4):
//  - an agent's 授权委托书 — the agent signs the agreement only when the mediator has recorded that
//    it states special powers (特别授权: 代为承认、放弃、变更调解请求，进行和解，签署调解协议; GD 3);
//  - an organisation's proof of standing (营业执照, 法定代表人身份证明书) and its 电子印章 (PNG),
//    printed next to the signature of the person acting for it.
// The bytes are checked by their content (PDF, PNG or JPEG magic), capped, and stored sealed at rest
// (PartyDocument.bytes, Participant.sealPng: signaling/privacy/encrypted-fields.ts). The audit names
// the kind and the digest, never the file's name or content.
import { createHash } from 'node:crypto';
import { appendAudit } from '../audit/log.ts';
import { staffActor } from '../audit/actors.ts';
import type { Tx } from '../db.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import type { PartyDocumentKind } from '../domain/party-details.ts';
import { DomainError } from '../errors.ts';
import { cleanDisplayName, sniffMime } from '../judicial/materials.ts';
import { checkSealPng } from '../signing/png-image.ts';

export const PARTY_DOCUMENT_MIMES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export const MAX_PARTY_DOCUMENT_BYTES = 5 * 1024 * 1024;

type ParticipantRow = { id: string; caseId: string; role: string; personType: string; agencyType: string };

/** Why `kind` cannot be filed for this participant, or null. */
function notApplicable(p: ParticipantRow, kind: PartyDocumentKind): string | null {
  if (kind === 'POWER_OF_ATTORNEY') {
    if (p.role !== 'AGENT') return '授权委托书只能为委托代理人上传';
    if (p.agencyType === 'statutory') return '法定代理人依法代理，无需授权委托书';
    return null;
  }
  if (!['APPLICANT', 'RESPONDENT'].includes(p.role) || p.personType !== 'legal') return '主体资格证明只能为单位当事人上传';
  return null;
}

export interface PartyDocumentInput {
  kind: PartyDocumentKind;
  fileName: string;
  mime: string;
  bytes: Buffer;
  /** 授权委托书: the mediator read it and it states special powers. */
  specialPowers?: boolean | undefined;
}

export class PartyDocuments {
  constructor(private readonly ctx: AppContext) {}

  async upload(user: StaffPrincipal, caseId: string, participantId: string, input: PartyDocumentInput) {
    if (input.bytes.length === 0) throw new DomainError('INVALID_FILE', '文件为空');
    if (input.bytes.length > MAX_PARTY_DOCUMENT_BYTES) throw new DomainError('FILE_TOO_LARGE', '文件不能超过 5 MB');
    const mime = sniffMime(input.bytes);
    if (!mime) throw new DomainError('INVALID_FILE', '只能上传 PDF 文件或 JPG、PNG 图片');
    if (mime !== input.mime) throw new DomainError('INVALID_FILE', '文件内容与文件类型不符');
    const sha256 = createHash('sha256').update(input.bytes).digest('hex');
    return this.ctx.db.$transaction(async (tx) => {
      const p = await participantOf(tx, caseId, participantId);
      const problem = notApplicable(p, input.kind);
      if (problem) throw new DomainError('DOCUMENT_NOT_APPLICABLE', problem);
      const specialPowers = input.kind === 'POWER_OF_ATTORNEY' && input.specialPowers === true;
      const row = await tx.partyDocument.create({
        data: {
          caseId,
          participantId,
          kind: input.kind,
          fileName: cleanDisplayName(input.fileName),
          mime,
          bytes: new Uint8Array(input.bytes),
          sha256,
          specialPowers,
          uploadedById: user.id,
        },
      });
      await appendAudit(tx, staffActor(user), caseId, {
        type: 'PARTY_DOCUMENT_ADDED',
        data: { participantId, documentId: row.id, kind: input.kind, sha256, specialPowers },
      });
      return row;
    });
  }

  /**
   * The organisation's 电子印章 (replaces the earlier one). Checked to embed in a PDF before it is
   * kept. A signature keeps the seal it was made with, so a change during signing alters no copy.
   */
  async setSeal(user: StaffPrincipal, caseId: string, participantId: string, png: Buffer) {
    await checkSealPng(png);
    const sha256 = createHash('sha256').update(png).digest('hex');
    return this.ctx.db.$transaction(async (tx) => {
      const p = await participantOf(tx, caseId, participantId);
      if (!['APPLICANT', 'RESPONDENT'].includes(p.role) || p.personType !== 'legal')
        throw new DomainError('DOCUMENT_NOT_APPLICABLE', '电子印章只能为单位当事人上传');
      await tx.participant.update({ where: { id: p.id }, data: { sealPng: new Uint8Array(png) } });
      await appendAudit(tx, staffActor(user), caseId, { type: 'PARTY_SEAL_SET', data: { participantId, sha256 } });
      return { participantId, sha256 };
    });
  }

  /** One stored file, for the mediator to look at again. */
  async file(caseId: string, participantId: string, documentId: string) {
    const row = await this.ctx.db.partyDocument.findFirst({ where: { id: documentId, caseId, participantId } });
    if (!row) throw new DomainError('NOT_FOUND', '材料不存在');
    return row;
  }
}

async function participantOf(tx: Pick<Tx, 'participant'>, caseId: string, participantId: string): Promise<ParticipantRow> {
  const p = await tx.participant.findFirst({
    where: { id: participantId, caseId },
    select: { id: true, caseId: true, role: true, personType: true, agencyType: true },
  });
  if (!p) throw new DomainError('PARTICIPANT_NOT_FOUND', '参与人不存在');
  return p;
}

/** Whether an entrusted agent has a 授权委托书 on file that states special powers (GD 3). */
export async function hasSpecialPowers(db: Pick<Tx, 'partyDocument'>, participantId: string): Promise<boolean> {
  return (await db.partyDocument.count({ where: { participantId, kind: 'POWER_OF_ATTORNEY', specialPowers: true } })) > 0;
}

/** Whether an organisation's proof of standing is on file. */
export async function hasStandingProof(db: Pick<Tx, 'partyDocument'>, participantId: string): Promise<boolean> {
  return (await db.partyDocument.count({ where: { participantId, kind: 'STANDING_PROOF' } })) > 0;
}
