// Audit events: a typed union, validated when written and parsed again when read.
// Each type has a Chinese one-line summary for the case page and the judge's desk.
import { z } from 'zod';
import { CASE_STATUS_LABELS, CASE_STATUSES } from '../domain/case-status.ts';
import { formatChinaDate, formatChinaDateTime, formatDuration } from '../domain/china-time.ts';
import { FOLLOW_UP_METHOD_LABELS, FOLLOW_UP_OUTCOME_LABELS, FOLLOW_UP_REASON_LABELS } from '../domain/follow-up-vocabulary.ts';
import { RATING_LABELS } from '../domain/rating-rules.ts';

const status = z.enum(CASE_STATUSES);

const PRIVACY_PURPOSE_LABELS: Record<string, string> = {
  ID_IMAGES: '处理身份证件图片',
  BANK_ACCOUNT: '处理银行账户',
  SIGNATURE: '处理手写签名',
  COURT: '向人民法院提供个人信息',
};

export const AuditEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('SYSTEM_BOOTSTRAPPED'), data: z.object({ orgName: z.string(), adminUsername: z.string() }) }),
  z.object({ type: z.literal('USER_LOGIN'), data: z.object({ username: z.string(), ip: z.string() }) }),
  z.object({ type: z.literal('USER_LOGIN_FAILED'), data: z.object({ username: z.string(), ip: z.string() }) }),
  z.object({ type: z.literal('USER_LOGOUT'), data: z.object({ username: z.string() }) }),
  /** unit: the unit's name when an administrator made the account in another unit than its own. */
  z.object({ type: z.literal('USER_CREATED'), data: z.object({ username: z.string(), role: z.string(), unit: z.string().optional() }) }),
  z.object({ type: z.literal('USER_UPDATED'), data: z.object({ username: z.string(), changes: z.array(z.string()) }) }),
  z.object({ type: z.literal('USER_PASSWORD_CHANGED'), data: z.object({ username: z.string(), endedSessions: z.number(), ip: z.string() }) }),
  z.object({ type: z.literal('USER_PASSWORD_CHANGE_FAILED'), data: z.object({ username: z.string(), ip: z.string() }) }),
  /** unit: the unit's name when it is not the administrator's own (units managed from the centre). */
  z.object({ type: z.literal('ORG_SEAL_UPDATED'), data: z.object({ bytes: z.number(), sha256: z.string(), unit: z.string().optional() }) }),
  z.object({ type: z.literal('ORG_PHONE_UPDATED'), data: z.object({ unit: z.string().optional() }) }),
  z.object({
    type: z.literal('CENTRE_UNITS_ENSURED'),
    data: z.object({ centre: z.string(), createdCentre: z.boolean(), createdUnits: z.array(z.string()) }),
  }),
  // #15 item 1: units managed by an administrator of the centre.
  z.object({ type: z.literal('UNIT_ADDED'), data: z.object({ unitId: z.string(), name: z.string(), kind: z.string(), shortName: z.string() }) }),
  z.object({ type: z.literal('UNIT_UPDATED'), data: z.object({ unitId: z.string(), name: z.string(), changes: z.array(z.string()) }) }),
  z.object({ type: z.literal('CASE_CREATED'), data: z.object({ number: z.string(), title: z.string(), disputeType: z.string() }) }),
  z.object({ type: z.literal('CASE_UPDATED'), data: z.object({ changes: z.array(z.string()) }) }),
  z.object({ type: z.literal('CASE_TRANSITION'), data: z.object({ from: status, to: status, reason: z.string().optional() }) }),
  z.object({ type: z.literal('PARTICIPANT_ADDED'), data: z.object({ participantId: z.string(), name: z.string(), role: z.string(), side: z.string() }) }),
  z.object({ type: z.literal('PARTICIPANT_REMOVED'), data: z.object({ participantId: z.string(), name: z.string() }) }),
  z.object({ type: z.literal('PARTICIPANT_UPDATED'), data: z.object({ participantId: z.string(), name: z.string(), changes: z.array(z.string()) }) }),
  z.object({
    type: z.literal('CO_MEDIATOR_ASSIGNED'),
    /** unit: the co-mediator's unit, when it is another unit of the centre (联合调解). */
    data: z.object({ userId: z.string(), name: z.string(), unit: z.string().optional() }),
  }),
  z.object({ type: z.literal('CO_MEDIATOR_REMOVED'), data: z.object({ userId: z.string(), name: z.string() }) }),
  z.object({ type: z.literal('INVITATION_CREATED'), data: z.object({ invitationId: z.string(), participantId: z.string(), expiresAt: z.string() }) }),
  z.object({
    type: z.literal('INVITATION_REVOKED'),
    /** reissued: revoked because the mediator generated a new link for the participant (重新生成链接). */
    data: z.object({ invitationId: z.string(), participantId: z.string(), reason: z.literal('reissued').optional() }),
  }),
  z.object({ type: z.literal('INVITATION_USED'), data: z.object({ invitationId: z.string(), participantId: z.string(), ip: z.string() }) }),
  z.object({
    type: z.literal('INVITATION_REJECTED'),
    // Earlier rows: one per attempt; now one per address, reason and window with the count (from–to).
    data: z.object({
      reason: z.string(),
      invitationId: z.string().optional(),
      ip: z.string(),
      count: z.number().int().optional(),
      from: z.string().optional(),
      to: z.string().optional(),
    }),
  }),
  z.object({ type: z.literal('PARTY_IDENTITY_CONFIRMED'), data: z.object({ participantId: z.string(), method: z.string() }) }),
  z.object({ type: z.literal('PARTY_IDENTITY_FAILED'), data: z.object({ participantId: z.string() }) }),
  z.object({ type: z.literal('PARTY_CONSENT_GIVEN'), data: z.object({ participantId: z.string(), ip: z.string(), userAgent: z.string() }) }),
  // #17 item 11 (PIPL): the 个人信息处理告知书 acknowledged; a separate consent given or withdrawn.
  z.object({ type: z.literal('PRIVACY_NOTICE_ACKNOWLEDGED'), data: z.object({ participantId: z.string(), version: z.string() }) }),
  z.object({ type: z.literal('PRIVACY_CONSENT_GIVEN'), data: z.object({ participantId: z.string(), purpose: z.string(), version: z.string() }) }),
  z.object({ type: z.literal('PRIVACY_CONSENT_WITHDRAWN'), data: z.object({ participantId: z.string(), purpose: z.string() }) }),
  z.object({
    type: z.literal('ROOM_JOINED'),
    data: z.object({ peerId: z.string(), name: z.string(), via: z.enum(['direct', 'lobby', 'reconnect', 'failover']) }),
  }),
  z.object({ type: z.literal('ROOM_RESTORED'), data: z.object({ admitted: z.number(), caucuses: z.number() }) }),
  z.object({ type: z.literal('ROOM_MEDIA_MOVED'), data: z.object({ ms: z.number() }) }),
  z.object({ type: z.literal('ROOM_ADMITTED'), data: z.object({ peerId: z.string(), name: z.string(), waitedSec: z.number() }) }),
  z.object({ type: z.literal('ROOM_DENIED'), data: z.object({ peerId: z.string(), name: z.string(), reason: z.string().optional() }) }),
  z.object({ type: z.literal('ROOM_LEFT'), data: z.object({ peerId: z.string(), name: z.string(), reason: z.enum(['left', 'timeout', 'access-revoked']) }) }),
  z.object({ type: z.literal('ROOM_MUTED'), data: z.object({ peerId: z.string(), name: z.string(), kind: z.enum(['audio', 'video']), muted: z.boolean() }) }),
  z.object({ type: z.literal('ROOM_REMOVED'), data: z.object({ peerId: z.string(), name: z.string() }) }),
  z.object({ type: z.literal('ROOM_ENDED'), data: z.object({ durationSec: z.number() }) }),
  z.object({ type: z.literal('AGREEMENT_DRAFT_CREATED'), data: z.object({ template: z.string() }) }),
  z.object({ type: z.literal('AGREEMENT_DRAFT_LOAD_FAILED'), data: z.object({ reason: z.string(), rowId: z.number().optional() }) }),
  z.object({ type: z.literal('AGREEMENT_EDIT_REJECTED'), data: z.object({ participantId: z.string(), name: z.string() }) }),
  z.object({
    type: z.literal('AGREEMENT_SUGGESTION_ADDED'),
    data: z.object({ suggestionId: z.string(), clauseId: z.string(), clauseTitle: z.string().optional(), chars: z.number() }),
  }),
  z.object({
    type: z.literal('AGREEMENT_SUGGESTION_ACCEPTED'),
    data: z.object({ suggestionId: z.string(), clauseId: z.string(), clauseTitle: z.string().optional(), authorName: z.string() }),
  }),
  z.object({
    type: z.literal('AGREEMENT_SUGGESTION_REJECTED'),
    data: z.object({
      suggestionId: z.string(),
      clauseId: z.string(),
      clauseTitle: z.string().optional(),
      authorName: z.string(),
      reason: z.string().optional(),
    }),
  }),
  z.object({
    type: z.literal('AGREEMENT_SUGGESTION_FROM_NOTEPAD'),
    data: z.object({
      suggestionId: z.string(),
      clauseId: z.string(),
      clauseTitle: z.string().optional(),
      fromSide: z.string(),
      chars: z.number(),
      sha256: z.string(),
      verbatim: z.boolean(),
    }),
  }),
  z.object({
    type: z.literal('AGREEMENT_COMMENT_ADDED'),
    data: z.object({ commentId: z.string(), clauseId: z.string(), clauseTitle: z.string().optional(), chars: z.number() }),
  }),
  z.object({ type: z.literal('AGREEMENT_VERSION_SAVED'), data: z.object({ versionId: z.string(), seq: z.number(), name: z.string(), sha256: z.string() }) }),
  z.object({
    type: z.literal('CAUCUS_STARTED'),
    data: z.object({ caucusId: z.string(), sides: z.array(z.string()), names: z.array(z.string()), mediators: z.array(z.string()) }),
  }),
  z.object({
    type: z.literal('CAUCUS_ENDED'),
    data: z.object({ caucusId: z.string(), sides: z.array(z.string()), names: z.array(z.string()), durationSec: z.number(), reason: z.string() }),
  }),
  z.object({ type: z.literal('CAUCUS_KNOCK'), data: z.object({ peerId: z.string(), name: z.string() }) }),
  z.object({ type: z.literal('AGENT_SIGNING_AUTHORITY'), data: z.object({ participantId: z.string(), name: z.string(), authorised: z.boolean() }) }),
  z.object({
    type: z.literal('PARTY_DOCUMENT_ADDED'),
    data: z.object({
      participantId: z.string(),
      documentId: z.string(),
      kind: z.enum(['POWER_OF_ATTORNEY', 'STANDING_PROOF']),
      sha256: z.string(),
      specialPowers: z.boolean(),
    }),
  }),
  z.object({ type: z.literal('PARTY_SEAL_SET'), data: z.object({ participantId: z.string(), sha256: z.string() }) }),
  z.object({ type: z.literal('COURT_ADDED'), data: z.object({ courtId: z.string(), name: z.string(), code: z.string() }) }),
  z.object({
    type: z.literal('JUDICIAL_APPLIED'),
    data: z.object({
      applicationId: z.string(),
      participantId: z.string(),
      how: z.enum(['self', 'consented']),
      courtId: z.string(),
      late: z.boolean().optional(),
    }),
  }),
  z.object({ type: z.literal('JUDICIAL_CONSENT_CONFIRMED'), data: z.object({ applicationId: z.string(), participantId: z.string() }) }),
  z.object({ type: z.literal('JUDICIAL_CONSENT_DECLINED'), data: z.object({ applicationId: z.string(), participantId: z.string() }) }),
  z.object({ type: z.literal('JUDICIAL_SUBMITTED'), data: z.object({ applicationId: z.string() }) }),
  z.object({
    type: z.literal('JUDICIAL_MATERIAL_UPLOADED'),
    data: z.object({
      applicationId: z.string(),
      materialId: z.string(),
      participantId: z.string(),
      kind: z.string(),
      mime: z.string(),
      bytes: z.number(),
      sha256: z.string(),
    }),
  }),
  z.object({
    type: z.literal('JUDICIAL_ACCEPTED'),
    data: z.object({ applicationId: z.string(), courtCaseNumber: z.string(), court: z.string(), noticeSha256: z.string().optional() }),
  }),
  z.object({ type: z.literal('JUDICIAL_REVIEW_STARTED'), data: z.object({ applicationId: z.string() }) }),
  z.object({
    type: z.literal('JUDICIAL_DECIDED'),
    data: z.object({
      applicationId: z.string(),
      decision: z.enum(['confirm', 'dismiss']),
      courtCaseNumber: z.string(),
      rulingSha256: z.string(),
      reason: z.string().optional(),
      ground: z.string().optional(),
      article: z.string().optional(),
    }),
  }),
  z.object({ type: z.literal('JUDICIAL_RULING_SERVED'), data: z.object({ applicationId: z.string(), participantId: z.string(), name: z.string() }) }),
  // #17 item 9: a court sent this mediation; confirmation goes back to it.
  z.object({
    type: z.literal('CASE_COURT_REFERRAL'),
    data: z.object({ courtId: z.string(), court: z.string(), kind: z.enum(['INVITED', 'DELEGATED', 'ENTRUSTED']) }),
  }),
  // #17 item 10: the court bundle for a court ruling on its own platform, and its ruling imported back.
  z.object({
    type: z.literal('COURT_BUNDLE_EXPORTED'),
    data: z.object({ applicationId: z.string(), bundleId: z.string(), manifestSha256: z.string(), files: z.number() }),
  }),
  z.object({
    type: z.literal('COURT_RULING_IMPORTED'),
    data: z.object({ applicationId: z.string(), bundleId: z.string(), decision: z.enum(['confirm', 'dismiss']), rulingSha256: z.string(), signer: z.string() }),
  }),
  // #17 items 7–8: the court's procedure and the service of its documents.
  z.object({
    type: z.literal('JUDICIAL_REFUSED'),
    data: z.object({ applicationId: z.string(), courtCaseNumber: z.string(), ground: z.string(), article: z.string(), rulingSha256: z.string() }),
  }),
  z.object({ type: z.literal('JUDICIAL_MATERIALS_REQUESTED'), data: z.object({ applicationId: z.string(), dueDate: z.string(), noticeSha256: z.string() }) }),
  z.object({ type: z.literal('JUDICIAL_MATERIALS_SUPPLIED'), data: z.object({ applicationId: z.string(), participantId: z.string() }) }),
  z.object({ type: z.literal('JUDICIAL_WITHDRAWAL_REQUESTED'), data: z.object({ applicationId: z.string(), participantId: z.string() }) }),
  z.object({
    type: z.literal('JUDICIAL_WITHDRAWN'),
    data: z.object({ applicationId: z.string(), courtCaseNumber: z.string(), lapsed: z.boolean(), rulingSha256: z.string() }),
  }),
  z.object({
    type: z.literal('JUDICIAL_APPLICATION_SIGNED'),
    data: z.object({ applicationId: z.string(), participantId: z.string(), pngSha256: z.string(), identityMethod: z.string() }),
  }),
  z.object({ type: z.literal('JUDICIAL_QUESTIONED'), data: z.object({ applicationId: z.string(), minutesSha256: z.string() }) }),
  z.object({
    type: z.literal('JUDICIAL_DOCUMENT_SERVED'),
    data: z.object({ applicationId: z.string(), documentId: z.string(), kind: z.string(), participantId: z.string(), name: z.string() }),
  }),
  z.object({
    type: z.literal('SIGNING_LOCKED'),
    data: z.object({ roundId: z.string(), versionSeq: z.number(), contentSha256: z.string(), clauses: z.number() }),
  }),
  z.object({
    type: z.literal('SIGNING_UNLOCKED'),
    data: z.object({ roundId: z.string(), reason: z.string(), voidedSignatures: z.number(), voidedConsents: z.number() }),
  }),
  z.object({
    type: z.literal('CLAUSE_ACCEPTED'),
    data: z.object({ roundId: z.string(), participantId: z.string(), clauseId: z.string(), clauseSha256: z.string(), byName: z.string() }),
  }),
  z.object({
    type: z.literal('CLAUSE_OBJECTED'),
    data: z.object({
      roundId: z.string(),
      participantId: z.string(),
      clauseId: z.string(),
      clauseSha256: z.string(),
      commentId: z.string(),
      byName: z.string(),
      chars: z.number(),
    }),
  }),
  z.object({
    type: z.literal('SIGNING_CODE_SENT'),
    // roundId: an agreement's code; purpose + subjectId: the 调解笔录's (MINUTES) or the 司法确认申请书's (APPLICATION).
    data: z.object({
      roundId: z.string().optional(),
      purpose: z.enum(['MINUTES', 'APPLICATION']).optional(),
      subjectId: z.string().optional(),
      participantId: z.string(),
      phone: z.string(),
      provider: z.string(),
    }),
  }),
  z.object({ type: z.literal('SIGNING_REFUSED'), data: z.object({ roundId: z.string(), participantId: z.string(), reason: z.string() }) }),
  z.object({
    type: z.literal('DOCUMENT_SIGNING_REFUSED'),
    data: z.object({ purpose: z.enum(['MINUTES', 'APPLICATION']), subjectId: z.string(), participantId: z.string(), reason: z.string() }),
  }),
  z.object({
    type: z.literal('AGREEMENT_SIGNED'),
    data: z.object({
      roundId: z.string(),
      signerType: z.string(),
      signerName: z.string(),
      signerRole: z.string(),
      participantId: z.string().nullable(),
      pngSha256: z.string(),
      identityMethod: z.string(),
      ip: z.string(),
      userAgent: z.string(),
    }),
  }),
  z.object({
    type: z.literal('AGREEMENT_ISSUED'),
    data: z.object({ roundId: z.string(), contentSha256: z.string(), pdfSha256: z.string(), pages: z.number(), bytes: z.number() }),
  }),
  z.object({ type: z.literal('CAUCUS_CARRIED'), data: z.object({ fromSide: z.string(), toSide: z.string(), chars: z.number(), sha256: z.string() }) }),
  /** A staff member opened a case's personal data, materials or documents (signaling/privacy/read-audit.ts). Names what, never the data. */
  z.object({ type: z.literal('PERSONAL_DATA_READ'), data: z.object({ what: z.string(), route: z.string(), materialId: z.string().optional() }) }),
  // #17 procedure (signaling/procedure): 权利义务告知书, 回避, 终止调解, 调解笔录.
  z.object({ type: z.literal('NOTICE_ACKNOWLEDGED'), data: z.object({ participantId: z.string(), templateVersion: z.number(), textSha256: z.string() }) }),
  z.object({
    type: z.literal('MEDIATION_ENDED'),
    data: z.object({ by: z.enum(['party', 'mediator']), participantId: z.string().optional(), reason: z.string() }),
  }),
  z.object({ type: z.literal('RECUSAL_DECLARED'), data: z.object({ mediatorId: z.string(), name: z.string() }) }),
  z.object({
    type: z.literal('RECUSAL_OBJECTED'),
    data: z.object({ objectionId: z.string(), participantId: z.string(), mediatorId: z.string(), chars: z.number() }),
  }),
  z.object({
    type: z.literal('RECUSAL_RESOLVED'),
    data: z.object({
      objectionId: z.string(),
      decision: z.enum(['replace', 'keep']),
      newMediatorId: z.string().optional(),
      newMediatorName: z.string().optional(),
    }),
  }),
  z.object({
    type: z.literal('MINUTES_RECORDED'),
    data: z.object({ entryId: z.string(), seq: z.number(), kind: z.string(), side: z.string().nullable(), caucus: z.boolean(), chars: z.number() }),
  }),
  z.object({ type: z.literal('MINUTES_SHARED'), data: z.object({ side: z.string(), entries: z.number() }) }),
  z.object({ type: z.literal('MINUTES_LOCKED'), data: z.object({ recordId: z.string(), entries: z.number(), contentSha256: z.string() }) }),
  z.object({ type: z.literal('MINUTES_UNLOCKED'), data: z.object({ recordId: z.string(), reason: z.string(), voidedSignatures: z.number() }) }),
  z.object({
    type: z.literal('MINUTES_SIGNED'),
    data: z.object({ recordId: z.string(), participantId: z.string(), signerName: z.string(), pngSha256: z.string(), contentSha256: z.string() }),
  }),
  z.object({ type: z.literal('MINUTES_ISSUED'), data: z.object({ recordId: z.string(), pdfSha256: z.string(), pages: z.number() }) }),
  z.object({ type: z.literal('TERMINATION_NOTICE_ISSUED'), data: z.object({ pdfSha256: z.string(), pages: z.number() }) }),
  // Retention (signaling/retention): how many records of each kind were deleted — counts only, no content.
  z.object({
    type: z.literal('RETENTION_PURGED'),
    data: z.object({ counts: z.record(z.enum(['chat', 'notepads', 'signingCodes', 'linkUses', 'materials']), z.number()), cases: z.number().optional() }),
  }),
  /** The unit head gave the case (and its matter, 首接负责) to another mediator of the unit. */
  z.object({ type: z.literal('CASE_MEDIATOR_CHANGED'), data: z.object({ fromUserId: z.string().nullable(), toUserId: z.string(), name: z.string() }) }),
  // #16 closing the loop (signaling/followup).
  z.object({
    type: z.literal('FOLLOW_UP_OPENED'),
    data: z.object({ taskId: z.string(), reason: z.enum(['POOR_RATING', 'MISSED_PERFORMANCE', 'SAMPLED', 'MANUAL']), dueAt: z.string() }),
  }),
  // #16 item 1 履行 (signaling/followup/performance): amounts in 分.
  z.object({ type: z.literal('PERFORMANCE_SCHEDULE_DERIVED'), data: z.object({ signingRoundId: z.string(), obligations: z.number() }) }),
  z.object({ type: z.literal('OBLIGATION_CORRECTED'), data: z.object({ obligationId: z.string(), seq: z.number(), changes: z.array(z.string()) }) }),
  z.object({ type: z.literal('PERFORMANCE_SCHEDULE_CONFIRMED'), data: z.object({ obligations: z.number(), totalFen: z.number() }) }),
  z.object({
    type: z.literal('OBLIGATION_RECEIPT_CONFIRMED'),
    /** The obligee's signed statement: its digest, the signature's, and the issued agreement's it refers to. */
    data: z.object({
      obligationId: z.string(),
      seq: z.number(),
      participantId: z.string(),
      amountFen: z.number().nullable(),
      receivedFen: z.number(),
      status: z.string(),
      statementSha256: z.string(),
      pngSha256: z.string(),
      agreementPdfSha256: z.string().nullable(),
    }),
  }),
  z.object({
    type: z.literal('OBLIGATION_PROOF_UPLOADED'),
    data: z.object({ obligationId: z.string(), seq: z.number(), participantId: z.string(), mime: z.string(), bytes: z.number(), sha256: z.string() }),
  }),
  z.object({
    type: z.literal('OBLIGATION_RECORDED'),
    data: z.object({ obligationId: z.string(), seq: z.number(), amountFen: z.number().nullable(), receivedFen: z.number(), status: z.string() }),
  }),
  z.object({ type: z.literal('OBLIGATION_OVERDUE'), data: z.object({ obligationId: z.string(), seq: z.number(), dueDate: z.string() }) }),
  // #16 item 5 电子卷宗 (signaling/followup/dossier): the case archived with its sealed dossier (a download is a PERSONAL_DATA_READ).
  z.object({
    type: z.literal('CASE_ARCHIVED'),
    data: z.object({ outcome: z.string(), retentionYears: z.number(), retainUntil: z.string(), dossierSha256: z.string(), pages: z.number() }),
  }),
  // #16 items 2–3: 评价 (never the comment: it is sealed in the rating) and 回访 (signaling/followup/ratings, tasks).
  z.object({
    type: z.literal('RATING_GIVEN'),
    data: z.object({
      ratingId: z.string(),
      participantId: z.string(),
      occasion: z.enum(['SESSION', 'CLOSING']),
      score: z.number().int(),
      commented: z.boolean(),
    }),
  }),
  z.object({ type: z.literal('FOLLOW_UP_REMINDED'), data: z.object({ taskId: z.string(), dueAt: z.string(), userId: z.string().optional() }) }),
  z.object({
    type: z.literal('FOLLOW_UP_ESCALATED'),
    data: z.object({ taskId: z.string(), dueAt: z.string(), unitId: z.string(), headIds: z.array(z.string()) }),
  }),
  z.object({ type: z.literal('FOLLOW_UP_RECORDED'), data: z.object({ taskId: z.string(), recordId: z.string(), method: z.string(), result: z.string() }) }),
  z.object({
    type: z.literal('FOLLOW_UP_CLOSED'),
    data: z.object({ taskId: z.string(), outcome: z.enum(['RESOLVED', 'NEEDS_REOPEN', 'UNREACHABLE', 'OTHER']), reopened: z.boolean() }),
  }),
  z.object({ type: z.literal('FOLLOW_UP_RECORD_ISSUED'), data: z.object({ taskId: z.string(), pdfSha256: z.string(), pages: z.number() }) }),
]);

export type AuditEvent = z.infer<typeof AuditEventSchema>;
export type AuditEventType = AuditEvent['type'];

const JOIN_VIA: Record<'direct' | 'lobby' | 'reconnect' | 'failover', string> = {
  direct: '进入调解室',
  lobby: '进入等候区',
  reconnect: '重新连接调解室',
  failover: '在服务器切换后重新进入调解室（无需再次准许）',
};

const REJECT_REASONS: Record<string, string> = {
  TOKEN_MALFORMED: '链接格式错误',
  TOKEN_INVALID: '链接无效或被篡改',
  TOKEN_EXPIRED: '链接已过期',
  TOKEN_REVOKED: '链接已撤销',
  TOKEN_WRONG_CASE: '链接不属于该案件',
};

export function summarizeAuditEvent(event: AuditEvent): string {
  switch (event.type) {
    case 'SYSTEM_BOOTSTRAPPED':
      return `系统初始化：创建调解组织「${event.data.orgName}」和管理员 ${event.data.adminUsername}`;
    case 'USER_LOGIN':
      return `${event.data.username} 登录（${event.data.ip}）`;
    case 'USER_LOGIN_FAILED':
      return `${event.data.username} 登录失败（${event.data.ip}）`;
    case 'USER_LOGOUT':
      return `${event.data.username} 退出登录`;
    case 'USER_CREATED':
      return `创建账号 ${event.data.username}（${event.data.role}${event.data.unit ? `，${event.data.unit}` : ''}）`;
    case 'USER_UPDATED':
      return `修改账号 ${event.data.username}：${event.data.changes.join('、')}`;
    case 'USER_PASSWORD_CHANGED':
      return `${event.data.username} 修改了自己的密码${event.data.endedSessions ? `（结束其他 ${event.data.endedSessions} 个登录会话）` : ''}`;
    case 'USER_PASSWORD_CHANGE_FAILED':
      return `${event.data.username} 修改密码失败：当前密码不正确（${event.data.ip}）`;
    case 'ORG_SEAL_UPDATED':
      return `更新${event.data.unit ?? '调解委员会'}印章图片（${event.data.bytes} 字节）`;
    case 'CENTRE_UNITS_ENSURED':
      return event.data.createdCentre
        ? `建立${event.data.centre}，设成员单位 ${event.data.createdUnits.length} 个`
        : `${event.data.centre}新增成员单位 ${event.data.createdUnits.length} 个`;
    case 'UNIT_ADDED':
      return `新增成员单位 ${event.data.name}（案号简称：${event.data.shortName}）`;
    case 'UNIT_UPDATED':
      return `修改成员单位 ${event.data.name}：${event.data.changes.join('、')}`;
    case 'ORG_PHONE_UPDATED':
      return `更新${event.data.unit ?? '调解组织'}联系电话（当事人链接失效时显示）`;
    case 'CASE_CREATED':
      return `受理案件 ${event.data.number}「${event.data.title}」`;
    case 'CASE_UPDATED':
      return `修改案件信息：${event.data.changes.join('、')}`;
    case 'CASE_TRANSITION':
      return `案件状态：${CASE_STATUS_LABELS[event.data.from]} → ${CASE_STATUS_LABELS[event.data.to]}${event.data.reason ? `（${event.data.reason}）` : ''}`;
    case 'PARTICIPANT_ADDED':
      return `添加当事人 ${event.data.name}`;
    case 'PARTICIPANT_REMOVED':
      return `移除当事人 ${event.data.name}`;
    case 'PARTICIPANT_UPDATED':
      return `修改当事人 ${event.data.name} 的信息：${event.data.changes.join('、')}`;
    case 'CO_MEDIATOR_ASSIGNED':
      return `指派协办调解员 ${event.data.name}${event.data.unit ? `（${event.data.unit}）` : ''}`;
    case 'CO_MEDIATOR_REMOVED':
      return `取消协办调解员 ${event.data.name}`;
    case 'INVITATION_CREATED':
      return `生成邀请链接（有效期至 ${formatChinaDateTime(event.data.expiresAt)}）`;
    case 'INVITATION_REVOKED':
      return event.data.reason === 'reissued' ? '重新生成链接，原链接已失效' : '撤销邀请链接';
    case 'INVITATION_USED':
      return `当事人打开邀请链接（${event.data.ip}）`;
    case 'INVITATION_REJECTED':
      return `拒绝邀请链接访问：${REJECT_REASONS[event.data.reason] ?? event.data.reason}（${event.data.ip}${event.data.count ? `，${event.data.count} 次` : ''}）`;
    case 'PARTY_IDENTITY_CONFIRMED':
      return '当事人完成身份确认（姓名 + 身份证后四位）';
    case 'PARTY_IDENTITY_FAILED':
      return '当事人身份确认失败';
    case 'ROOM_JOINED':
      return `${event.data.name} ${JOIN_VIA[event.data.via]}`;
    case 'ROOM_RESTORED':
      return `调解室在服务器切换后恢复（保留 ${event.data.admitted} 人的准入和 ${event.data.caucuses} 个单独沟通）`;
    case 'ROOM_MEDIA_MOVED':
      return `音视频服务进程故障，调解室已在 ${event.data.ms} 毫秒内转到正常的服务进程，参与人自动重新连接`;
    case 'ROOM_ADMITTED':
      return `调解员准许 ${event.data.name} 进入调解室（等候 ${event.data.waitedSec} 秒）`;
    case 'ROOM_DENIED':
      return `调解员拒绝 ${event.data.name} 进入调解室${event.data.reason ? `：${event.data.reason}` : ''}`;
    case 'ROOM_LEFT':
      return `${event.data.name} 离开调解室${event.data.reason === 'timeout' ? '（断线超时）' : event.data.reason === 'access-revoked' ? '（访问权限已被收回）' : ''}`;
    case 'ROOM_MUTED':
      return `调解员${event.data.muted ? '关闭' : '恢复'}了 ${event.data.name} 的${event.data.kind === 'audio' ? '麦克风' : '摄像头'}`;
    case 'ROOM_REMOVED':
      return `调解员将 ${event.data.name} 移出调解室`;
    case 'ROOM_ENDED':
      return `调解员结束在线调解（时长 ${formatDuration(event.data.durationSec)}）`;
    case 'CAUCUS_STARTED':
      return `开始背对背单独沟通：${sidesLabel(event.data.sides)}（${event.data.names.join('、')}；调解员 ${event.data.mediators.join('、')}）`;
    case 'CAUCUS_ENDED':
      return `结束背对背单独沟通：${sidesLabel(event.data.sides)}，时长 ${formatDuration(event.data.durationSec)}${event.data.reason === 'mediator-disconnected' ? '（调解员断线，自动回到联合调解）' : ''}`;
    case 'CAUCUS_KNOCK':
      return `${event.data.name} 请求调解员`;
    case 'AGENT_SIGNING_AUTHORITY':
      return event.data.authorised ? `授权委托代理人 ${event.data.name} 代为确认和签署协议` : `取消委托代理人 ${event.data.name} 的代签授权`;
    case 'PARTY_DOCUMENT_ADDED':
      return event.data.kind === 'POWER_OF_ATTORNEY'
        ? `收到委托代理人的授权委托书（${event.data.specialPowers ? '载明特别授权' : '未载明特别授权'}，摘要 ${event.data.sha256.slice(0, 12)}…）`
        : `收到单位当事人的主体资格证明（摘要 ${event.data.sha256.slice(0, 12)}…）`;
    case 'PARTY_SEAL_SET':
      return `上传单位当事人的电子印章（摘要 ${event.data.sha256.slice(0, 12)}…）`;
    case 'COURT_ADDED':
      return `添加法院 ${event.data.name}（${event.data.code}）`;
    case 'JUDICIAL_APPLIED':
      return `${event.data.how === 'self' ? '当事人确认申请司法确认' : '调解员登记当事人同意由对方共同申请司法确认'}${event.data.late ? '（已过三十日申请期限，由法院决定是否受理）' : ''}`;
    case 'JUDICIAL_CONSENT_CONFIRMED':
      return '当事人通过本人链接确认调解员登记的同意，共同申请司法确认';
    case 'JUDICIAL_CONSENT_DECLINED':
      return '当事人拒绝调解员登记的同意，该登记已撤销';
    case 'JUDICIAL_SUBMITTED':
      return '双方共同申请司法确认：申请已提交法院（待受理）';
    case 'JUDICIAL_MATERIAL_UPLOADED':
      return `上传司法确认申请材料（${event.data.mime}，${Math.round(event.data.bytes / 1024)} KB）`;
    case 'JUDICIAL_ACCEPTED':
      return `${event.data.court}受理司法确认申请，案号${event.data.courtCaseNumber}`;
    case 'JUDICIAL_REVIEW_STARTED':
      return '法官开始审查司法确认申请';
    case 'JUDICIAL_DECIDED':
      return event.data.decision === 'confirm'
        ? `裁定调解协议有效（${event.data.courtCaseNumber}）`
        : `裁定驳回司法确认申请（${event.data.courtCaseNumber}）${event.data.reason ? `：${event.data.reason}` : ''}`;
    case 'CASE_COURT_REFERRAL':
      return `登记本案由${event.data.court}${{ INVITED: '邀请先行调解', DELEGATED: '委派调解', ENTRUSTED: '委托调解' }[event.data.kind]}`;
    case 'COURT_BUNDLE_EXPORTED':
      return `导出案卷包 ${event.data.bundleId}（${event.data.files} 个文件）`;
    case 'COURT_RULING_IMPORTED':
      return `导入法院裁定（案卷包 ${event.data.bundleId}，${event.data.decision === 'confirm' ? '确认有效' : '驳回申请'}，签署：${event.data.signer}）`;
    case 'JUDICIAL_RULING_SERVED':
      return `民事裁定书已送达 ${event.data.name}（本人下载）`;
    case 'JUDICIAL_REFUSED':
      return `裁定不予受理（${event.data.courtCaseNumber}，解释${event.data.article}）`;
    case 'JUDICIAL_MATERIALS_REQUESTED':
      return `法院要求补充材料，限 ${event.data.dueDate} 前提交（审查期限中止）`;
    case 'JUDICIAL_MATERIALS_SUPPLIED':
      return '当事人已补充材料（审查期限恢复计算）';
    case 'JUDICIAL_WITHDRAWAL_REQUESTED':
      return '当事人申请撤回司法确认申请';
    case 'JUDICIAL_WITHDRAWN':
      return `裁定准许撤回司法确认申请（${event.data.courtCaseNumber}）${event.data.lapsed ? '：逾期未补充材料，按撤回处理' : ''}`;
    case 'JUDICIAL_APPLICATION_SIGNED':
      return `申请人本人签署司法确认申请书（${event.data.identityMethod}）`;
    case 'JUDICIAL_QUESTIONED':
      return `法官询问当事人并制作询问笔录（摘要 ${event.data.minutesSha256.slice(0, 12)}…）`;
    case 'JUDICIAL_DOCUMENT_SERVED':
      return `法院文书已电子送达 ${event.data.name}（本人打开）`;
    case 'SIGNING_LOCKED':
      return `锁定协议第 ${event.data.versionSeq} 版供签署（${event.data.clauses} 条，内容摘要 ${event.data.contentSha256.slice(0, 12)}…）`;
    case 'SIGNING_UNLOCKED':
      return `解除签署锁定：${event.data.reason}（作废签名 ${event.data.voidedSignatures} 个、条款确认 ${event.data.voidedConsents} 项）`;
    case 'CLAUSE_ACCEPTED':
      return `${event.data.byName} 确认协议条款 ${event.data.clauseId}`;
    case 'CLAUSE_OBJECTED':
      return `${event.data.byName} 对协议条款 ${event.data.clauseId} 提出异议（${event.data.chars} 字）`;
    case 'SIGNING_CODE_SENT':
      return `向 ${event.data.phone} 发送签署${event.data.purpose ? CODE_DOCUMENTS[event.data.purpose] : ''}验证码`;
    case 'SIGNING_REFUSED':
      return `签署未通过：${event.data.reason}`;
    case 'DOCUMENT_SIGNING_REFUSED':
      return `签署${CODE_DOCUMENTS[event.data.purpose]}未通过：${event.data.reason}`;
    case 'AGREEMENT_SIGNED':
      return `${event.data.signerName}（${event.data.signerRole}）签署调解协议书`;
    case 'AGREEMENT_ISSUED':
      return `出具已签署的调解协议书（${event.data.pages} 页，文件摘要 ${event.data.pdfSha256.slice(0, 12)}…）`;
    case 'PERSONAL_DATA_READ':
      return `查看个人信息：${event.data.what}`;
    case 'CAUCUS_CARRIED':
      return `调解员将${sideLabel(event.data.fromSide)}的意见转达给${sideLabel(event.data.toSide)}（${event.data.chars} 字）`;
    case 'AGREEMENT_DRAFT_CREATED':
      return `根据模板「${event.data.template}」生成调解协议草稿`;
    case 'AGREEMENT_DRAFT_LOAD_FAILED':
      return `调解协议草稿读取失败，已拒绝打开（${event.data.reason}${event.data.rowId !== undefined ? `，第 ${event.data.rowId} 条记录` : ''}）`;
    case 'AGREEMENT_EDIT_REJECTED':
      return `拒绝 ${event.data.name} 直接修改调解协议草稿（当事人只能提出修改建议）`;
    case 'AGREEMENT_SUGGESTION_ADDED':
      return `对${clauseLabel(event.data)}提出修改建议（${event.data.chars} 字）`;
    case 'AGREEMENT_SUGGESTION_ACCEPTED':
      return `调解员采纳 ${event.data.authorName} 对${clauseLabel(event.data)}的修改建议`;
    case 'AGREEMENT_SUGGESTION_REJECTED':
      return `调解员未采纳 ${event.data.authorName} 对${clauseLabel(event.data)}的修改建议${event.data.reason ? `：${event.data.reason}` : ''}`;
    case 'AGREEMENT_SUGGESTION_FROM_NOTEPAD':
      return `调解员将${sideLabel(event.data.fromSide)}记事本中的方案作为对${clauseLabel(event.data)}的修改建议放入协议草稿（${event.data.chars} 字${event.data.verbatim ? '，原文摘录' : '，经调解员整理'}）`;
    case 'AGREEMENT_COMMENT_ADDED':
      return `对${clauseLabel(event.data)}发表意见（${event.data.chars} 字）`;
    case 'AGREEMENT_VERSION_SAVED':
      return `保存调解协议第 ${event.data.seq} 版「${event.data.name}」`;
    case 'PRIVACY_NOTICE_ACKNOWLEDGED':
      return `当事人阅读并确认《个人信息处理告知书》（${event.data.version} 版）`;
    case 'PRIVACY_CONSENT_GIVEN':
      return `当事人单独同意：${PRIVACY_PURPOSE_LABELS[event.data.purpose] ?? event.data.purpose}`;
    case 'PRIVACY_CONSENT_WITHDRAWN':
      return `当事人撤回单独同意：${PRIVACY_PURPOSE_LABELS[event.data.purpose] ?? event.data.purpose}`;
    case 'PARTY_CONSENT_GIVEN':
      return `当事人同意在线调解（${event.data.ip}）`;
    case 'NOTICE_ACKNOWLEDGED':
      return `当事人阅读并确认《权利义务告知书》（第 ${event.data.templateVersion} 版，摘要 ${event.data.textSha256.slice(0, 12)}…）`;
    case 'MEDIATION_ENDED':
      return `${event.data.by === 'party' ? '当事人要求终止调解' : '调解员终止调解'}：${event.data.reason}`;
    case 'RECUSAL_DECLARED':
      return `调解员 ${event.data.name} 声明与本案当事人无利害关系（回避声明）`;
    case 'RECUSAL_OBJECTED':
      return `当事人申请调解员回避（${event.data.chars} 字）`;
    case 'RECUSAL_RESOLVED':
      return event.data.decision === 'replace' ? `回避申请成立，更换调解员为 ${event.data.newMediatorName ?? ''}` : '回避申请不成立，调解员继续主持调解';
    case 'MINUTES_RECORDED':
      return `调解笔录第 ${event.data.seq} 条${event.data.caucus ? `（背对背：${sideLabel(event.data.side ?? '')}）` : ''}（${event.data.chars} 字）`;
    case 'MINUTES_SHARED':
      return `${sideLabel(event.data.side)}同意公开本方背对背沟通记录 ${event.data.entries} 条`;
    case 'MINUTES_LOCKED':
      return `锁定调解笔录供核对签名（${event.data.entries} 条，摘要 ${event.data.contentSha256.slice(0, 12)}…）`;
    case 'MINUTES_UNLOCKED':
      return `解除调解笔录锁定：${event.data.reason}（作废签名 ${event.data.voidedSignatures} 个）`;
    case 'MINUTES_SIGNED':
      return `${event.data.signerName} 核对并签署调解笔录`;
    case 'MINUTES_ISSUED':
      return `调解笔录签名完毕，加盖印章归档（${event.data.pages} 页，文件摘要 ${event.data.pdfSha256.slice(0, 12)}…）`;
    case 'TERMINATION_NOTICE_ISSUED':
      return `出具调解终结告知书（${event.data.pages} 页，文件摘要 ${event.data.pdfSha256.slice(0, 12)}…）`;
    case 'RETENTION_PURGED':
      return `按保存期限删除${retentionCounts(event.data.counts)}${event.data.cases !== undefined ? `（涉及 ${event.data.cases} 个案件）` : ''}`;
    case 'CASE_MEDIATOR_CHANGED':
      return `更换本案调解员为 ${event.data.name}`;
    case 'FOLLOW_UP_OPENED':
      return `发起回访（${FOLLOW_UP_REASON_LABELS[event.data.reason]}，期限 ${event.data.dueAt.slice(0, 10)}）`;
    case 'PERFORMANCE_SCHEDULE_DERIVED':
      return `根据已签署的协议生成履行计划草稿（${event.data.obligations} 项）`;
    case 'OBLIGATION_CORRECTED':
      return `履行计划第 ${event.data.seq} 项：${event.data.changes.join('、')}`;
    case 'PERFORMANCE_SCHEDULE_CONFIRMED':
      return `确认履行计划（${event.data.obligations} 项，金钱给付合计 ${fenText(event.data.totalFen)}）`;
    case 'OBLIGATION_RECEIPT_CONFIRMED':
      return `权利人签名确认收到履行计划第 ${event.data.seq} 项${event.data.amountFen !== null ? ` ${fenText(event.data.amountFen)}` : ''}（累计 ${fenText(event.data.receivedFen)}，声明摘要 ${event.data.statementSha256.slice(0, 12)}…）`;
    case 'OBLIGATION_PROOF_UPLOADED':
      return `义务人上传履行计划第 ${event.data.seq} 项的履行凭证（${event.data.mime}，${event.data.bytes} 字节，摘要 ${event.data.sha256.slice(0, 12)}…）`;
    case 'OBLIGATION_RECORDED':
      return `调解员登记履行计划第 ${event.data.seq} 项的履行情况${event.data.amountFen !== null ? `：收到 ${fenText(event.data.amountFen)}` : '：已履行'}`;
    case 'OBLIGATION_OVERDUE':
      return `履行计划第 ${event.data.seq} 项逾期未履行（期限 ${event.data.dueDate}）`;
    case 'CASE_ARCHIVED':
      return `案件归档，保管期限 ${event.data.retentionYears} 年（至 ${formatChinaDate(Date.parse(event.data.retainUntil) - 1)}），电子卷宗 ${event.data.pages} 页，摘要 ${event.data.dossierSha256.slice(0, 12)}…`;
    case 'RATING_GIVEN':
      return `当事人评价${event.data.occasion === 'CLOSING' ? '（结案）' : '（在线调解后）'}：${(RATING_LABELS as Record<number, string>)[event.data.score] ?? event.data.score}${event.data.commented ? '，附意见' : ''}`;
    case 'FOLLOW_UP_REMINDED':
      return `提醒回访人：回访将于 ${formatChinaDateTime(event.data.dueAt)} 到期`;
    case 'FOLLOW_UP_ESCALATED':
      return `回访超期，已督办（单位负责人），期限 ${formatChinaDateTime(event.data.dueAt)}`;
    case 'FOLLOW_UP_RECORDED':
      return `登记回访（${(FOLLOW_UP_METHOD_LABELS as Record<string, string>)[event.data.method] ?? event.data.method}）`;
    case 'FOLLOW_UP_CLOSED':
      return `办结回访：${(FOLLOW_UP_OUTCOME_LABELS as Record<string, string>)[event.data.outcome] ?? event.data.outcome}${event.data.reopened ? '，本案重新办理' : ''}`;
    case 'FOLLOW_UP_RECORD_ISSUED':
      return `出具回访记录（${event.data.pages} 页，文件摘要 ${event.data.pdfSha256.slice(0, 12)}…）`;
  }
}

/** 2500000 分 → 25000.00元 (audit summaries; no thousands separators needed). */
const fenText = (fen: number) => `${(fen / 100).toFixed(2)}元`;

const CODE_DOCUMENTS: Record<'MINUTES' | 'APPLICATION', string> = { MINUTES: '调解笔录', APPLICATION: '司法确认申请书' };
const sideLabel = (side: string) => ({ A: '甲方', B: '乙方', NEUTRAL: '中立方' })[side] ?? side;
const sidesLabel = (sides: string[]) => (sides.length ? sides.map(sideLabel).join('、') : '指定人员');

const clauseLabel = (d: { clauseId: string; clauseTitle?: string | undefined }) => (d.clauseTitle ? `「${d.clauseTitle}」` : `条款 ${d.clauseId} `);

const RETENTION_KIND_LABELS: Record<string, string> = {
  chat: '聊天消息',
  notepads: '记事本',
  signingCodes: '签署验证码记录',
  linkUses: '链接访问记录',
  materials: '申请材料',
};
const retentionCounts = (counts: Partial<Record<string, number>>) =>
  Object.entries(counts)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([kind, n]) => `${RETENTION_KIND_LABELS[kind] ?? kind} ${n} 条`)
    .join('、');
