// Reading a case's signing: the current round as one viewer sees it, and the issued PDF.
import type { Static } from '@sinclair/typebox';
import { renderText } from '../agreement/fields.ts';
import { AuditEventSchema } from '../audit/events.ts';
import type { AppContext } from '../context.ts';
import { asParticipantRole, asSide } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';
import { agreementLines } from './agreement-pdf.ts';
import { deviceOf, environmentDigest } from './audit-certificate.ts';
import { AFFIRMATION } from './party-signing.ts';
import type { SigningViewBody } from './schemas.ts';
import { clauseHashes, signersOf, snapshotOf, type Participant } from './signing-round.ts';

/** The current round (open or completed) as one viewer sees it; `viewer` null for staff. */
export async function signingView(ctx: AppContext, caseId: string, viewer: Participant | null): Promise<Static<typeof SigningViewBody>> {
  const round = await ctx.db.signingRound.findFirst({
    where: { caseId, status: { in: ['OPEN', 'COMPLETED'] } },
    include: {
      consents: true,
      signatures: {
        select: { signerId: true, participantId: true, signerType: true, signerName: true, signerRole: true, signedAt: true, ip: true, userAgent: true },
      },
    },
  });
  if (!round) return { round: null };
  const snapshot = snapshotOf(round);
  const hashes = clauseHashes(round);
  const parties = await signersOf(ctx, round);
  const objections = await objectionsOf(ctx, caseId, round.id);
  const mayActFor = viewer
    ? parties
        .filter((p) => p.id === viewer.id || (viewer.role === 'AGENT' && viewer.signingAuthority && p.participant !== null && viewer.side === p.side))
        .map((p) => p.id)
    : [];
  return {
    round: {
      id: round.id,
      status: round.status === 'COMPLETED' ? 'COMPLETED' : 'OPEN',
      versionSeq: round.versionSeq,
      contentSha256: round.contentSha256,
      lockedAt: round.lockedAt.toISOString(),
      title: snapshot.meta.title,
      caseNumber: snapshot.meta.caseNumber,
      document: agreementLines(snapshot)
        .filter((l) => l.kind !== 'clause')
        .map((l) => l.text),
      clauses: snapshot.clauses.map((c, i) => ({
        id: c.id,
        number: i + 1,
        title: c.title,
        text: renderText(c.text, c.fields).trim(),
        sha256: hashes[i]!.sha256,
      })),
      parties: parties.map((p) => {
        const sig = round.signatures.find((s) => s.signerType === 'party' && s.participantId === p.id);
        return {
          id: p.id,
          name: p.name,
          role: asParticipantRole(p.role),
          side: asSide(p.side),
          accepted: round.consents.filter((x) => x.participantId === p.id).map((x) => x.clauseId),
          objected: [...new Set(objections.filter((o) => o.participantId === p.id).map((o) => o.clauseId))],
          signed: sig ? { by: sig.signerName, role: sig.signerRole, at: sig.signedAt.toISOString() } : null,
        };
      }),
      mediatorSigned: round.signatures.some((s) => s.signerType === 'mediator'),
      mayActFor,
      affirmation: AFFIRMATION,
      pdfAvailable: round.status === 'COMPLETED',
      ...(viewer
        ? {}
        : {
            record: round.signatures.map((sig) => ({
              signerName: sig.signerName,
              signedAt: sig.signedAt.toISOString(),
              ip: sig.ip,
              device: deviceOf(sig.userAgent),
              environmentDigest: environmentDigest(ctx.secrets.tokenKey, { roundId: round.id, ...sig }),
            })),
          }),
    },
  };
}

/** The objections made on a round, as their audit entries record them (the record of an objection). */
async function objectionsOf(ctx: AppContext, caseId: string, roundId: string): Promise<Array<{ participantId: string; clauseId: string }>> {
  const rows = await ctx.db.auditEntry.findMany({ where: { caseId, type: 'CLAUSE_OBJECTED' }, select: { type: true, data: true } });
  const out: Array<{ participantId: string; clauseId: string }> = [];
  for (const row of rows) {
    const event = AuditEventSchema.safeParse({ type: row.type, data: JSON.parse(row.data) });
    if (event.success && event.data.type === 'CLAUSE_OBJECTED' && event.data.data.roundId === roundId) out.push(event.data.data);
  }
  return out;
}

export async function issuedPdf(ctx: AppContext, caseId: string): Promise<{ bytes: Buffer; fileName: string }> {
  const round = await ctx.db.signingRound.findFirst({ where: { caseId, status: 'COMPLETED' } });
  if (!round?.pdf) throw new DomainError('DOCUMENT_NOT_READY', '协议书尚未签署完毕');
  return { bytes: Buffer.from(round.pdf), fileName: `调解协议书-${snapshotOf(round).meta.caseNumber}.pdf` };
}
