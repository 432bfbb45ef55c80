// Who may do what on a case's agreement draft, decided once per connection/request from the
// authenticated principal (LiveKit-style grants instead of role checks scattered around).
//
//   editor    the case's mediator, or an admin of its organisation: edits the Y.Doc directly,
//             decides on suggestions, saves named versions.
//   party     an applicant, respondent or agent (by link token for this case): reads the draft,
//             proposes changes per clause and comments (through the server), never edits.
//   observer  an interpreter or other participant (by link token): reads only.
import type { StaffPrincipal } from '../context.ts';
import { labelOf, PARTICIPANT_ROLES } from '../domain/vocabulary.ts';
import { DomainError } from '../errors.ts';

export type DraftRole = 'editor' | 'party' | 'observer';

export interface DraftGrants {
  canEdit: boolean;
  canSuggest: boolean;
  canComment: boolean;
  /** Accept/reject suggestions, save named versions. */
  canDecide: boolean;
}

const GRANTS: Record<DraftRole, DraftGrants> = {
  editor: { canEdit: true, canSuggest: true, canComment: true, canDecide: true },
  party: { canEdit: false, canSuggest: true, canComment: true, canDecide: false },
  observer: { canEdit: false, canSuggest: false, canComment: false, canDecide: false },
};

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
  role: DraftRole;
  grants: DraftGrants;
  identity: DraftIdentity;
}

const SIDE_COLORS = { A: '#c2410c', B: '#047857', NEUTRAL: '#6b7280' } as const;
const MEDIATOR_COLOR = '#1d4ed8';
const PARTY_ROLES = new Set(['APPLICANT', 'RESPONDENT', 'AGENT']);

export function staffAccess(user: StaffPrincipal, c: { id: string; orgId: string; mediatorId: string | null } | null): DraftAccess {
  if (!c || c.orgId !== user.orgId) throw new DomainError('CASE_NOT_FOUND', '案件不存在或您无权查看');
  const isEditor = user.role === 'ADMIN' || (user.role === 'MEDIATOR' && c.mediatorId === user.id);
  if (!isEditor) throw new DomainError('FORBIDDEN', '您不是本案的调解员，不能查看协议草稿');
  return {
    caseId: c.id,
    role: 'editor',
    grants: GRANTS.editor,
    identity: { id: user.id, kind: 'staff', name: user.displayName, roleLabel: user.role === 'ADMIN' ? '管理员' : '调解员', color: MEDIATOR_COLOR, side: 'NEUTRAL' },
  };
}

export function partyAccess(participant: { id: string; caseId: string; name: string; role: string; side: string }): DraftAccess {
  const role: DraftRole = PARTY_ROLES.has(participant.role) ? 'party' : 'observer';
  const side = participant.side === 'A' || participant.side === 'B' ? participant.side : 'NEUTRAL';
  return {
    caseId: participant.caseId,
    role,
    grants: GRANTS[role],
    identity: { id: participant.id, kind: 'party', name: participant.name, roleLabel: labelOf(PARTICIPANT_ROLES, participant.role), color: SIDE_COLORS[side], side },
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
