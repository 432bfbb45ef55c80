// What one connection or request may do on a case's agreement draft, derived from its role in
// the case (signaling/access/grants.ts: draft.read / edit / suggest / comment / decide), plus how
// others see it (awareness name and colour, suggestion and comment authors).
import { may, type CaseRole } from '../access/grants.ts';
import { requireGrant as requireRoleGrant } from '../access/case-access.ts';
import { labelOf, PARTICIPANT_ROLES } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';

export interface DraftGrants {
  canEdit: boolean;
  canSuggest: boolean;
  canComment: boolean;
  /** Accept/reject suggestions, save named versions. */
  canDecide: boolean;
}

function grantsOf(role: CaseRole): DraftGrants {
  return {
    canEdit: may(role, 'draft.edit'),
    canSuggest: may(role, 'draft.suggest'),
    canComment: may(role, 'draft.comment'),
    canDecide: may(role, 'draft.decide'),
  };
}

/** What others see of a collaborator (awareness `user` field, suggestion/comment authors). */
export interface DraftIdentity {
  /** User id (staff) or participant id (party). */
  id: string;
  kind: 'staff' | 'party';
  name: string;
  roleLabel: string;
  color: string;
  side: 'A' | 'B' | 'NEUTRAL';
}

export interface DraftAccess {
  caseId: string;
  role: CaseRole;
  grants: DraftGrants;
  identity: DraftIdentity;
}

const SIDE_COLORS = { A: '#c2410c', B: '#047857', NEUTRAL: '#6b7280' } as const;
const STAFF_COLOR = '#1d4ed8';
const STAFF_LABELS: Partial<Record<CaseRole, string>> = { admin: '管理员', mediator: '调解员', 'co-mediator': '协办调解员', judge: '法官' };

/** Draft access for a staff member whose role in the case is `role` (null: none). */
export function staffAccess(user: { id: string; displayName: string }, caseId: string, role: CaseRole | null): DraftAccess {
  requireRoleGrant(role, 'draft.read', 'case');
  return {
    caseId,
    role: role!,
    grants: grantsOf(role!),
    identity: { id: user.id, kind: 'staff', name: user.displayName, roleLabel: STAFF_LABELS[role!] ?? '工作人员', color: STAFF_COLOR, side: 'NEUTRAL' },
  };
}

/** Draft access for a party by its link (its role follows from its participant role). */
export function partyAccess(participant: { id: string; caseId: string; name: string; role: string; side: string }, role: CaseRole): DraftAccess {
  requireRoleGrant(role, 'draft.read', 'case');
  const side = participant.side === 'A' || participant.side === 'B' ? participant.side : 'NEUTRAL';
  return {
    caseId: participant.caseId,
    role,
    grants: grantsOf(role),
    identity: {
      id: participant.id,
      kind: 'party',
      name: participant.name,
      roleLabel: labelOf(PARTICIPANT_ROLES, participant.role),
      color: SIDE_COLORS[side],
      side,
    },
  };
}

export function requireGrant(access: DraftAccess, grant: keyof DraftGrants): void {
  if (access.grants[grant]) return;
  const messages: Record<keyof DraftGrants, string> = {
    canEdit: '您不能直接修改协议草稿，请提出修改建议',
    canSuggest: '您不能对协议草稿提出修改建议',
    canComment: '您不能对协议草稿发表意见',
    canDecide: '只有本案调解员可以执行此操作',
  };
  throw new DomainError('FORBIDDEN', messages[grant]);
}
