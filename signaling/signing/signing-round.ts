// What every signing step reads of a round: its locked snapshot and clause hashes, the parties it
// needs signatures from (fixed at lock), and whom a participant may accept and sign for in it.
import { createHash } from 'node:crypto';
import { AgreementSnapshotSchema, type AgreementSnapshot } from '../agreement/document.ts';
import { todayInChina } from '../agreement/dates.ts';
import { AGREEMENT_PARTY_ROLES } from '../cases/participant-service.ts';
import { hasSpecialPowers } from '../cases/party-documents.ts';
import type { AppContext } from '../context.ts';
import { isGuardianRelationship, isMinorOn } from '../domain/party-details.ts';
import { DomainError } from '../errors.ts';

export type Participant = {
  id: string;
  caseId: string;
  role: string;
  side: string;
  name: string;
  phone: string;
  idNumber: string;
  signingAuthority: boolean;
  /** natural | legal (parties) */
  personType?: string;
  /** entrusted | statutory (agents) */
  agencyType?: string;
  /** statutory agents: the relationship to the party (GUARDIAN_RELATIONSHIPS) */
  guardianRelationship?: string | null;
};
export type Round = NonNullable<Awaited<ReturnType<AppContext['db']['signingRound']['findFirst']>>>;
/** One party the round needs a signature from; `participant` null only for a row gone since (rounds from before the list was frozen). */
export type Signer = { id: string; name: string; role: string; side: string; participant: Participant | null };

export interface RequestInfo {
  ip: string;
  userAgent: string;
}

export const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

export function snapshotOf(round: { snapshot: string }): AgreementSnapshot {
  return AgreementSnapshotSchema.parse(JSON.parse(round.snapshot));
}

export function clauseHashes(round: { clauseHashes: string }): Array<{ id: string; sha256: string }> {
  return JSON.parse(round.clauseHashes) as Array<{ id: string; sha256: string }>;
}

export async function openRound(ctx: AppContext, caseId: string): Promise<Round> {
  const round = await ctx.db.signingRound.findFirst({ where: { caseId, status: 'OPEN' } });
  if (!round)
    throw (await ctx.db.signingRound.findFirst({ where: { caseId, status: 'COMPLETED' } }))
      ? new DomainError('AGREEMENT_ALREADY_SIGNED')
      : new DomainError('NOT_LOCKED');
  return round;
}

/**
 * The parties `round` needs signatures from, in order: the list fixed at lock, or — for a round
 * locked before that was recorded — the locked snapshot's parties. Names come from the
 * participant rows (frozen while the round is open), else from the snapshot.
 */
export async function signersOf(ctx: AppContext, round: Round): Promise<Signer[]> {
  const snapshot = snapshotOf(round);
  const ids = round.signerIds !== null ? (JSON.parse(round.signerIds) as string[]) : snapshot.parties.map((p) => p.id);
  const rows = await ctx.db.participant.findMany({ where: { caseId: round.caseId, id: { in: ids } } });
  return ids.map((id) => {
    const row = rows.find((r) => r.id === id) ?? null;
    const printed = snapshot.parties.find((p) => p.id === id);
    return { id, name: row?.name ?? printed?.name ?? '', role: row?.role ?? printed?.role ?? '', side: row?.side ?? printed?.side ?? '', participant: row };
  });
}

/** A natural person under 18 today (China time), read from the ID number: only a 法定代理人 accepts and signs for them. */
const isMinorToday = (p: Participant) => p.personType !== 'legal' && isMinorOn(p.idNumber, todayInChina());

/**
 * Whom `actor` accepts and signs for in `round`: themselves (a signer of it), or a signer of their
 * side (an authorised agent). A minor party does neither itself; its 法定代理人 does (民法典 arts.
 * 19–23). An entrusted agent needs its 授权委托书 with special powers on file (GD 3), also when it
 * was authorised before that was required.
 */
export async function principalOf(ctx: AppContext, round: Round, actor: Participant, onBehalfOf: string | undefined): Promise<Participant> {
  const signers = await signersOf(ctx, round);
  if (AGREEMENT_PARTY_ROLES.has(actor.role)) {
    if (onBehalfOf && onBehalfOf !== actor.id) throw new DomainError('NOT_A_SIGNER', '当事人只能为本人签署');
    if (!signers.some((s) => s.id === actor.id)) throw new DomainError('NOT_A_SIGNER', '您不是锁定的协议版本的签署人');
    if (isMinorToday(actor)) throw new DomainError('GUARDIAN_REQUIRED');
    return actor;
  }
  if (actor.role !== 'AGENT' || !actor.signingAuthority)
    throw new DomainError('NOT_A_SIGNER', '您无权确认或签署本协议（仅当事人及经授权的委托代理人可以签署）');
  const party = onBehalfOf ? signers.find((p) => p.id === onBehalfOf)?.participant : undefined;
  if (!party || party.side !== actor.side) throw new DomainError('NOT_A_SIGNER', '请选择您代理的本方当事人');
  const statutory = actor.agencyType === 'statutory';
  if (isMinorToday(party) && !statutory) throw new DomainError('GUARDIAN_REQUIRED', `${party.name}未满十八周岁，应由其法定代理人代为确认和签署调解协议`);
  // A 法定代理人 acts by law, as the party's parent or guardian: that relationship must be on record.
  if (statutory && !isGuardianRelationship(actor.guardianRelationship)) throw new DomainError('GUARDIAN_RELATIONSHIP_REQUIRED');
  if (!statutory && !(await hasSpecialPowers(ctx.db, actor.id))) throw new DomainError('POWER_OF_ATTORNEY_MISSING');
  return party;
}
