// Which live sessions a party may rate, from the room's audit steps (pure): the session's key is
// its first join of anyone, every party of it shares that key, leaving and returning within it is
// one session, and it is over for a party once the mediator ended it, the party left, or everyone
// left (the room closes when empty).
import { describe, expect, it } from 'vitest';
import { sessionsOf, type RoomStep } from '../../signaling/domain/rating-rules.ts';

const t = (min: number) => new Date(Date.UTC(2026, 11, 7, 2, min));
const step = (type: RoomStep['type'], min: number, actorId: string | null, peerId?: string): RoomStep => ({ type, at: t(min), actorId, peerId });

describe('sessionsOf', () => {
  const steps: RoomStep[] = [
    step('ROOM_JOINED', 0, 'mediator'),
    step('ROOM_JOINED', 2, 'A'),
    step('ROOM_JOINED', 3, 'B'),
    step('ROOM_LEFT', 10, 'A', 'A'),
    step('ROOM_JOINED', 12, 'A'), // back within the same session
    step('ROOM_LEFT', 20, 'A', 'A'),
    step('ROOM_ENDED', 30, 'mediator'),
    // A second session that only B attends; its link is revoked (the system writes the leave).
    step('ROOM_JOINED', 100, 'mediator'),
    step('ROOM_JOINED', 101, 'B'),
    step('ROOM_LEFT', 105, null, 'B'),
    step('ROOM_LEFT', 110, 'mediator', 'mediator'), // the room is empty: the session is over
    // A third, still running, with A in it.
    step('ROOM_JOINED', 200, 'mediator'),
    step('ROOM_JOINED', 201, 'A'),
  ];

  it('gives each party the sessions it took part in, keyed by the session start', () => {
    expect(sessionsOf(steps, 'A')).toEqual([
      { key: t(0).toISOString(), startedAt: t(0), ended: true },
      { key: t(200).toISOString(), startedAt: t(200), ended: false },
    ]);
    expect(sessionsOf(steps, 'B')).toEqual([
      { key: t(0).toISOString(), startedAt: t(0), ended: true },
      { key: t(100).toISOString(), startedAt: t(100), ended: true },
    ]);
    expect(sessionsOf(steps, 'C')).toEqual([]);
  });

  it('a party that left and came back is in the session again until it leaves or the session ends', () => {
    const running = steps.slice(0, 5);
    expect(sessionsOf(running, 'A')).toEqual([{ key: t(0).toISOString(), startedAt: t(0), ended: false }]);
    expect(sessionsOf(steps.slice(0, 4), 'A')).toEqual([{ key: t(0).toISOString(), startedAt: t(0), ended: true }]);
  });
});
