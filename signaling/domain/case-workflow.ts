// The workflow follows the work: which status a case reaches when its mediators start working on
// it, and which actions its current status allows — with the reason, in Chinese, when it does
// not. Pure rules shared by the server (room join, draft open, locking) and the web client
// (which buttons it shows, disables and explains), so the two cannot disagree.
import { CASE_STATUS_LABELS, moveOf, type CaseStatus } from './case-status.ts';

/** Work that moves a case along when a mediator or co-mediator starts it. */
export type WorkEvent = 'room-opened' | 'draft-opened';

/** The audit reason of each automatic move. */
export const WORK_EVENT_REASONS: Record<WorkEvent, string> = {
  'room-opened': '进入调解室',
  'draft-opened': '开始起草协议',
};

/**
 * The moves each work event makes, from each status it applies to (in order; every step is a
 * legal workflow move of CASE_MOVES, so each is audited on its own).
 *
 * 分流 is passed through: triage decides which mediator handles a case, and the mediator who
 * opens the room or the draft is the one it was routed to — the work is the evidence that triage
 * happened. Skipping it with a direct 受理→调解中 edge would make 分流 unreachable in the audit
 * trail; passing through keeps the state machine unchanged and records both steps.
 *
 * Nothing else moves by itself: 达成协议 and 已签署 belong to signing, the judicial statuses to
 * the court, and 已驳回→调解中 needs the mediator's reason (民事诉讼法 art. 206).
 */
const WORK_MOVES: Record<WorkEvent, Partial<Record<CaseStatus, readonly CaseStatus[]>>> = {
  'room-opened': { ACCEPTED: ['TRIAGED', 'MEDIATING'], TRIAGED: ['MEDIATING'] },
  'draft-opened': { ACCEPTED: ['TRIAGED', 'MEDIATING'], TRIAGED: ['MEDIATING'] },
};

/** The statuses `event` moves a case in `status` through, in order (empty: it stays). */
export function movesOnWork(status: CaseStatus, event: WorkEvent): readonly CaseStatus[] {
  return WORK_MOVES[event][status] ?? [];
}

/** Every step of every automatic path is a workflow move needing no reason (checked by the unit test). */
export function workPathIsLegal(from: CaseStatus, path: readonly CaseStatus[]): boolean {
  let at = from;
  for (const to of path) {
    const move = moveOf(at, to);
    if (!move || move.by !== 'workflow' || move.reasonRequired) return false;
    at = to;
  }
  return true;
}

const TERMINAL: ReadonlySet<CaseStatus> = new Set(['FAILED', 'WITHDRAWN', 'CONFIRMED']);

/** Why the agreement cannot be locked for signing in `status`; null when it can. */
export function lockProblem(status: CaseStatus): string | null {
  if (status === 'MEDIATING' || status === 'AGREED') return null;
  if (status === 'ACCEPTED' || status === 'TRIAGED') return '案件尚未进入「调解中」：进入调解室或打开协议草稿后即可锁定';
  if (TERMINAL.has(status)) return `案件已终结（${CASE_STATUS_LABELS[status]}），不能再锁定协议`;
  if (status === 'DISMISSED') return '法院已驳回申请：如需重新调解，请先将案件变更为「调解中」';
  return '协议书已签署，不能再锁定';
}

/** What the case page says about its 办理进度 when the status is moved by the work, not by hand. */
export function workflowNote(status: CaseStatus): string | null {
  switch (status) {
    case 'ACCEPTED':
    case 'TRIAGED':
      return '进入调解室或打开协议草稿时，案件将自动进入「调解中」（记入审计记录）。';
    case 'MEDIATING':
      return '锁定协议供签署后，案件自动变为「达成协议」。';
    case 'AGREED':
      return '协议已锁定：案件状态随签署进行，全部签署并出具后变为「已签署」；如需修改，请解除锁定。';
    case 'SIGNED':
      return '协议书已签署出具，不能再变更状态；当事人可申请司法确认。';
    case 'CONFIRMATION_REQUESTED':
      return '当事人已申请司法确认，案件状态由法院的裁定决定。';
    case 'DISMISSED':
      return null;
    case 'FAILED':
    case 'WITHDRAWN':
    case 'CONFIRMED':
      return `案件已终结（${CASE_STATUS_LABELS[status]}），不能再变更状态。`;
  }
}

/** What the party's own page offers for signing: nothing before a lock, signing while locked, the file after. */
export type PartySigningOffer = { kind: 'sign' | 'download'; label: string } | null;
/** …and for judicial confirmation: nothing before the agreement is signed. */
export type PartyJudicialOffer = { kind: 'apply' | 'follow' | 'ruling'; label: string } | null;

export function partySigningOffer(status: CaseStatus): PartySigningOffer {
  if (status === 'AGREED') return { kind: 'sign', label: '逐条确认并签署协议书' };
  if (status === 'SIGNED' || status === 'CONFIRMATION_REQUESTED' || status === 'CONFIRMED' || status === 'DISMISSED')
    return { kind: 'download', label: '查看并下载已签署的协议书' };
  return null;
}

export function partyJudicialOffer(status: CaseStatus): PartyJudicialOffer {
  if (status === 'SIGNED') return { kind: 'apply', label: '申请司法确认' };
  if (status === 'CONFIRMATION_REQUESTED') return { kind: 'follow', label: '查看司法确认申请进度' };
  if (status === 'CONFIRMED' || status === 'DISMISSED') return { kind: 'ruling', label: '查看法院裁定' };
  return null;
}

/** Said on the party's page while there is nothing to sign or apply for yet. */
export function partyWaitingNote(status: CaseStatus): string | null {
  if (status === 'ACCEPTED' || status === 'TRIAGED' || status === 'MEDIATING')
    return '调解员锁定协议书后，您可以在这里逐条确认并签署；签署后可以申请司法确认。';
  return null;
}

/**
 * The 30-day application window matters only until the parties have applied: once the court has
 * the application (or has ruled) the page shows where it stands instead of counting down.
 */
export function applicationWindowCounts(applicationStatus: string | null): boolean {
  return applicationStatus === null || applicationStatus === 'DRAFT';
}

/** The court's outcome as the party reads it, once it has ruled; null before. */
export function rulingOutcome(applicationStatus: string | null): string | null {
  if (applicationStatus === 'CONFIRMED') return '法院已裁定调解协议有效，申请期限不再计算。一方不履行的，对方可以向人民法院申请强制执行。';
  if (applicationStatus === 'DISMISSED')
    return '法院已裁定驳回申请，申请期限不再计算。当事人可以通过调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼。';
  return null;
}
