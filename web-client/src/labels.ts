// Chinese labels, from the server's own vocabulary modules (signaling/domain, signaling/audit):
// GET /api/meta serves the same values; these are used until it loads (and on the party page).
import type { CaseStatus, LabeledKey, Meta, ParticipantRole, Role, Side } from './api.ts';
import { AUDIT_TYPE_LABELS } from '../../signaling/audit/labels.ts';
import { CASE_STATUS_LABELS, CASE_STATUSES } from '../../signaling/domain/case-status.ts';
import { DISPUTE_TYPES, PARTICIPANT_ROLES, SIDES, USER_ROLE_LABELS } from '../../signaling/domain/vocabulary.ts';

/** The vocabulary the server serves at /api/meta, from the same modules, for before meta loads. */
export const FALLBACK_META: Meta = {
  disputeTypes: DISPUTE_TYPES.map(({ key, label }) => ({ key, label })),
  caseStatuses: CASE_STATUSES.map((key) => ({ key, label: CASE_STATUS_LABELS[key] })),
  participantRoles: PARTICIPANT_ROLES.map(({ key, label }) => ({ key, label })),
  sides: SIDES.map(({ key, label }) => ({ key, label })),
};

export const USER_ROLES: LabeledKey<Role>[] = (['MEDIATOR', 'JUDGE', 'ADMIN'] as const).map((key) => ({ key, label: USER_ROLE_LABELS[key] }));

export function findLabel(list: LabeledKey[] | undefined, key: string): string | undefined {
  return list?.find((x) => x.key === key)?.label;
}

export interface Labels {
  status(key: CaseStatus | string): string;
  disputeType(key: string): string;
  participantRole(key: ParticipantRole | string): string;
  side(key: Side | string): string;
  userRole(key: Role | string): string;
  auditType(key: string): string;
}

export function makeLabels(meta: Meta | null): Labels {
  const pick = (kind: Exclude<keyof Meta, 'auditEventTypes'>, key: string) => findLabel(meta?.[kind], key) ?? findLabel(FALLBACK_META[kind], key) ?? key;
  return {
    status: (k) => pick('caseStatuses', k),
    disputeType: (k) => pick('disputeTypes', k),
    participantRole: (k) => pick('participantRoles', k),
    side: (k) => pick('sides', k),
    userRole: (k) => findLabel(USER_ROLES, k) ?? k,
    auditType: (k) => findLabel(meta?.auditEventTypes, k) ?? (AUDIT_TYPE_LABELS as Record<string, string>)[k] ?? k,
  };
}

/** Side suggested for a role in the add-participant form. */
export function defaultSideFor(role: ParticipantRole): Side {
  if (role === 'APPLICANT') return 'A';
  if (role === 'RESPONDENT') return 'B';
  return 'NEUTRAL';
}

/** Badge colour family for a case status. */
export function statusTone(status: string): 'blue' | 'green' | 'amber' | 'red' | 'grey' {
  switch (status) {
    case 'ACCEPTED':
    case 'TRIAGED':
      return 'blue';
    case 'MEDIATING':
    case 'CONFIRMATION_REQUESTED':
      return 'amber';
    case 'AGREED':
    case 'SIGNED':
    case 'CONFIRMED':
      return 'green';
    case 'FAILED':
    case 'DISMISSED':
      return 'red';
    default:
      return 'grey';
  }
}
