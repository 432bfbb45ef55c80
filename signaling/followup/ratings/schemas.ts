// 评价's HTTP bodies and views (the web client's types are Static<> of these).
import { Type } from '@sinclair/typebox';
import { RATING_COMMENT_MAX } from '../../domain/rating-rules.ts';

export const RatingOccasionT = Type.Union([Type.Literal('SESSION'), Type.Literal('CLOSING')], { title: '评价场合' });
export const RatingScoreT = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4), Type.Literal(5)], { title: '满意程度' });

/** What the party is asked now: one entry per occasion it has not rated yet. */
export const RatingOccasionView = Type.Object({
  occasion: RatingOccasionT,
  occasionKey: Type.String(),
  /** e.g. 在线调解结束后（12月7日 10:00） */
  label: Type.String(),
});

/** A rating as its own party sees it. */
export const OwnRatingView = Type.Object({
  occasion: RatingOccasionT,
  occasionKey: Type.String(),
  score: RatingScoreT,
  scoreLabel: Type.String(),
  createdAt: Type.String(),
});

export const PartyRatingsView = Type.Object({
  pending: Type.Array(RatingOccasionView),
  given: Type.Array(OwnRatingView),
});

export const GiveRatingBody = Type.Object(
  {
    occasion: RatingOccasionT,
    occasionKey: Type.String({ minLength: 1, maxLength: 40, title: '评价场合' }),
    score: RatingScoreT,
    comment: Type.Optional(Type.String({ maxLength: RATING_COMMENT_MAX, title: '评价意见' })),
  },
  { additionalProperties: false },
);

/** A rating as the unit and the centre see it. */
export const StaffRatingView = Type.Object({
  id: Type.String(),
  caseId: Type.String(),
  participantId: Type.String(),
  participantName: Type.String(),
  participantRole: Type.String(),
  occasion: RatingOccasionT,
  occasionLabel: Type.String(),
  occasionKey: Type.String(),
  score: RatingScoreT,
  scoreLabel: Type.String(),
  comment: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  /** The 回访 task this rating opened (a poor rating), if any. */
  taskId: Type.Union([Type.String(), Type.Null()]),
});

export const CaseRatingsView = Type.Object({ ratings: Type.Array(StaffRatingView) });
