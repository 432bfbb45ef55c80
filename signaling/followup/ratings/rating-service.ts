// 评价: a party rates the service from its personal link after each live session it took part in
// and once when its case is concluded — five levels and an optional comment (sealed at rest). One
// rating per party per occasion (ServiceRating's unique participant+occasion+key). A rating at or
// below the policy's poorRatingAtMost opens a POOR_RATING 回访 in the same transaction, so a
// poor rating is never left without its task.
//
// Who sees a rating: the party itself (score only, its own), and the staff of the case's unit and
// of the centre (staff-reach.ts). Nothing here is ever sent to a room socket or to another party.
import { partyActor } from '../../audit/actors.ts';
import { appendAudit } from '../../audit/log.ts';
import type { AppContext, StaffPrincipal } from '../../context.ts';
import type { Clock } from '../../deadlines/clock.ts';
import { formatChinaDateTime } from '../../domain/china-time.ts';
import { DomainError } from '../../errors.ts';
import { openFollowUpTask } from '../follow-up-tasks.ts';
import type { FollowUpPolicy } from '../policy.ts';
import { reachOf, reaches } from '../staff-reach.ts';
import {
  CLOSING_KEY,
  isConcluded,
  RATING_LABELS,
  RATING_OCCASION_LABELS,
  sessionsOf,
  type RatingOccasion,
  type RatingScore,
  type RoomStep,
} from '../../domain/rating-rules.ts';

export interface RatingParty {
  id: string;
  caseId: string;
  name: string;
}

interface Occasion {
  occasion: RatingOccasion;
  occasionKey: string;
  label: string;
}

const ROOM_STEP_TYPES = ['ROOM_JOINED', 'ROOM_LEFT', 'ROOM_ENDED'] as const;

export class RatingService {
  constructor(
    private readonly ctx: AppContext,
    private readonly clock: Clock,
    private readonly policy: FollowUpPolicy,
  ) {}

  /** The occasions this party may rate now (rated or not): each ended session it took part in, and the closing. */
  async #occasions(p: RatingParty): Promise<Occasion[]> {
    const [kase, rows] = await Promise.all([
      this.ctx.db.case.findUniqueOrThrow({ where: { id: p.caseId }, select: { status: true } }),
      this.ctx.db.auditEntry.findMany({
        where: { caseId: p.caseId, type: { in: [...ROOM_STEP_TYPES] } },
        orderBy: { seq: 'asc' },
        select: { type: true, at: true, actorId: true, data: true },
      }),
    ]);
    const steps: RoomStep[] = rows.map((r) => ({
      type: r.type as RoomStep['type'],
      at: r.at,
      actorId: r.actorId,
      peerId: r.type === 'ROOM_LEFT' ? (JSON.parse(r.data) as { peerId?: string }).peerId : undefined,
    }));
    const out: Occasion[] = sessionsOf(steps, p.id)
      .filter((s) => s.ended)
      .map((s) => ({ occasion: 'SESSION', occasionKey: s.key, label: `${RATING_OCCASION_LABELS.SESSION}（${formatChinaDateTime(s.startedAt)}）` }));
    if (isConcluded(kase.status)) out.push({ occasion: 'CLOSING', occasionKey: CLOSING_KEY, label: RATING_OCCASION_LABELS.CLOSING });
    return out;
  }

  /** The party's own view: what it may still rate, and what it rated (never anyone else's). */
  async forParty(p: RatingParty) {
    const [occasions, given] = await Promise.all([
      this.#occasions(p),
      this.ctx.db.serviceRating.findMany({ where: { participantId: p.id }, orderBy: { createdAt: 'asc' } }),
    ]);
    const done = new Set(given.map((g) => `${g.occasion}\n${g.occasionKey}`));
    return {
      pending: occasions.filter((o) => !done.has(`${o.occasion}\n${o.occasionKey}`)),
      given: given.map((g) => ({
        occasion: g.occasion as RatingOccasion,
        occasionKey: g.occasionKey,
        score: g.score as RatingScore,
        scoreLabel: RATING_LABELS[g.score as RatingScore],
        createdAt: g.createdAt.toISOString(),
      })),
    };
  }

  /** Records the party's rating of one occasion; a poor one opens its 回访 in the same transaction. */
  async give(p: RatingParty, body: { occasion: RatingOccasion; occasionKey: string; score: RatingScore; comment?: string | undefined }) {
    const occasions = await this.#occasions(p);
    const occasion = occasions.find((o) => o.occasion === body.occasion && o.occasionKey === body.occasionKey);
    if (!occasion) throw new DomainError('RATING_NOT_OPEN', body.occasion === 'CLOSING' ? '案件办结后才能进行结案评价' : '只能评价您参加过且已结束的在线调解');
    const comment = body.comment?.trim() || null;
    const now = this.clock.now();
    const poor = body.score <= this.policy.poorRatingAtMost;
    return this.ctx.db.$transaction(async (tx) => {
      // Interactive transactions begin IMMEDIATE (db.ts): this check and the insert are one step.
      const existing = await tx.serviceRating.findUnique({
        where: { participantId_occasion_occasionKey: { participantId: p.id, occasion: body.occasion, occasionKey: body.occasionKey } },
        select: { id: true },
      });
      if (existing) throw new DomainError('RATING_ALREADY_GIVEN');
      const rating = await tx.serviceRating.create({
        data: { caseId: p.caseId, participantId: p.id, occasion: body.occasion, occasionKey: body.occasionKey, score: body.score, comment, createdAt: now },
      });
      const actor = partyActor(p);
      await appendAudit(tx, actor, p.caseId, {
        type: 'RATING_GIVEN',
        data: { ratingId: rating.id, participantId: p.id, occasion: body.occasion, score: body.score, commented: comment !== null },
      });
      const task = poor ? await openFollowUpTask(tx, { caseId: p.caseId, reason: 'POOR_RATING', sourceId: rating.id }, now, this.policy, actor) : null;
      return { id: rating.id, poor, followUpOpened: task?.created ?? false };
    });
  }

  /** Every rating of a case, for the staff of its unit and the centre. */
  async forCase(staff: StaffPrincipal, caseId: string) {
    const kase = await this.ctx.db.case.findUnique({ where: { id: caseId }, select: { orgId: true } });
    if (!kase || !reaches(await reachOf(this.ctx.db, staff), kase.orgId)) throw new DomainError('CASE_NOT_FOUND');
    return { ratings: await staffRatingViews(this.ctx, { caseId }) };
  }
}

/** Ratings with their party and the 回访 each opened, as staff see them. */
export async function staffRatingViews(ctx: AppContext, where: { caseId: string } | { id: string }) {
  const ratings = await ctx.db.serviceRating.findMany({ where, orderBy: { createdAt: 'asc' } });
  if (ratings.length === 0) return [];
  const [people, tasks] = await Promise.all([
    ctx.db.participant.findMany({ where: { id: { in: ratings.map((r) => r.participantId) } }, select: { id: true, name: true, role: true } }),
    ctx.db.followUpTask.findMany({ where: { reason: 'POOR_RATING', sourceId: { in: ratings.map((r) => r.id) } }, select: { id: true, sourceId: true } }),
  ]);
  const person = new Map(people.map((p) => [p.id, p]));
  const taskOf = new Map(tasks.map((t) => [t.sourceId, t.id]));
  return ratings.map((r) => ({
    id: r.id,
    caseId: r.caseId,
    participantId: r.participantId,
    participantName: person.get(r.participantId)?.name ?? '（已移除的当事人）',
    participantRole: person.get(r.participantId)?.role ?? 'OTHER',
    occasion: r.occasion as RatingOccasion,
    occasionLabel: RATING_OCCASION_LABELS[r.occasion as RatingOccasion],
    occasionKey: r.occasionKey,
    score: r.score as RatingScore,
    scoreLabel: RATING_LABELS[r.score as RatingScore],
    comment: r.comment,
    createdAt: r.createdAt.toISOString(),
    taskId: taskOf.get(r.id) ?? null,
  }));
}
