// Signing a case's agreement: the mediator locks a named version (its canonical hash recorded);
// every party accepts every clause of it (bound to the clause's hash); each party — or an agent
// the case authorises — signs after confirming identity (name + ID digits + a one-time code sent
// to their phone), drawing a signature and affirming "本人已阅读协议全部内容，系自愿签署"; then the
// mediator signs, the committee seal is applied, the PDF is sealed with the organisation's PAdES
// signature and stored, and the case becomes 已签署. Unlocking voids everything collected on the
// locked version. Every step is one transaction with its audit entry.
//
// Who must sign is fixed when the text is locked: the round stores its signers (the case's
// agreement parties then), the participant list stays frozen while the round is open or
// completed (participant-service.ts), and the view, consent, codes, signing and issuing all go by
// the round's list (signing-round.ts).
//
// This class is the one entry the routes use; each step lives with its own concern:
// round-locking.ts (lock, unlock), party-signing.ts (consent, sign), signing-codes.ts (one-time
// codes), issuing.ts (the mediator's signature and the issued PDF), signing-view.ts (reading).
import type { FastifyBaseLogger } from 'fastify';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { setAgentAuthority } from './agent-authority.ts';
import { AgreementIssuer } from './issuing.ts';
import type { SigningIdentity } from './org-identity.ts';
import { acceptClause, objectToClause, signAsParty, type ClauseObjectionSink } from './party-signing.ts';
import { lockRound, unlockRound } from './round-locking.ts';
import { SigningCodes } from './signing-codes.ts';
import type { Participant, RequestInfo } from './signing-round.ts';
import { issuedPdf, signingView } from './signing-view.ts';
import type { SmsProvider } from './sms.ts';

export class SigningService {
  readonly #ctx: AppContext;
  readonly #codes: SigningCodes;
  readonly #issuer: AgreementIssuer;
  readonly #objections: ClauseObjectionSink;

  constructor(ctx: AppContext, identity: SigningIdentity, sms: SmsProvider, objections: ClauseObjectionSink, log?: FastifyBaseLogger) {
    this.#ctx = ctx;
    this.#objections = objections;
    this.#codes = new SigningCodes(ctx, sms);
    this.#issuer = new AgreementIssuer(ctx, identity, log);
  }

  /** The one-time codes, shared with the other documents signed with the same ceremony (调解笔录, 司法确认申请书). */
  get codes(): SigningCodes {
    return this.#codes;
  }

  // ── mediator ────────────────────────────────────────────────────────────────

  /** Locks named version `versionSeq` (default: the newest) of the case's agreement for signing. */
  lock(user: StaffPrincipal, caseId: string, versionSeq?: number) {
    return lockRound(this.#ctx, user, caseId, versionSeq);
  }

  /** Voids the open round: every consent and signature on it stops counting (kept, marked void). */
  unlock(user: StaffPrincipal, caseId: string, reason: string) {
    return unlockRound(this.#ctx, user, caseId, reason);
  }

  /** The mediator signs last and the agreement is issued, all at once (issuing.ts). */
  mediatorSign(user: StaffPrincipal, caseId: string, png: Buffer, req: RequestInfo) {
    return this.#issuer.mediatorSign(user, caseId, png, req);
  }

  /** Lets an agent accept and sign for its side's parties, or stops it (agent-authority.ts). */
  setAgentAuthority(user: StaffPrincipal, caseId: string, participantId: string, authorised: boolean) {
    return setAgentAuthority(this.#ctx, user, caseId, participantId, authorised);
  }

  // ── parties ─────────────────────────────────────────────────────────────────

  consent(actor: Participant, input: { clauseId: string; clauseSha256: string; onBehalfOf?: string | undefined }) {
    return acceptClause(this.#ctx, actor, input);
  }

  /** An objection to a clause instead of accepting it: the mediator sees it on the clause. */
  object(actor: Participant, input: { clauseId: string; clauseSha256: string; text: string; onBehalfOf?: string | undefined }) {
    return objectToClause(this.#ctx, this.#objections, actor, input);
  }

  /** Sends a one-time code to the phone of the person who will sign. */
  sendCode(actor: Participant, onBehalfOf?: string) {
    return this.#codes.send(actor, onBehalfOf);
  }

  sign(
    actor: Participant,
    input: { onBehalfOf?: string | undefined; name: string; idLast4: string; code: string; png: Buffer; affirmation: string },
    req: RequestInfo,
  ) {
    return signAsParty(this.#ctx, this.#codes, actor, input, req);
  }

  // ── reading ─────────────────────────────────────────────────────────────────

  /** The current round (open or completed) as one viewer sees it; `viewer` null for staff. */
  view(caseId: string, viewer: Participant | null) {
    return signingView(this.#ctx, caseId, viewer);
  }

  pdf(caseId: string) {
    return issuedPdf(this.#ctx, caseId);
  }
}
