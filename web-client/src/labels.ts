// Chinese labels. The server's GET /api/meta is authoritative; these are the
// contract's documented values, used until meta loads (and on the party page,
// where staff meta may be unavailable).
import type { CaseStatus, LabeledKey, Meta, ParticipantRole, Role, Side } from './api.ts';

export const FALLBACK_META: Meta = {
  disputeTypes: [],
  caseStatuses: [
    { key: 'ACCEPTED', label: '受理' },
    { key: 'TRIAGED', label: '分流' },
    { key: 'MEDIATING', label: '调解中' },
    { key: 'AGREED', label: '达成协议' },
    { key: 'FAILED', label: '调解不成' },
    { key: 'SIGNED', label: '已签署' },
    { key: 'CONFIRMATION_REQUESTED', label: '申请司法确认' },
    { key: 'CONFIRMED', label: '已确认' },
    { key: 'DISMISSED', label: '已驳回' },
    { key: 'WITHDRAWN', label: '已撤回' },
  ],
  participantRoles: [
    { key: 'APPLICANT', label: '申请人' },
    { key: 'RESPONDENT', label: '被申请人' },
    { key: 'AGENT', label: '代理人' },
    { key: 'INTERPRETER', label: '翻译' },
    { key: 'OTHER', label: '其他' },
  ],
  sides: [
    { key: 'A', label: '甲方' },
    { key: 'B', label: '乙方' },
    { key: 'NEUTRAL', label: '中立' },
  ],
};

export const USER_ROLES: LabeledKey<Role>[] = [
  { key: 'MEDIATOR', label: '调解员' },
  { key: 'JUDGE', label: '法官' },
  { key: 'ADMIN', label: '管理员' },
];

/** Audit event types written by the server (signaling/audit/events.ts); unknown types are shown as-is. */
export const AUDIT_TYPE_LABELS: Record<string, string> = {
  SYSTEM_BOOTSTRAPPED: '系统初始化',
  USER_LOGIN: '登录',
  USER_LOGIN_FAILED: '登录失败',
  USER_LOGOUT: '退出登录',
  USER_CREATED: '创建账号',
  USER_UPDATED: '修改账号',
  USER_PASSWORD_CHANGED: '修改密码',
  USER_PASSWORD_CHANGE_FAILED: '修改密码失败',
  ORG_SEAL_UPDATED: '更新印章',
  CASE_CREATED: '创建案件',
  CASE_UPDATED: '修改案件',
  CASE_TRANSITION: '状态变更',
  PARTICIPANT_ADDED: '添加当事人',
  PARTICIPANT_REMOVED: '移除当事人',
  CO_MEDIATOR_ASSIGNED: '指派协办调解员',
  CO_MEDIATOR_REMOVED: '取消协办调解员',
  INVITATION_CREATED: '生成邀请链接',
  INVITATION_REVOKED: '撤销邀请链接',
  INVITATION_USED: '打开邀请链接',
  INVITATION_REJECTED: '拒绝链接访问',
  PARTY_IDENTITY_CONFIRMED: '身份确认',
  PARTY_IDENTITY_FAILED: '身份核对失败',
  PARTY_CONSENT_GIVEN: '同意在线调解',
  ROOM_JOINED: '进入调解室',
  ROOM_ADMITTED: '准许进入',
  ROOM_DENIED: '拒绝进入',
  ROOM_LEFT: '离开调解室',
  ROOM_MUTED: '调解员静音',
  ROOM_REMOVED: '移出调解室',
  ROOM_ENDED: '结束在线调解',
  CAUCUS_STARTED: '开始背对背',
  CAUCUS_ENDED: '结束背对背',
  CAUCUS_KNOCK: '请求调解员',
  CAUCUS_CARRIED: '转达意见',
  AGREEMENT_DRAFT_CREATED: '创建协议草稿',
  AGREEMENT_DRAFT_LOAD_FAILED: '协议草稿载入失败',
  AGREEMENT_EDIT_REJECTED: '拒绝当事人直接修改',
  AGREEMENT_SUGGESTION_ADDED: '提出修改建议',
  AGREEMENT_SUGGESTION_FROM_NOTEPAD: '记事本方案放入协议',
  AGREEMENT_SUGGESTION_ACCEPTED: '采纳修改建议',
  AGREEMENT_SUGGESTION_REJECTED: '不采纳修改建议',
  AGREEMENT_COMMENT_ADDED: '添加批注',
  AGREEMENT_VERSION_SAVED: '保存协议版本',
  AGENT_SIGNING_AUTHORITY: '代理人代签授权',
  COURT_ADDED: '添加法院',
  JUDICIAL_APPLIED: '申请司法确认',
  JUDICIAL_CONSENT_CONFIRMED: '确认同意申请',
  JUDICIAL_CONSENT_DECLINED: '拒绝登记的同意',
  JUDICIAL_SUBMITTED: '提交司法确认申请',
  JUDICIAL_MATERIAL_UPLOADED: '上传申请材料',
  JUDICIAL_ACCEPTED: '法院受理',
  JUDICIAL_REVIEW_STARTED: '法院审查',
  JUDICIAL_DECIDED: '法院裁定',
  SIGNING_LOCKED: '锁定协议供签署',
  SIGNING_UNLOCKED: '解除签署锁定',
  CLAUSE_ACCEPTED: '确认协议条款',
  SIGNING_CODE_SENT: '发送签署验证码',
  SIGNING_REFUSED: '签署未通过',
  AGREEMENT_SIGNED: '签署协议书',
  AGREEMENT_ISSUED: '出具协议书',
};

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
  const pick = (kind: Exclude<keyof Meta, 'auditEventTypes'>, key: string) =>
    findLabel(meta?.[kind], key) ?? findLabel(FALLBACK_META[kind], key) ?? key;
  return {
    status: (k) => pick('caseStatuses', k),
    disputeType: (k) => pick('disputeTypes', k),
    participantRole: (k) => pick('participantRoles', k),
    side: (k) => pick('sides', k),
    userRole: (k) => findLabel(USER_ROLES, k) ?? k,
    auditType: (k) => findLabel(meta?.auditEventTypes, k) ?? AUDIT_TYPE_LABELS[k] ?? k,
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
