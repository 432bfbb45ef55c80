// Who may do what: one table of actions and the roles granted each, asked by the HTTP routes
// (each route names its action), the room socket (each event names its action), the drafting
// server, signing and judicial confirmation. A principal's role is computed per case:
//
//   admin             an administrator of the case's organisation: supervises (reads), never
//                     acts as the case's mediator (人民调解员) — it cannot mediate, draft or sign
//   mediator          the case's own mediator (首接负责)
//   co-mediator       a mediator assigned to help (协办), from the case's unit or another unit
//                     of the centre (联合调解): in the room and the draft; the
//                     responsible mediator alone manages the case, decides and signs
//   judge             a judge of the court reviewing the case's judicial-confirmation application
//   party             an applicant or respondent, by its personal link
//   authorised-agent  an agent the mediator authorised to sign for its side's party
//   agent             an agent without that authority
//   interpreter       an interpreter
//   observer          anyone else invited by link (其他)
//
// Staff with no role in a case (a colleague, a judge of another court, another organisation)
// are told the case does not exist, so its existence does not leak. Org-wide actions (accounts,
// the seal, courts, the case list) use the staff member's own role.
import type { UserRole } from '../domain/vocabulary.ts';
import type { ErrorCode } from '../errors.ts';

export const CASE_ROLES = [
  'admin',
  'mediator',
  'co-mediator',
  'judge',
  'dispatcher',
  'unit-head',
  'grid-worker',
  'party',
  'authorised-agent',
  'agent',
  'interpreter',
  'observer',
] as const;
export type CaseRole = (typeof CASE_ROLES)[number];
export const STAFF_ROLES = ['admin', 'mediator', 'judge', 'dispatcher', 'unit-head', 'grid-worker'] as const satisfies readonly CaseRole[];
export type StaffRole = (typeof STAFF_ROLES)[number];
export const LINK_ROLES = ['party', 'authorised-agent', 'agent', 'interpreter', 'observer'] as const satisfies readonly CaseRole[];

/**
 * Where an action's role comes from:
 *   case         the case named in the request (route param `caseId` or `id`, the room joined)
 *   application  a judicial-confirmation application (route param `id`), for its court's judges
 *   link         the party's own link (its case)
 *   staff        the staff member's own role (org-wide)
 *   public       nobody needs to be known
 */
export type Scope = 'case' | 'application' | 'link' | 'staff' | 'public';

interface ActionSpec {
  scope: Scope;
  roles: readonly CaseRole[];
  /** Said to a principal who has a role here but not this grant. */
  refusal: string;
  /** Code of that refusal (FORBIDDEN unless a more precise one helps the client). */
  code?: ErrorCode;
}

const ALL_LINK = LINK_ROLES;
const SPEAKERS = ['party', 'authorised-agent', 'agent'] as const;
const MEDIATORS = ['mediator', 'co-mediator'] as const;
const MEDIATOR_ONLY = '只有本案调解员可以执行此操作';

export const ACTIONS = {
  // ── org-wide ───────────────────────────────────────────────────────────────
  'auth.self': { scope: 'staff', roles: STAFF_ROLES, refusal: '请先登录' },
  'org.read': { scope: 'staff', roles: STAFF_ROLES, refusal: '您的账号无权查看机构信息' },
  'org.manage': { scope: 'staff', roles: ['admin'], refusal: '只有管理员可以管理账号、印章和法院' },
  'courts.read': { scope: 'staff', roles: STAFF_ROLES, refusal: '您的账号无权查看法院列表' },
  'cases.list': { scope: 'staff', roles: ['admin', 'mediator', 'unit-head'], refusal: '您的账号无权查看案件列表' },
  'cases.create': { scope: 'staff', roles: ['mediator', 'unit-head'], refusal: '只有调解员可以受理案件' },
  'judge.queue': { scope: 'staff', roles: ['judge'], refusal: '只有法官可以查看司法确认申请' },
  // 限时办结 (intake-deadlines): the matter itself is checked by the service (the centre's staff, the unit that must act).
  'deadlines.read': { scope: 'staff', roles: ['admin', 'mediator', 'dispatcher', 'unit-head', 'grid-worker'], refusal: '您的账号无权查看办理期限' },
  'deadlines.extend': { scope: 'staff', roles: ['dispatcher', 'unit-head'], refusal: '延长办理期限须由承办单位负责人或中心受理员决定' },

  // ── one case, staff side ───────────────────────────────────────────────────
  'case.read': { scope: 'case', roles: ['admin', 'mediator', 'co-mediator'], refusal: '您无权查看本案' },
  'case.edit': { scope: 'case', roles: ['mediator'], refusal: MEDIATOR_ONLY },
  'case.participants': { scope: 'case', roles: ['mediator'], refusal: MEDIATOR_ONLY },
  'case.invitations': { scope: 'case', roles: ['mediator'], refusal: MEDIATOR_ONLY },
  'case.audit': { scope: 'case', roles: ['admin', 'mediator', 'co-mediator'], refusal: '您无权查看本案的审计记录' },
  'case.staff': { scope: 'case', roles: ['admin', 'mediator'], refusal: '只有本案调解员或管理员可以指派协办调解员' },

  // ── the party's own link ───────────────────────────────────────────────────
  'link.self': { scope: 'link', roles: ALL_LINK, refusal: '请通过您的个人链接办理' },

  // ── the live room ──────────────────────────────────────────────────────────
  'room.join': { scope: 'case', roles: [...MEDIATORS, 'judge', ...ALL_LINK], refusal: '您不是本案的调解员或当事人，不能进入调解室' },
  'room.participate': { scope: 'case', roles: [...MEDIATORS, 'judge', ...ALL_LINK], refusal: '您不能在调解室中执行此操作' },
  'room.lead': { scope: 'case', roles: [...MEDIATORS, 'judge'], refusal: '只有调解员或主持询问的法官可以执行此操作' },
  'room.caucus': { scope: 'case', roles: [...MEDIATORS, 'judge'], refusal: '只有调解员或主持询问的法官可以安排单独沟通' },
  'room.carry': { scope: 'case', roles: MEDIATORS, refusal: '只有调解员可以转达方案' },
  'room.notepad': { scope: 'case', roles: [...MEDIATORS, ...ALL_LINK], refusal: '记事本只供调解员和本方当事人使用' },

  // ── the agreement draft ────────────────────────────────────────────────────
  'draft.read': { scope: 'case', roles: ['admin', ...MEDIATORS, ...ALL_LINK], refusal: '您无权查看本案的协议草稿' },
  'draft.edit': { scope: 'case', roles: MEDIATORS, refusal: '您不能直接修改协议草稿，请提出修改建议' },
  'draft.suggest': { scope: 'case', roles: [...MEDIATORS, ...SPEAKERS], refusal: '您不能对协议草稿提出修改建议' },
  'draft.comment': { scope: 'case', roles: [...MEDIATORS, ...SPEAKERS], refusal: '您不能对协议草稿发表意见' },
  'draft.decide': { scope: 'case', roles: ['mediator'], refusal: MEDIATOR_ONLY },

  // ── signing ────────────────────────────────────────────────────────────────
  'signing.read': { scope: 'case', roles: ['admin', ...MEDIATORS, ...ALL_LINK], refusal: '您无权查看本案的签署情况' },
  'signing.manage': { scope: 'case', roles: ['mediator'], refusal: '只有本案调解员可以办理签署' },
  'signing.mediator-sign': { scope: 'case', roles: ['mediator'], refusal: '只有本案调解员可以作为人民调解员签署' },
  'signing.sign': {
    scope: 'case',
    roles: ['party', 'authorised-agent'],
    refusal: '您无权确认或签署本协议（仅当事人及经授权的委托代理人可以签署）',
    code: 'NOT_A_SIGNER',
  },
  'agreement.download': { scope: 'case', roles: ['admin', ...MEDIATORS, 'judge', ...ALL_LINK], refusal: '您无权下载本案的协议书' },

  // ── judicial confirmation ──────────────────────────────────────────────────
  'judicial.read': { scope: 'case', roles: [...MEDIATORS, ...SPEAKERS], refusal: '您无权查看本案的司法确认申请' },
  'judicial.apply': { scope: 'case', roles: ['party'], refusal: '只有协议当事人本人可以申请司法确认' },
  'judicial.record-consent': { scope: 'case', roles: ['mediator'], refusal: '只有本案调解员可以登记当事人的同意' },
  'judicial.documents': { scope: 'case', roles: ['admin', ...MEDIATORS, 'judge', ...SPEAKERS], refusal: '您无权下载本案的司法文书' },
  'judicial.review': { scope: 'application', roles: ['judge'], refusal: '只有受理法院的法官可以审查该申请' },
  'judicial.referral': { scope: 'case', roles: ['mediator'], refusal: '只有本案调解员可以登记委派（邀请）调解的法院' },
  'judicial.bundle': { scope: 'case', roles: ['admin', 'mediator'], refusal: '只有本案调解员或管理员可以导出案卷包' },

  // ── #17 procedure: 权利义务告知书, 回避, 终止调解, 调解笔录 ────────────────────────
  'procedure.read': { scope: 'case', roles: ['admin', ...MEDIATORS, ...ALL_LINK], refusal: '您无权查看本案的调解程序' },
  'procedure.party': { scope: 'case', roles: SPEAKERS, refusal: '只有当事人及其代理人可以办理' },
  'procedure.declare': { scope: 'case', roles: MEDIATORS, refusal: '只有本案调解员本人可以作出回避声明' },
  'procedure.recusal': { scope: 'case', roles: ['admin', 'mediator'], refusal: '只有本案调解员或管理员可以处理回避申请' },
  'procedure.end': { scope: 'case', roles: ['mediator', 'party', 'authorised-agent'], refusal: '只有当事人（或经授权的委托代理人）或本案调解员可以终止调解' },
  'procedure.documents': { scope: 'case', roles: ['admin', ...MEDIATORS, ...SPEAKERS], refusal: '您无权下载本案的调解文书' },
  'minutes.read': { scope: 'case', roles: ['admin', ...MEDIATORS, ...SPEAKERS], refusal: '您无权查看本案的调解笔录' },
  'minutes.record': { scope: 'case', roles: MEDIATORS, refusal: '只有调解员可以记录调解笔录' },
  'minutes.manage': { scope: 'case', roles: ['mediator'], refusal: MEDIATOR_ONLY },
  'minutes.share': { scope: 'case', roles: SPEAKERS, refusal: '只有该方当事人可以同意公开本方的背对背沟通记录' },
  'minutes.sign': { scope: 'case', roles: ['party', 'authorised-agent'], refusal: '只有当事人及经授权的委托代理人可以签署调解笔录', code: 'NOT_A_SIGNER' },
  // ── #16 item 1 履行: the schedule (the case's mediator), receipt and proof (the sides, checked per obligation in the service) ──
  'performance.read': { scope: 'case', roles: ['admin', ...MEDIATORS, ...SPEAKERS], refusal: '您无权查看本案的履行情况' },
  'performance.manage': { scope: 'case', roles: ['mediator'], refusal: MEDIATOR_ONLY },
  'performance.party': { scope: 'case', roles: ['party', 'authorised-agent'], refusal: '只有当事人本人或经授权的委托代理人可以确认履行' },
  'performance.files': { scope: 'case', roles: ['admin', ...MEDIATORS], refusal: '只有本案调解员或管理员可以查看履行凭证' },
  // ── 分流 and 首接负责 (intake item 3): which matter is checked in the service (others: MATTER_NOT_FOUND) ──
  'routing.queue': { scope: 'staff', roles: ['dispatcher'], refusal: '只有中心受理员可以查看分流队列' },
  'routing.inbox': { scope: 'staff', roles: ['unit-head'], refusal: '只有单位负责人可以查看待接收、待指派事项' },
  'routing.read': { scope: 'staff', roles: ['dispatcher', 'unit-head', 'mediator'], refusal: '您无权查看登记事项' },
  'routing.route': { scope: 'staff', roles: ['dispatcher'], refusal: '只有中心受理员可以分流事项' },
  'routing.receive': { scope: 'staff', roles: ['unit-head'], refusal: '只有承办单位负责人可以接收或退回事项' },
  'routing.assign': { scope: 'staff', roles: ['unit-head'], refusal: '只有单位负责人可以指派调解员' },
  'routing.transfer': { scope: 'staff', roles: ['dispatcher', 'unit-head'], refusal: '只有中心受理员或单位负责人可以转交事项' },
  'routing.withdraw': { scope: 'staff', roles: ['dispatcher', 'unit-head'], refusal: '只有中心受理员或单位负责人可以撤回事项' },
  // ── #15 item 1: the centre's units ─────────────────────────────────────────
  'centre.read': { scope: 'staff', roles: STAFF_ROLES, refusal: '您的账号无权查看综治中心成员单位' },
  'centre.manage': { scope: 'staff', roles: ['admin'], refusal: '只有管理员可以管理成员单位及其工作人员' },
  // ── intake at the centre: window, phone, grid workers, batch import (#15 item 2) ──
  'areas.read': { scope: 'staff', roles: STAFF_ROLES, refusal: '您的账号无权查看街道、社区列表' },
  'intake.register': { scope: 'staff', roles: ['dispatcher'], refusal: '只有中心受理员可以登记来访、来电' },
  'intake.grid': { scope: 'staff', roles: ['grid-worker'], refusal: '只有网格员可以提交随手记' },
  'intake.screening': { scope: 'staff', roles: ['dispatcher', 'unit-head', 'grid-worker', 'mediator', 'admin'], refusal: '您无权查看该事项' },
  'intake.warnings': { scope: 'staff', roles: ['dispatcher', 'admin'], refusal: '只有中心受理员可以查看预警' },
  'intake.import': { scope: 'staff', roles: ['dispatcher', 'unit-head'], refusal: '只有中心受理员或单位负责人可以批量导入' },

  // ── #16 item 4: the centre's dashboard (centre staff: every unit; unit staff: their own, checked in the service) ──
  'dashboard.read': { scope: 'staff', roles: ['admin', 'dispatcher', 'unit-head', 'mediator'], refusal: '您的账号无权查看统计分析' },

  // ── anyone ─────────────────────────────────────────────────────────────────
  public: { scope: 'public', roles: [], refusal: '' },

  // ── #15 intake-public: the online application, the person's matter link, poster and outbox ──
  'apply.public': { scope: 'public', roles: [], refusal: '' },
  'matter.follow': { scope: 'public', roles: [], refusal: '' },
  'intake.poster': {
    scope: 'staff',
    roles: ['admin', 'dispatcher', 'unit-head', 'mediator', 'grid-worker'],
    refusal: '只有综治中心工作人员可以下载申请二维码海报',
  },
  'intake.outbox': { scope: 'staff', roles: ['admin', 'dispatcher'], refusal: '只有管理员和中心受理员可以查看通知发件箱' },

  // ── #16 item 5 电子卷宗 and archiving: which case is checked in the service (centre staff: every unit; unit staff: their own) ──
  'dossier.read': {
    scope: 'staff',
    roles: ['admin', 'mediator', 'unit-head', 'dispatcher'],
    refusal: '只有综治中心和承办单位的工作人员可以查看、下载电子卷宗',
  },
  'dossier.archive': { scope: 'staff', roles: ['admin', 'mediator', 'unit-head'], refusal: '只有本案调解员、承办单位负责人或管理员可以归档' },
  // ── #16 评价 and 回访: which unit's ratings and tasks is checked in the service (followup/staff-reach.ts) ──
  'rating.give': { scope: 'link', roles: SPEAKERS, refusal: '只有当事人及其代理人可以评价调解服务' },
  'followup.read': { scope: 'staff', roles: ['admin', 'mediator', 'dispatcher', 'unit-head'], refusal: '您的账号无权查看回访和评价' },
  'followup.work': { scope: 'staff', roles: ['mediator', 'dispatcher', 'unit-head'], refusal: '只有调解员、单位负责人或中心受理员可以办理回访' },
} as const satisfies Record<string, ActionSpec>;

export type Action = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as Action[];

export function scopeOf(action: Action): Scope {
  return ACTIONS[action].scope;
}

export function may(role: CaseRole | null, action: Action): boolean {
  if (ACTIONS[action].scope === 'public') return true;
  return role !== null && (ACTIONS[action].roles as readonly CaseRole[]).includes(role);
}

/** The refusal for `role` attempting `action`: null when granted. */
export function refusalOf(role: CaseRole | null, action: Action, scope: Scope = scopeOf(action)): { code: ErrorCode; message: string } | null {
  if (may(role, action)) return null;
  if (role === null) {
    if (scope === 'application') return { code: 'APPLICATION_NOT_FOUND', message: '司法确认申请不存在或不属于本院' };
    if (scope === 'staff') return { code: 'NOT_AUTHENTICATED', message: '请先登录' };
    if (scope === 'link') return { code: 'TOKEN_MALFORMED', message: '请通过调解员发送给您的个人链接办理' };
    return { code: 'CASE_NOT_FOUND', message: '案件不存在或您无权查看' };
  }
  const spec: ActionSpec = ACTIONS[action];
  // An administrator supervises: where only the mediator may act, it is told why.
  if (role === 'admin' && spec.roles.includes('mediator'))
    return { code: 'ADMIN_NOT_MEDIATOR', message: '管理员不能担任案件调解员，也不能以人民调解员身份办理或签署' };
  return { code: spec.code ?? 'FORBIDDEN', message: spec.refusal };
}

// ── computing a role ─────────────────────────────────────────────────────────

export interface StaffWho {
  kind: 'staff';
  user: { id: string; role: UserRole; orgId: string; courtId: string | null };
}
export interface PartyWho {
  kind: 'party';
  participant: { caseId: string; role: string; signingAuthority: boolean };
}

export interface CaseFacts {
  orgId: string;
  mediatorId: string | null;
  /** Mediators assigned to help (协办). */
  coMediatorIds: readonly string[];
  /** The judicial-confirmation application, when one was submitted (not a draft). */
  reviewingCourtId: string | null;
}

const STAFF_ROLE_OF: Record<UserRole, StaffRole> = {
  ADMIN: 'admin',
  MEDIATOR: 'mediator',
  JUDGE: 'judge',
  DISPATCHER: 'dispatcher',
  UNIT_HEAD: 'unit-head',
  GRID_WORKER: 'grid-worker',
};

export function staffRoleOf(user: { role: StaffWho['user']['role'] }): StaffRole {
  return STAFF_ROLE_OF[user.role];
}

/** The principal's role in one case, or null when it has none. */
export function caseRoleOf(who: StaffWho | PartyWho, caseId: string, facts: CaseFacts | null): CaseRole | null {
  if (who.kind === 'party') {
    if (who.participant.caseId !== caseId) return null;
    return linkRoleOf(who.participant);
  }
  if (!facts) return null;
  const { user } = who;
  if (user.role === 'JUDGE') return facts.reviewingCourtId !== null && facts.reviewingCourtId === user.courtId ? 'judge' : null;
  // 联合调解 (#15 item 5): a co-mediator may come from any unit of the centre, so this is asked
  // before the case's own unit is.
  if (facts.coMediatorIds.includes(user.id)) return 'co-mediator';
  if (facts.orgId !== user.orgId) return null;
  if (user.role === 'ADMIN') return 'admin';
  return facts.mediatorId === user.id ? 'mediator' : null;
}

export function linkRoleOf(p: { role: string; signingAuthority: boolean }): CaseRole {
  if (p.role === 'APPLICANT' || p.role === 'RESPONDENT') return 'party';
  if (p.role === 'AGENT') return p.signingAuthority ? 'authorised-agent' : 'agent';
  if (p.role === 'INTERPRETER') return 'interpreter';
  return 'observer';
}
