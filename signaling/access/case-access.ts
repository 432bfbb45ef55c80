// Computes a principal's role in one case from the database and checks a grant: the one access
// decision HTTP routes, the room socket and the drafting server share.
import type { AppContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import {
  caseRoleOf,
  linkRoleOf,
  refusalOf,
  staffRoleOf,
  type Action,
  type CaseFacts,
  type CaseRole,
  type PartyWho,
  type Scope,
  type StaffWho,
} from './grants.ts';
import type { Principal } from './principal.ts';

/** The facts about a case that roles depend on; null when there is no such case. */
export async function caseFacts(ctx: AppContext, caseId: string): Promise<CaseFacts | null> {
  const c = await ctx.db.case.findUnique({
    where: { id: caseId },
    select: { orgId: true, mediatorId: true, coMediators: { select: { userId: true } }, judicialApplication: { select: { courtId: true, status: true } } },
  });
  if (!c) return null;
  const application = c.judicialApplication;
  return {
    orgId: c.orgId,
    mediatorId: c.mediatorId,
    coMediatorIds: c.coMediators.map((m) => m.userId),
    reviewingCourtId: application && application.status !== 'DRAFT' ? application.courtId : null,
  };
}

/** The role of a staff member or a link holder in one case (only who they are matters, not how they signed in). */
export async function roleInCase(ctx: AppContext, principal: StaffWho | PartyWho, caseId: string): Promise<CaseRole | null> {
  return caseRoleOf(principal, caseId, principal.kind === 'party' ? null : await caseFacts(ctx, caseId));
}

/** The principal's role where `action` applies (org-wide, own link, or `caseId`). */
export async function roleFor(ctx: AppContext, principal: Principal, scope: Scope, caseId: string | null): Promise<CaseRole | null> {
  if (scope === 'public') return null;
  if (scope === 'staff') return principal.kind === 'staff' ? staffRoleOf(principal.user) : null;
  if (scope === 'link') return principal.kind === 'party' ? linkRoleOf(principal.participant) : null;
  if (caseId === null) return null;
  const role = await roleInCase(ctx, principal, caseId);
  // A court's review record belongs to its judges alone, not to the case's other roles.
  return scope === 'application' && role !== 'judge' ? null : role;
}

/** Throws the action's refusal unless `role` is granted it. */
export function requireGrant(role: CaseRole | null, action: Action, scope?: Scope): void {
  const refusal = refusalOf(role, action, scope);
  if (refusal) throw new DomainError(refusal.code, refusal.message);
}
