// One dashboard fact per dispute: a case (with its matter, when it came in as one) or a registered
// matter not opened as a case yet. `factOf` is a pure function of the dispute's own rows — the matter's
// history (MatterEvent), the case's audit entries (status changes, caucuses), its signing, judicial
// application, obligations and ratings — so the projector can rebuild any fact at any time and get
// the same row. `loadFacts` reads those rows for a batch of disputes in a fixed number of queries.
import type { Db, Tx } from '../../db.ts';

/** Case statuses after an agreement was signed (化解). DISMISSED: the court refused confirmation; the signed agreement stands. */
const RESOLVED_STATUSES = new Set(['SIGNED', 'CONFIRMATION_REQUESTED', 'CONFIRMED', 'DISMISSED']);
const MEDIATED_STATUSES = new Set(['MEDIATING', 'AGREED', ...RESOLVED_STATUSES]);
const TIMED = ['REGISTERED', 'ROUTED', 'ACCEPTED', 'ASSIGNED'] as const;
type Timed = (typeof TIMED)[number];

export type Outcome = 'OPEN' | 'RESOLVED' | 'FAILED' | 'WITHDRAWN';

export interface FactRow {
  id: string;
  caseId: string | null;
  matterId: string | null;
  unitId: string;
  channel: string;
  disputeType: string;
  areaCode: string | null;
  mediatorId: string | null;
  receivedDay: number;
  receivedMonth: number;
  outcome: Outcome;
  mediated: boolean;
  currentDueAt: Date | null;
  registeredSec: number | null;
  routedSec: number | null;
  acceptedSec: number | null;
  mediationSec: number | null;
  judicialSec: number | null;
  totalSec: number | null;
  registeredOnTime: boolean | null;
  routedOnTime: boolean | null;
  acceptedOnTime: boolean | null;
  mediationOnTime: boolean | null;
  signed: boolean;
  judicialApplied: boolean;
  judicialConfirmed: boolean;
  obligations: number;
  obligationsDue: number;
  obligationsPerformed: number;
  obligationsOverdue: number;
  ratings: number;
  ratingSum: number;
  ratingsSatisfied: number;
  ratingsPoor: number;
  caucuses: number;
  caucusSec: number;
  projectedAt: Date;
}

export interface CaseInput {
  id: string;
  orgId: string;
  disputeType: string;
  status: string;
  mediatorId: string | null;
  createdAt: Date;
  updatedAt: Date;
  dueDate: Date;
}

export interface MatterInput {
  id: string;
  caseId: string | null;
  channel: string;
  disputeType: string;
  areaCode: string | null;
  status: string;
  stageDueAt: Date | null;
  ownerUnitId: string;
  pendingUnitId: string | null;
  createdAt: Date;
}

export interface DisputeInput {
  case: CaseInput | null;
  matter: MatterInput | null;
  /** The matter's steps in order (only the types the stages need). */
  matterEvents: { type: string; at: Date; data: string }[];
  /** The case's audit entries in order (CASE_TRANSITION, CAUCUS_STARTED, CAUCUS_ENDED). */
  audit: { type: string; at: Date; data: string }[];
  signedAt: Date | null;
  judicial: { status: string; submittedAt: Date | null; decidedAt: Date | null } | null;
  obligations: { status: string }[];
  ratings: { score: number }[];
}

export interface FactOptions {
  /** A rating at or below this is poor (follow-up policy). */
  poorRatingAtMost: number;
  now: Date;
}

const CHINA_OFFSET_MS = 8 * 3600_000;

/** The China calendar day of an instant as YYYYMMDD. */
export function chinaDay(at: Date): number {
  const d = new Date(at.getTime() + CHINA_OFFSET_MS);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

const seconds = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

interface StagePass {
  stage: Timed;
  start: Date;
  due: Date;
  end: Date | null;
}

/** The passes through each timed stage, from the matter's DEADLINE_SET / DEADLINE_EXTENDED / WITHDRAWN / CLOSED steps. */
function stagePasses(events: DisputeInput['matterEvents'], concludedAt: Date | null): StagePass[] {
  const passes: StagePass[] = [];
  let current: StagePass | null = null;
  for (const e of events) {
    const data = JSON.parse(e.data) as { stage?: string; dueAt?: string };
    if (e.type === 'DEADLINE_SET' && data.stage && data.dueAt && (TIMED as readonly string[]).includes(data.stage)) {
      if (current) current.end = e.at;
      current = { stage: data.stage as Timed, start: e.at, due: new Date(data.dueAt), end: null };
      passes.push(current);
    } else if (e.type === 'DEADLINE_EXTENDED' && current && data.stage === current.stage && data.dueAt) {
      current.due = new Date(data.dueAt);
    } else if ((e.type === 'WITHDRAWN' || e.type === 'CLOSED') && current) {
      current.end = e.at;
      current = null;
    }
  }
  // 调解办理 ends when the case is concluded.
  if (current && current.stage === 'ASSIGNED' && concludedAt) current.end = concludedAt < current.start ? current.start : concludedAt;
  return passes;
}

function stageSummary(passes: StagePass[], stage: Timed): { sec: number | null; onTime: boolean | null } {
  const ended = passes.filter((p) => p.stage === stage && p.end !== null);
  if (ended.length === 0) return { sec: null, onTime: null };
  return {
    sec: ended.reduce((s, p) => s + seconds(p.start, p.end!), 0),
    onTime: ended.every((p) => p.end!.getTime() <= p.due.getTime()),
  };
}

export function factOf(input: DisputeInput, opts: FactOptions): FactRow {
  const c = input.case;
  const m = input.matter;
  if (!c && !m) throw new Error('a dispute is a case or a matter');
  const receivedAt = m?.createdAt ?? c!.createdAt;
  const day = chinaDay(receivedAt);

  const transitions = input.audit
    .filter((a) => a.type === 'CASE_TRANSITION')
    .map((a) => ({ at: a.at, ...(JSON.parse(a.data) as { from: string; to: string }) }));
  const lastInto = (status: string) => transitions.filter((t) => t.to === status).at(-1)?.at ?? null;

  let outcome: Outcome = 'OPEN';
  let closedAt: Date | null = null;
  if (c) {
    if (RESOLVED_STATUSES.has(c.status)) {
      outcome = 'RESOLVED';
      closedAt = transitions.find((t) => t.to === 'SIGNED')?.at ?? input.signedAt ?? c.updatedAt;
    } else if (c.status === 'FAILED' || c.status === 'WITHDRAWN') {
      outcome = c.status;
      closedAt = lastInto(c.status) ?? c.updatedAt;
    }
  } else if (m && (m.status === 'WITHDRAWN' || m.status === 'CLOSED')) {
    outcome = 'WITHDRAWN';
    closedAt = input.matterEvents.filter((e) => e.type === m.status).at(-1)?.at ?? null;
  }

  const passes = stagePasses(input.matterEvents, closedAt);
  // A case opened directly by a mediator (or before matters had stage deadlines): 调解办理 from its opening to its due date.
  if (c && !passes.some((p) => p.stage === 'ASSIGNED')) passes.push({ stage: 'ASSIGNED', start: c.createdAt, due: c.dueDate, end: closedAt });
  const registered = stageSummary(passes, 'REGISTERED');
  const routed = stageSummary(passes, 'ROUTED');
  const accepted = stageSummary(passes, 'ACCEPTED');
  const mediation = stageSummary(passes, 'ASSIGNED');

  let currentDueAt: Date | null = null;
  if (outcome === 'OPEN') {
    if (m && m.stageDueAt && (TIMED as readonly string[]).includes(m.status)) currentDueAt = m.stageDueAt;
    else if (c) currentDueAt = c.dueDate;
  }

  const j = input.judicial;
  const judicialApplied = !!j?.submittedAt;
  const judicialDecided = judicialApplied && !!j?.decidedAt && (j.status === 'CONFIRMED' || j.status === 'DISMISSED');

  const caucusEnds = input.audit.filter((a) => a.type === 'CAUCUS_ENDED').map((a) => (JSON.parse(a.data) as { durationSec?: number }).durationSec ?? 0);

  return {
    id: c?.id ?? m!.id,
    caseId: c?.id ?? null,
    matterId: m?.id ?? null,
    unitId: c?.orgId ?? (m!.status === 'ROUTED' && m!.pendingUnitId ? m!.pendingUnitId : m!.ownerUnitId),
    channel: m?.channel ?? 'DIRECT',
    disputeType: c?.disputeType ?? m!.disputeType,
    areaCode: m?.areaCode ?? null,
    mediatorId: c?.mediatorId ?? null,
    receivedDay: day,
    receivedMonth: Math.floor(day / 100),
    outcome,
    mediated: !!c && (MEDIATED_STATUSES.has(c.status) || transitions.some((t) => t.to === 'MEDIATING')),
    currentDueAt,
    registeredSec: registered.sec,
    routedSec: routed.sec,
    acceptedSec: accepted.sec,
    mediationSec: mediation.sec,
    judicialSec: judicialDecided ? seconds(j!.submittedAt!, j!.decidedAt!) : null,
    totalSec: closedAt ? seconds(receivedAt, closedAt) : null,
    registeredOnTime: registered.onTime,
    routedOnTime: routed.onTime,
    acceptedOnTime: accepted.onTime,
    mediationOnTime: mediation.onTime,
    signed: outcome === 'RESOLVED',
    judicialApplied,
    judicialConfirmed: j?.status === 'CONFIRMED',
    obligations: input.obligations.length,
    obligationsDue: input.obligations.filter((o) => o.status !== 'NOT_DUE').length,
    obligationsPerformed: input.obligations.filter((o) => o.status === 'PERFORMED').length,
    obligationsOverdue: input.obligations.filter((o) => o.status === 'OVERDUE').length,
    ratings: input.ratings.length,
    ratingSum: input.ratings.reduce((s, r) => s + r.score, 0),
    ratingsSatisfied: input.ratings.filter((r) => r.score >= 4).length,
    ratingsPoor: input.ratings.filter((r) => r.score <= opts.poorRatingAtMost).length,
    caucuses: input.audit.filter((a) => a.type === 'CAUCUS_STARTED').length,
    caucusSec: caucusEnds.reduce((s, v) => s + v, 0),
    projectedAt: opts.now,
  };
}

type Reader = Pick<Db | Tx, 'case' | 'matter' | 'matterEvent' | 'auditEntry' | 'signingRound' | 'judicialApplication' | 'obligation' | 'serviceRating'>;

const CASE_SELECT = { id: true, orgId: true, disputeType: true, status: true, mediatorId: true, createdAt: true, updatedAt: true, dueDate: true } as const;
const MATTER_SELECT = {
  id: true,
  caseId: true,
  channel: true,
  disputeType: true,
  areaCode: true,
  status: true,
  stageDueAt: true,
  ownerUnitId: true,
  pendingUnitId: true,
  createdAt: true,
} as const;

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/**
 * The facts of the disputes touching these cases and matters: a matter with a case is the case's
 * fact. Returns the facts and every fact id they replace (a matter's own fact once it has a case).
 */
export async function loadFacts(
  db: Reader,
  touched: { caseIds: readonly string[]; matterIds: readonly string[] },
  opts: FactOptions,
): Promise<{ facts: FactRow[]; replaces: string[] }> {
  const matters = await db.matter.findMany({
    where: { OR: [{ id: { in: [...touched.matterIds] } }, { caseId: { in: [...touched.caseIds] } }] },
    select: MATTER_SELECT,
  });
  const caseIds = [...new Set([...touched.caseIds, ...matters.flatMap((m) => (m.caseId ? [m.caseId] : []))])];
  const matterIds = matters.map((m) => m.id);
  const [cases, events, audit, rounds, applications, obligations, ratings] = await Promise.all([
    db.case.findMany({ where: { id: { in: caseIds } }, select: CASE_SELECT }),
    db.matterEvent.findMany({
      where: { matterId: { in: matterIds }, type: { in: ['DEADLINE_SET', 'DEADLINE_EXTENDED', 'WITHDRAWN', 'CLOSED'] } },
      orderBy: { id: 'asc' },
      select: { matterId: true, type: true, at: true, data: true },
    }),
    db.auditEntry.findMany({
      where: { caseId: { in: caseIds }, type: { in: ['CASE_TRANSITION', 'CAUCUS_STARTED', 'CAUCUS_ENDED'] } },
      orderBy: { seq: 'asc' },
      select: { caseId: true, type: true, at: true, data: true },
    }),
    db.signingRound.findMany({ where: { caseId: { in: caseIds }, status: 'COMPLETED' }, select: { caseId: true, completedAt: true } }),
    db.judicialApplication.findMany({ where: { caseId: { in: caseIds } }, select: { caseId: true, status: true, submittedAt: true, decidedAt: true } }),
    db.obligation.findMany({ where: { caseId: { in: caseIds } }, select: { caseId: true, status: true } }),
    db.serviceRating.findMany({ where: { caseId: { in: caseIds } }, select: { caseId: true, score: true } }),
  ]);
  const caseById = new Map(cases.map((c) => [c.id, c]));
  const matterByCase = new Map(matters.flatMap((m) => (m.caseId ? [[m.caseId, m] as const] : [])));
  const eventsByMatter = groupBy(events, (e) => e.matterId);
  const auditByCase = groupBy(audit, (a) => a.caseId);
  const signedAt = new Map(rounds.map((r) => [r.caseId, r.completedAt]));
  const applicationByCase = new Map(applications.map((a) => [a.caseId, a]));
  const obligationsByCase = groupBy(obligations, (o) => o.caseId);
  const ratingsByCase = groupBy(ratings, (r) => r.caseId);

  const facts: FactRow[] = [];
  for (const c of cases) {
    const m = matterByCase.get(c.id) ?? null;
    facts.push(
      factOf(
        {
          case: c,
          matter: m,
          matterEvents: m ? (eventsByMatter.get(m.id) ?? []) : [],
          audit: auditByCase.get(c.id) ?? [],
          signedAt: signedAt.get(c.id) ?? null,
          judicial: applicationByCase.get(c.id) ?? null,
          obligations: obligationsByCase.get(c.id) ?? [],
          ratings: ratingsByCase.get(c.id) ?? [],
        },
        opts,
      ),
    );
  }
  for (const m of matters) {
    if (m.caseId && caseById.has(m.caseId)) continue;
    facts.push(
      factOf(
        { case: null, matter: m, matterEvents: eventsByMatter.get(m.id) ?? [], audit: [], signedAt: null, judicial: null, obligations: [], ratings: [] },
        opts,
      ),
    );
  }
  return { facts, replaces: [...new Set([...caseIds, ...matterIds, ...touched.caseIds, ...touched.matterIds])] };
}
