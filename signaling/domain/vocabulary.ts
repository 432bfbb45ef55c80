// Closed vocabularies shared by the API, the client and the templates.

export const DISPUTE_TYPES = [
  { key: 'NEIGHBOUR', label: '相邻关系纠纷' },
  { key: 'PROPERTY_SALE', label: '房屋买卖合同纠纷' },
  { key: 'FINANCIAL_LOAN', label: '金融借款合同纠纷' },
  { key: 'PROPERTY_SERVICE', label: '物业服务合同纠纷' },
  { key: 'PRIVATE_LOAN', label: '民间借贷纠纷' },
  { key: 'GENERAL', label: '一般民事纠纷' },
] as const;
export type DisputeType = (typeof DISPUTE_TYPES)[number]['key'];
export const DISPUTE_TYPE_KEYS = DISPUTE_TYPES.map((d) => d.key) as [DisputeType, ...DisputeType[]];

export const PARTICIPANT_ROLES = [
  { key: 'APPLICANT', label: '申请人' },
  { key: 'RESPONDENT', label: '被申请人' },
  { key: 'AGENT', label: '代理人' },
  { key: 'INTERPRETER', label: '翻译' },
  { key: 'OTHER', label: '其他' },
] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number]['key'];
export const PARTICIPANT_ROLE_KEYS = PARTICIPANT_ROLES.map((r) => r.key) as [ParticipantRole, ...ParticipantRole[]];

export const SIDES = [
  { key: 'A', label: '甲方' },
  { key: 'B', label: '乙方' },
  { key: 'NEUTRAL', label: '中立' },
] as const;
export type Side = (typeof SIDES)[number]['key'];
export const SIDE_KEYS = SIDES.map((s) => s.key) as [Side, ...Side[]];

export const USER_ROLES = ['ADMIN', 'MEDIATOR', 'JUDGE', 'DISPATCHER', 'UNIT_HEAD', 'GRID_WORKER'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const USER_ROLE_LABELS: Record<UserRole, string> = {
  ADMIN: '管理员',
  MEDIATOR: '调解员',
  JUDGE: '法官',
  DISPATCHER: '中心受理员',
  UNIT_HEAD: '单位负责人',
  GRID_WORKER: '网格员',
};

export function isUserRole(value: string): value is UserRole {
  return (USER_ROLES as readonly string[]).includes(value);
}

export function labelOf<T extends { key: string; label: string }>(list: readonly T[], key: string): string {
  return list.find((x) => x.key === key)?.label ?? key;
}

/** A stored participant role or side, checked (a value outside the vocabulary is corrupt data). */
export function asParticipantRole(value: string): ParticipantRole {
  if ((PARTICIPANT_ROLE_KEYS as readonly string[]).includes(value)) return value as ParticipantRole;
  throw new Error(`unknown participant role ${value}`);
}

export function asSide(value: string): Side {
  if ((SIDE_KEYS as readonly string[]).includes(value)) return value as Side;
  throw new Error(`unknown side ${value}`);
}
