// Applies the workflow rule of domain/case-workflow.ts when a mediator or co-mediator starts work
// (joins the room, opens the draft): each step through transitionCase (by: 'workflow'), audited
// with the work as its reason, all in one transaction. Parties, judges and admins move nothing.
import { staffActor } from '../audit/actors.ts';
import type { CaseRole } from '../access/grants.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { isCaseStatus, type CaseStatus } from '../domain/case-status.ts';
import { movesOnWork, WORK_EVENT_REASONS, type WorkEvent } from '../domain/case-workflow.ts';
import { DomainError } from '../errors.ts';
import { transitionCase } from './case-transitions.ts';

const WORKING_ROLES: ReadonlySet<CaseRole> = new Set(['mediator', 'co-mediator']);
/** Two mediators opening the room and the draft at once: the loser re-reads and finds nothing left to do. */
const ATTEMPTS = 3;

/** Moves the case along for `event` by `user` in role `role`; returns the statuses it passed through. */
export async function advanceOnWork(ctx: AppContext, caseId: string, event: WorkEvent, user: StaffPrincipal, role: CaseRole | null): Promise<CaseStatus[]> {
  if (!role || !WORKING_ROLES.has(role)) return [];
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.$transaction(async (tx) => {
        const c = await tx.case.findUnique({ where: { id: caseId }, select: { status: true } });
        if (!c || !isCaseStatus(c.status)) return [];
        let from: CaseStatus = c.status;
        const path = movesOnWork(from, event);
        for (const to of path) {
          await transitionCase(tx, { caseId, from, to, by: 'workflow', actor: staffActor(user), reason: WORK_EVENT_REASONS[event] });
          from = to;
        }
        return [...path];
      });
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'STALE_STATE') || attempt >= ATTEMPTS) throw err;
    }
  }
}
