// What a party (or the agent signing for them) does on an open round: accept each clause, bound
// to the clause's locked hash, then sign after confirming identity (name + ID digits + a one-time
// code) and affirming the fixed sentence. A refused identity or code is audited. An organisation
// signs through the person acting for it, with its 电子印章 and its proof of standing on file; the
// seal is kept with the signature as it was then.
import { appendAudit, recordAudit } from '../audit/log.ts';
import { partyActor } from '../audit/actors.ts';
import type { AppContext } from '../context.ts';
import { labelOf, PARTICIPANT_ROLES } from '../domain/vocabulary.ts';
import { dbBytes } from '../drafting/draft-store.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { hasStandingProof } from '../cases/party-documents.ts';
import { checkSignaturePng } from './signature-image.ts';
import type { SigningCodes } from './signing-codes.ts';
import { clauseHashes, openRound, principalOf, sha256, snapshotOf, type Participant, type RequestInfo } from './signing-round.ts';
import { idCheckDigits } from '../domain/id-number.ts';
import { requireConsent } from '../party/party-privacy.ts';
import type { AgreementSnapshot } from '../agreement/document.ts';

export const AFFIRMATION = '本人已阅读协议全部内容，系自愿签署';
const IDENTITY_METHOD = 'NAME_ID_LAST4+SMS_OTP';

const roleLabel = (role: string) => labelOf(PARTICIPANT_ROLES, role);

export async function acceptClause(ctx: AppContext, actor: Participant, input: { clauseId: string; clauseSha256: string; onBehalfOf?: string | undefined }) {
  const round = await openRound(ctx, actor.caseId);
  const party = await principalOf(ctx, round, actor, input.onBehalfOf);
  const clause = clauseHashes(round).find((c) => c.id === input.clauseId);
  if (!clause) throw new DomainError('CLAUSE_NOT_IN_ROUND', '该条款不在锁定的协议版本中');
  if (clause.sha256 !== input.clauseSha256) throw new DomainError('CLAUSE_CHANGED', '条款内容已变化，请刷新后重新阅读');
  return ctx.db.$transaction(async (tx) => {
    const existing = await tx.clauseConsent.findUnique({
      where: { roundId_participantId_clauseId: { roundId: round.id, participantId: party.id, clauseId: clause.id } },
    });
    if (existing) return existing;
    const row = await tx.clauseConsent.create({ data: { roundId: round.id, participantId: party.id, clauseId: clause.id, clauseSha256: clause.sha256 } });
    await appendAudit(tx, partyActor(actor), actor.caseId, {
      type: 'CLAUSE_ACCEPTED',
      data: { roundId: round.id, participantId: party.id, clauseId: clause.id, clauseSha256: clause.sha256, byName: actor.name },
    });
    return row;
  });
}

/** Where a party's objection goes: a comment on the clause in the live draft, which the mediator's editor shows. */
export interface ClauseObjectionSink {
  objectToClause(
    actor: Participant,
    input: { clauseId: string; text: string; roundId: string; clauseSha256: string; forParticipantId: string },
  ): Promise<{ id: string; createdAt: string }>;
}

/**
 * Instead of 同意本条: the party (or the agent for it) objects to a clause of the locked version.
 * The objection is bound to the clause's locked hash like a consent, and goes to the mediator as a
 * comment on that clause (audited there as CLAUSE_OBJECTED); it does not count as an acceptance.
 */
export async function objectToClause(
  ctx: AppContext,
  sink: ClauseObjectionSink,
  actor: Participant,
  input: { clauseId: string; clauseSha256: string; text: string; onBehalfOf?: string | undefined },
) {
  const round = await openRound(ctx, actor.caseId);
  const party = await principalOf(ctx, round, actor, input.onBehalfOf);
  const clause = clauseHashes(round).find((c) => c.id === input.clauseId);
  if (!clause) throw new DomainError('CLAUSE_NOT_IN_ROUND', '该条款不在锁定的协议版本中');
  if (clause.sha256 !== input.clauseSha256) throw new DomainError('CLAUSE_CHANGED', '条款内容已变化，请刷新后重新阅读');
  const text = input.text.trim();
  if (!text) throw new DomainError('VALIDATION', '请写明您对本条的意见');
  return sink.objectToClause(actor, { clauseId: clause.id, text, roundId: round.id, clauseSha256: clause.sha256, forParticipantId: party.id });
}

export async function signAsParty(
  ctx: AppContext,
  codes: SigningCodes,
  actor: Participant,
  input: { onBehalfOf?: string | undefined; name: string; idLast4: string; code: string; png: Buffer; affirmation: string },
  req: RequestInfo,
) {
  const round = await openRound(ctx, actor.caseId);
  const party = await principalOf(ctx, round, actor, input.onBehalfOf);
  const refuse = async (reason: string, code: ErrorCode, message?: string): Promise<never> => {
    await recordAudit(ctx.db, partyActor(actor), actor.caseId, {
      type: 'SIGNING_REFUSED',
      data: { roundId: round.id, participantId: actor.id, reason },
    });
    throw new DomainError(code, message);
  };
  if (input.affirmation.trim() !== AFFIRMATION) throw new DomainError('AFFIRMATION_MISMATCH', `请完整输入：“${AFFIRMATION}”`);
  // PIPL art. 29: a handwritten signature is sensitive; the one who writes it consents separately.
  await requireConsent(ctx.db, actor.id, 'SIGNATURE');
  // A bank account is sensitive too (art. 28): a party signs an agreement that holds one only with that consent.
  if (holdsBankAccount(snapshotOf(round))) await requireConsent(ctx.db, party.id, 'BANK_ACCOUNT');
  await checkSignaturePng(input.png);
  const hashes = clauseHashes(round);
  const consents = await ctx.db.clauseConsent.findMany({ where: { roundId: round.id, participantId: party.id } });
  const open = hashes.filter((h) => !consents.some((c) => c.clauseId === h.id && c.clauseSha256 === h.sha256));
  if (open.length) throw new DomainError('CLAUSES_NOT_ACCEPTED', `还有 ${open.length} 条协议条款未确认，请逐条阅读并确认后再签署`);
  if (await ctx.db.agreementSignature.findUnique({ where: { roundId_participantId: { roundId: round.id, participantId: party.id } } }))
    throw new DomainError('ALREADY_SIGNED', `${party.name}已签署`);
  const sealPng = await organisationSeal(ctx, party.id);
  if (input.name.trim() !== actor.name || input.idLast4.trim().toUpperCase() !== idCheckDigits(actor.idNumber)) await refuse('identity', 'IDENTITY_MISMATCH');
  await codes.use(round.id, actor.id, input.code.trim(), refuse);

  const agentKind = actor.agencyType === 'statutory' ? '法定代理人' : '委托代理人';
  const signerRole = actor.id === party.id ? roleLabel(party.role) : `${roleLabel(party.role)}${party.name}的${agentKind}`;
  return ctx.db.$transaction(async (tx) => {
    const row = await tx.agreementSignature.create({
      data: {
        roundId: round.id,
        signerType: 'party',
        participantId: party.id,
        signerId: actor.id,
        signerName: actor.name,
        signerRole,
        png: dbBytes(input.png),
        pngSha256: sha256(input.png),
        sealPng: sealPng ? dbBytes(sealPng) : null,
        affirmation: AFFIRMATION,
        identityMethod: IDENTITY_METHOD,
        ip: req.ip,
        userAgent: req.userAgent.slice(0, 300),
      },
    });
    await appendAudit(tx, partyActor(actor), actor.caseId, {
      type: 'AGREEMENT_SIGNED',
      data: {
        roundId: round.id,
        signerType: 'party',
        signerName: actor.name,
        signerRole,
        participantId: party.id,
        pngSha256: row.pngSha256,
        identityMethod: IDENTITY_METHOD,
        ip: req.ip,
        userAgent: req.userAgent.slice(0, 300),
      },
    });
    return { signedAt: row.signedAt.toISOString(), participantId: party.id };
  });
}

/**
 * An organisation party's 电子印章, required with its proof of standing before anyone signs for it
 * (PARTY_SEAL_MISSING, STANDING_PROOF_MISSING); null for a natural person.
 */
async function organisationSeal(ctx: AppContext, partyId: string): Promise<Uint8Array | null> {
  const row = await ctx.db.participant.findUnique({ where: { id: partyId }, select: { personType: true, sealPng: true } });
  if (row?.personType !== 'legal') return null;
  if (!row.sealPng) throw new DomainError('PARTY_SEAL_MISSING');
  if (!(await hasStandingProof(ctx.db, partyId))) throw new DomainError('STANDING_PROOF_MISSING');
  return row.sealPng;
}

/** Whether the agreement states a bank account (收款账户, or a 银行账号 field with a value). */
export function holdsBankAccount(a: AgreementSnapshot): boolean {
  if (a.performance.account?.trim()) return true;
  return a.clauses.some((c) => Object.values(c.fields).some((f) => f.type === 'bankAccount' && !!f.value?.trim()));
}
