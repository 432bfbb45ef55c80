// The workflow rules as pure functions (signaling/domain/case-workflow.ts): which work moves which
// status where, why a lock cannot happen yet, and what the party's page offers in each status.
import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, type CaseStatus } from '../../signaling/domain/case-status.ts';
import {
  applicationWindowCounts,
  lockProblem,
  rulingOutcome,
  movesOnWork,
  partyJudicialOffer,
  partySigningOffer,
  partyWaitingNote,
  workflowNote,
  workPathIsLegal,
  type WorkEvent,
} from '../../signaling/domain/case-workflow.ts';

const EVENTS: WorkEvent[] = ['room-opened', 'draft-opened'];

// The specification, written out independently of the rule table.
const EXPECTED_MOVES: Partial<Record<CaseStatus, CaseStatus[]>> = {
  ACCEPTED: ['TRIAGED', 'MEDIATING'],
  TRIAGED: ['MEDIATING'],
};

describe('work moves the case (pure)', () => {
  it.each(CASE_STATUSES.flatMap((s) => EVENTS.map((e) => [s, e] as const)))('%s on %s', (status, event) => {
    expect(movesOnWork(status, event)).toEqual(EXPECTED_MOVES[status] ?? []);
  });

  it('every automatic path is made of legal workflow moves that need no reason, and ends in 调解中', () => {
    for (const status of CASE_STATUSES)
      for (const event of EVENTS) {
        const path = movesOnWork(status, event);
        expect(workPathIsLegal(status, path), `${status} on ${event}`).toBe(true);
        if (path.length > 0) expect(path.at(-1)).toBe('MEDIATING');
      }
  });

  it('never moves a case back to 调解中 after a court dismissed it (that needs a reason) or out of a later status', () => {
    for (const s of ['MEDIATING', 'AGREED', 'SIGNED', 'CONFIRMATION_REQUESTED', 'CONFIRMED', 'DISMISSED', 'FAILED', 'WITHDRAWN'] as const)
      for (const event of EVENTS) expect(movesOnWork(s, event)).toEqual([]);
  });

  it('workPathIsLegal refuses a skipped step or a reason-requiring move', () => {
    expect(workPathIsLegal('ACCEPTED', ['MEDIATING'])).toBe(false);
    expect(workPathIsLegal('DISMISSED', ['MEDIATING'])).toBe(false);
    expect(workPathIsLegal('MEDIATING', ['AGREED'])).toBe(false);
  });
});

describe('what each status allows (pure)', () => {
  it('locking: only 调解中 / 达成协议; before that the reason says how to get there', () => {
    for (const s of CASE_STATUSES) {
      const problem = lockProblem(s);
      if (s === 'MEDIATING' || s === 'AGREED') expect(problem).toBeNull();
      else expect(problem).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(lockProblem('ACCEPTED')).toContain('进入调解室或打开协议草稿');
    expect(lockProblem('WITHDRAWN')).toContain('已终结');
  });

  it('the case page explains every status without manual moves', () => {
    for (const s of ['ACCEPTED', 'TRIAGED', 'MEDIATING', 'AGREED', 'SIGNED', 'CONFIRMATION_REQUESTED', 'CONFIRMED', 'FAILED', 'WITHDRAWN'] as const)
      expect(workflowNote(s)).toBeTruthy();
    expect(workflowNote('ACCEPTED')).toContain('自动进入「调解中」');
  });

  it('the party page offers 签署 only once locked, 司法确认 only once signed, and explains the wait', () => {
    const offers = Object.fromEntries(CASE_STATUSES.map((s) => [s, [partySigningOffer(s)?.kind ?? null, partyJudicialOffer(s)?.kind ?? null]]));
    expect(offers).toEqual({
      ACCEPTED: [null, null],
      TRIAGED: [null, null],
      MEDIATING: [null, null],
      AGREED: ['sign', null],
      FAILED: [null, null],
      SIGNED: ['download', 'apply'],
      CONFIRMATION_REQUESTED: ['download', 'follow'],
      CONFIRMED: ['download', 'ruling'],
      DISMISSED: ['download', 'ruling'],
      WITHDRAWN: [null, null],
    });
    expect(partyWaitingNote('MEDIATING')).toContain('锁定协议书后');
    expect(partyWaitingNote('SIGNED')).toBeNull();
  });

  it('the application window counts down only until the parties have applied; after a ruling the outcome is shown', () => {
    expect([null, 'DRAFT', 'SUBMITTED', 'ACCEPTED', 'REVIEWING', 'CONFIRMED', 'DISMISSED'].map(applicationWindowCounts)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(rulingOutcome('REVIEWING')).toBeNull();
    expect(rulingOutcome('CONFIRMED')).toContain('申请期限不再计算');
    expect(rulingOutcome('DISMISSED')).toContain('驳回');
  });
});
