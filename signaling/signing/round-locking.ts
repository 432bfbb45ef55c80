// Opening and voiding a signing round. Locking checks the named version can be signed
// electronically and prints in full, then records it with the notices in force
// (agreement-notices.ts), its canonical hash, clause hashes and the signers in one transaction with
// the case's move to 达成协议; unlocking voids the round (what was collected on it is kept, marked
// void) and reopens the mediation.
import { appendAudit, type Actor } from '../audit/log.ts';
import { AGREEMENT_NOTICES } from '../agreement/agreement-notices.ts';
import { canonicalAgreementContent } from '../agreement/canonical.ts';
import { checkAgreement, electronicSigningAllowed } from '../agreement/checker.ts';
import { readAgreement, type AgreementSnapshot } from '../agreement/document.ts';
import { docFromVersion } from '../agreement/versions.ts';
import { agreementPartiesOf } from '../cases/participant-service.ts';
import { staffActor } from '../audit/actors.ts';
import { loadCase } from '../cases/case-service.ts';
import { transitionCase } from '../cases/case-transitions.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import type { Tx } from '../db.ts';
import { isCaseStatus } from '../domain/case-status.ts';
import { lockProblem } from '../domain/case-workflow.ts';
import { DomainError } from '../errors.ts';
import { agreementLines, MissingGlyphsError } from './agreement-pdf.ts';
import { missingGlyphs } from './pdf-font.ts';

/** Locks named version `versionSeq` (default: the newest) of the case's agreement for signing. */
export async function lockRound(ctx: AppContext, user: StaffPrincipal, caseId: string, versionSeq?: number) {
  const c = await loadCase(ctx, caseId);
  const problem = isCaseStatus(c.status) ? lockProblem(c.status) : `案件状态异常：${c.status}`;
  if (problem) throw new DomainError('CASE_NOT_SIGNABLE', problem);
  const version = await ctx.db.agreementVersion.findFirst({
    where: { caseId, ...(versionSeq !== undefined ? { seq: versionSeq } : {}) },
    orderBy: { seq: 'desc' },
  });
  if (!version)
    throw new DomainError('VERSION_NOT_SAVED', versionSeq !== undefined ? `协议版本 ${versionSeq} 不存在` : '请先在协议草稿中“保存版本”，再锁定该版本供签署');
  const snapshot = signableSnapshot(version.state);
  const content = canonicalAgreementContent(snapshot);
  return ctx.db.$transaction(async (tx) => {
    const open = await tx.signingRound.findFirst({ where: { caseId, status: { in: ['OPEN', 'COMPLETED'] } } });
    if (open) throw open.status === 'OPEN' ? new DomainError('ROUND_ALREADY_OPEN') : new DomainError('AGREEMENT_ALREADY_SIGNED');
    // Read in the locking transaction: a participant change either commits before it (and is
    // in the list) or is refused after it (PARTICIPANTS_FROZEN).
    const signerIds = (await agreementPartiesOf(tx, caseId)).map((p) => p.id);
    const round = await tx.signingRound.create({
      data: {
        caseId,
        versionSeq: version.seq,
        contentSha256: content.sha256,
        snapshot: JSON.stringify(snapshot),
        clauseHashes: JSON.stringify(content.clauses),
        signerIds: JSON.stringify(signerIds),
        lockedById: user.id,
      },
    });
    if (c.status === 'MEDIATING')
      await transitionCase(tx, { caseId, from: 'MEDIATING', to: 'AGREED', by: 'signing', actor: staffActor(user), reason: '锁定协议供签署' });
    await appendAudit(tx, staffActor(user), caseId, {
      type: 'SIGNING_LOCKED',
      data: { roundId: round.id, versionSeq: version.seq, contentSha256: content.sha256, clauses: content.clauses.length },
    });
    return round;
  });
}

/** The saved version's agreement, or why it may not be signed electronically as it stands. */
function signableSnapshot(state: Uint8Array): AgreementSnapshot {
  const doc = docFromVersion({ update: state });
  let snapshot: AgreementSnapshot;
  try {
    snapshot = readAgreement(doc);
  } finally {
    doc.destroy();
  }
  const findings = checkAgreement(snapshot);
  if (!electronicSigningAllowed(findings))
    throw new DomainError('PAPER_SIGNING_REQUIRED', '协议涉及婚姻、收养、继承等人身关系或停止公用事业服务，不能电子签署，请改为纸质签署');
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length)
    throw new DomainError(
      'AGREEMENT_HAS_ERRORS',
      `协议还有 ${errors.length} 处必须修改的问题：${errors
        .slice(0, 3)
        .map((f) => f.message)
        .join('；')}`,
    );
  if (snapshot.clauses.length === 0) throw new DomainError('AGREEMENT_EMPTY', '协议没有任何条款');
  // The notices in force now are part of what is signed, printed and hashed.
  const locked: AgreementSnapshot = { ...snapshot, notices: { judicialConfirmation: AGREEMENT_NOTICES.judicialConfirmation.text } };
  const lines = agreementLines(locked);
  const missing = missingGlyphs(lines.map((l) => l.text).join(''));
  if (missing.length) throw new DomainError('MISSING_GLYPHS', new MissingGlyphsError(missing).message);
  return locked;
}

/** Voids the open round: every consent and signature on it stops counting (kept, marked void). */
export async function unlockRound(ctx: AppContext, user: StaffPrincipal, caseId: string, reason: string) {
  return ctx.db.$transaction(async (tx) => {
    const voided = await voidOpenRound(tx, staffActor(user), caseId, `解除锁定：${reason}`, reason);
    if (!voided)
      throw (await tx.signingRound.findFirst({ where: { caseId, status: 'COMPLETED' } }))
        ? new DomainError('AGREEMENT_ALREADY_SIGNED', '协议已签署完毕，不能解除锁定')
        : new DomainError('NOT_LOCKED', '没有锁定中的协议版本');
    return voided;
  });
}

/**
 * In the caller's transaction: voids the case's open round, if any (audited), and reopens the
 * mediation (达成协议 → 调解中). Also used when a party ends the mediation while a round is open.
 */
export async function voidOpenRound(tx: Tx, actor: Actor, caseId: string, transitionReason: string, reason: string) {
  const round = await tx.signingRound.findFirst({ where: { caseId, status: 'OPEN' } });
  if (!round) return null;
  const { count } = await tx.signingRound.updateMany({
    where: { id: round.id, status: 'OPEN' },
    data: { status: 'VOIDED', voidedAt: new Date(), voidReason: reason },
  });
  if (count !== 1) throw new DomainError('STALE_STATE', '签署状态已变化，请刷新后重试');
  const voidedSignatures = await tx.agreementSignature.count({ where: { roundId: round.id } });
  const voidedConsents = await tx.clauseConsent.count({ where: { roundId: round.id } });
  await appendAudit(tx, actor, caseId, { type: 'SIGNING_UNLOCKED', data: { roundId: round.id, reason, voidedSignatures, voidedConsents } });
  // Unlocking reopens the mediation: the agreement is no longer settled (达成协议 → 调解中).
  const { status } = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { status: true } });
  if (status === 'AGREED') await transitionCase(tx, { caseId, from: 'AGREED', to: 'MEDIATING', by: 'signing', actor, reason: transitionReason });
  return { voidedSignatures, voidedConsents };
}
