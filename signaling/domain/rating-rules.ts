// 评价 as rules shared by the server and the party page (browser-safe: no node or database
// imports): the five levels, the two occasions a party is asked, and which sessions of the live
// room a party may rate — worked out from the room's audit trail (who joined, who left, when the
// mediator ended the session), so nothing in the room has to remember that a rating is owed.
import type { CaseStatus } from './case-status.ts';

/** 5 levels, best first (the form's order). */
export const RATING_SCORES = [5, 4, 3, 2, 1] as const;
export type RatingScore = (typeof RATING_SCORES)[number];

export const RATING_LABELS: Record<RatingScore, string> = {
  5: '非常满意',
  4: '满意',
  3: '一般',
  2: '不满意',
  1: '非常不满意',
};

export const RATING_OCCASIONS = ['SESSION', 'CLOSING'] as const;
export type RatingOccasion = (typeof RATING_OCCASIONS)[number];

export const RATING_OCCASION_LABELS: Record<RatingOccasion, string> = {
  SESSION: '在线调解结束后',
  CLOSING: '案件办结时',
};

/** The closing rating's one key (one per party per case). */
export const CLOSING_KEY = 'closing';

/** Longest comment a party may leave (characters). */
export const RATING_COMMENT_MAX = 300;

/**
 * Statuses in which the case is concluded for the party (调解不成, 撤回, the agreement signed —
 * and what follows it at the court): the closing rating is offered from then on.
 */
export const CONCLUDED_STATUSES: readonly CaseStatus[] = ['FAILED', 'WITHDRAWN', 'SIGNED', 'CONFIRMATION_REQUESTED', 'CONFIRMED', 'DISMISSED'];

export function isConcluded(status: string): boolean {
  return (CONCLUDED_STATUSES as readonly string[]).includes(status);
}

/** One audited step of the live room (AuditEntry rows of these types, in chain order). */
export interface RoomStep {
  type: 'ROOM_JOINED' | 'ROOM_LEFT' | 'ROOM_ENDED';
  at: Date;
  /** The member who acted (a party's peer id is its participant id); null for the system. */
  actorId: string | null;
  /** ROOM_LEFT: whose place ended (the system writes some, e.g. a revoked link). */
  peerId?: string | undefined;
}

export interface SessionTaken {
  /** The occasion key: when the session started — its first join, of anyone (ISO). */
  key: string;
  startedAt: Date;
  /** The session is over for the party: the mediator ended it, or the party left and did not come back. */
  ended: boolean;
}

/**
 * The sessions `participantId` took part in, in order. A session runs from the first join after
 * the previous one ended until the mediator ends it (ROOM_ENDED) or the last member leaves (the
 * room closes when it is empty); every party of it rates the same session (the same key), and
 * leaving and coming back within it is still that one session.
 */
export function sessionsOf(steps: readonly RoomStep[], participantId: string): SessionTaken[] {
  const out: SessionTaken[] = [];
  const present = new Set<string>();
  let startedAt: Date | null = null;
  let tookPart = false;
  let left = false;
  const end = () => {
    if (startedAt && tookPart) out.push({ key: startedAt.toISOString(), startedAt, ended: true });
    startedAt = null;
    tookPart = false;
    left = false;
    present.clear();
  };
  for (const s of steps) {
    if (s.type === 'ROOM_JOINED') {
      startedAt ??= s.at;
      if (s.actorId) present.add(s.actorId);
      if (s.actorId === participantId) {
        tookPart = true;
        left = false;
      }
    } else if (s.type === 'ROOM_LEFT') {
      const who = s.peerId ?? s.actorId;
      if (who) present.delete(who);
      if (who === participantId && tookPart) left = true;
      if (startedAt && present.size === 0) end();
    } else {
      end();
    }
  }
  if (startedAt && tookPart) out.push({ key: (startedAt as Date).toISOString(), startedAt, ended: left });
  return out;
}
