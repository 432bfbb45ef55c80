// The room session's lifecycle table and machine, move by move.
import { describe, expect, it } from 'vitest';
import { nextPhase, RoomLifecycle, TRANSITIONS, type LifecycleEvent, type Phase } from './room-lifecycle.ts';

const PHASES = Object.keys(TRANSITIONS) as Phase[];
const EVENTS: LifecycleEvent[] = ['start', 'connected', 'joined', 'join-failed', 'retry', 'disconnected', 'leave', 'close'];

function machine(...events: LifecycleEvent[]): RoomLifecycle {
  const m = new RoomLifecycle();
  for (const e of events) expect(m.fire(e), `${e} from ${m.phase}`).toBe(true);
  return m;
}

describe('lifecycle table', () => {
  it('every phase is reachable from idle, and closed is the only one without a way out', () => {
    const seen = new Set<Phase>(['idle']);
    const todo: Phase[] = ['idle'];
    while (todo.length) {
      const p = todo.pop()!;
      for (const e of EVENTS) {
        const to = nextPhase(p, e);
        if (to && !seen.has(to)) {
          seen.add(to);
          todo.push(to);
        }
      }
    }
    expect([...seen].sort()).toEqual([...PHASES].sort());
    expect(PHASES.filter((p) => Object.keys(TRANSITIONS[p]).length === 0)).toEqual(['closed']);
  });

  it('everything can close; everything but leaving and closed can leave', () => {
    for (const p of PHASES) {
      expect(nextPhase(p, 'close')).toBe(p === 'closed' ? null : 'closed');
      expect(nextPhase(p, 'leave')).toBe(p === 'leaving' || p === 'closed' ? null : 'leaving');
    }
  });

  it('a join is only ever started by a connection or a retry, and only joining reaches joined', () => {
    for (const p of PHASES) {
      for (const e of EVENTS) {
        const to = nextPhase(p, e);
        if (to === 'joining')
          expect([e, p]).toSatisfy(
            ([ev, from]) => (ev === 'connected' && (from === 'connecting' || from === 'offline')) || (ev === 'retry' && from === 'join-wait'),
          );
        if (to === 'joined') expect(p).toBe('joining');
      }
    }
  });
});

describe('RoomLifecycle', () => {
  it('first join: idle → connecting → joining → joined', () => {
    const m = new RoomLifecycle();
    expect(m.phase).toBe('idle');
    expect(m.fire('connected')).toBe(false); // not started: ignored
    expect(m.fire('start')).toBe(true);
    expect(m.fire('start')).toBe(false); // started once
    expect(m.phase).toBe('connecting');
    m.fire('connected');
    expect(m.phase).toBe('joining');
    expect(m.joinedOnce).toBe(false);
    m.fire('joined');
    expect(m).toMatchObject({ phase: 'joined', joinedOnce: true, closed: false });
  });

  it('a failed join waits and retries; a drop meanwhile goes offline and the retry no longer applies', () => {
    const m = machine('start', 'connected', 'join-failed');
    expect(m.phase).toBe('join-wait');
    expect(m.fire('retry')).toBe(true);
    expect(m.phase).toBe('joining');
    m.fire('join-failed');
    m.fire('disconnected');
    expect(m.phase).toBe('offline');
    expect(m.fire('retry')).toBe(false);
    expect(m.joinedOnce).toBe(false);
  });

  it('drop after joining: offline remembers the place, reconnecting joins again', () => {
    const m = machine('start', 'connected', 'joined', 'disconnected');
    expect(m).toMatchObject({ phase: 'offline', joinedOnce: true });
    expect(m.fire('joined')).toBe(false);
    m.fire('connected');
    expect(m.phase).toBe('joining');
    m.fire('joined');
    expect(m.phase).toBe('joined');
  });

  it('each join has its own attempt number; an abandoned join is no longer current', () => {
    const m = machine('start', 'connected');
    const first = m.attempt;
    expect(m.isCurrentJoin(first)).toBe(true);
    m.fire('disconnected');
    expect(m.isCurrentJoin(first)).toBe(false);
    m.fire('connected');
    expect(m.attempt).toBe(first + 1);
    expect(m.isCurrentJoin(first)).toBe(false);
    expect(m.isCurrentJoin(first + 1)).toBe(true);
    m.fire('leave');
    expect(m.isCurrentJoin(first + 1)).toBe(false);
  });

  it('an admission is remembered only while a join is in flight, and only for that join', () => {
    const m = machine('start');
    expect(m.noteAdmitted()).toBe(false);
    m.fire('connected');
    expect(m.noteAdmitted()).toBe(true);
    expect(m.admittedDuringJoin).toBe(true);
    m.fire('join-failed');
    expect(m.noteAdmitted()).toBe(false);
    m.fire('retry');
    expect(m.admittedDuringJoin).toBe(false);
    m.fire('joined');
    expect(m.noteAdmitted()).toBe(false);
  });

  it('leaving ignores the socket and ends in closed; closed ignores everything', () => {
    const m = machine('start', 'connected', 'joined', 'leave');
    expect(m.phase).toBe('leaving');
    for (const e of ['connected', 'disconnected', 'joined', 'retry', 'leave'] as const) expect(m.fire(e)).toBe(false);
    expect(m.fire('close')).toBe(true);
    expect(m.closed).toBe(true);
    for (const e of EVENTS) expect(m.fire(e)).toBe(false);
    expect(m.phase).toBe('closed');
  });

  it('leave and close work before start too', () => {
    expect(machine('leave', 'close').closed).toBe(true);
    expect(machine('close').closed).toBe(true);
  });
});
