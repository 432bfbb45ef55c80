// The review screen for one application: the agreement PDF and its integrity (our verifier's
// result against the issued record), what the audit trail says per party (identity, consent to
// online mediation, attendance, per-clause acceptance, the signature and its affirmation),
// caucus time per side, the applicants' service details and materials, the review grounds with
// notes, and the actions: accept, start review, confirm or dismiss (with reasons).
import { useCallback, useEffect, useState } from 'react';
import { ApiError, judgeApi, type JudgeApplicationDetail } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { CourtBundlePanel } from './CourtBundlePanel.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { makeLabels } from '../labels.ts';
import { Loading } from '../components/Loading.tsx';
import { Link } from '../router.tsx';
import { downloadBlob } from '../signing/signing-shared.tsx';
import { useToast } from '../toast.tsx';
import { formatDate, formatDateTime, formatDuration, fromChinaInput } from '../format.ts';

const labels = makeLabels(null);

/** The rulings the desk makes; each is confirmed in a dialog first, for none can be taken back. */
type Ruling = 'confirm' | 'dismiss' | 'refuse' | 'withdraw';
const RULING_DONE: Record<Ruling, string> = {
  confirm: '已裁定确认调解协议有效',
  dismiss: '已裁定驳回申请',
  refuse: '已裁定不予受理',
  withdraw: '已裁定准许撤回',
};
const RULING_TITLE: Record<Ruling, string> = {
  confirm: '裁定确认调解协议有效？',
  dismiss: '裁定驳回申请？',
  refuse: '裁定不予受理？',
  withdraw: '裁定准许撤回？',
};
const RULING_OK: Record<Ruling, string> = {
  confirm: '确认并出具裁定书',
  dismiss: '驳回并出具裁定书',
  refuse: '不予受理并出具裁定书',
  withdraw: '准许撤回并出具裁定书',
};

export function JudgeReviewPage({ id }: { id: string }) {
  const notify = useToast();
  const [a, setA] = useState<JudgeApplicationDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checklist, setChecklist] = useState<Record<string, boolean>>({});
  const [notes, setNotes] = useState('');
  /** 不予受理 (解释 art. 355) and 驳回 (art. 358) grounds are different lists: one choice each. */
  const [refusalGround, setRefusalGround] = useState('');
  const [ground, setGround] = useState('');
  const [explanation, setExplanation] = useState('');
  const [materials, setMaterials] = useState('');
  const [record, setRecord] = useState('');
  /** When and where the questioning took place (the 询问笔录 states both): local date-time inputs. */
  const [minutesStart, setMinutesStart] = useState('');
  const [minutesEnd, setMinutesEnd] = useState('');
  const [minutesPlace, setMinutesPlace] = useState('在线视频询问');
  const [clerk, setClerk] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  /** A ruling awaiting the judge's confirmation (it cannot be taken back). */
  const [deciding, setDeciding] = useState<Ruling | null>(null);

  const load = useCallback(async () => {
    try {
      const d = await judgeApi.detail(id);
      setA(d);
      setChecklist(d.checklist);
      setNotes(d.notes);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '加载失败');
    }
  }, [id]);
  useEffect(() => void load(), [load]);

  const run = async (what: string, fn: () => Promise<unknown>, done: string) => {
    setBusy(what);
    setActionError(null);
    try {
      await fn();
      notify(done, 'success');
      await load();
      return true;
    } catch (err) {
      setActionError(err instanceof ApiError ? err.message : '操作失败，请重试');
      return false;
    } finally {
      setBusy(null);
    }
  };
  const decide = (ruling: Ruling) =>
    void run(
      ruling,
      async () => {
        if (ruling === 'refuse') return judgeApi.refuse(id, { ground: refusalGround, clerk: clerk.trim() });
        if (ruling === 'withdraw') return judgeApi.allowWithdrawal(id, clerk.trim());
        await judgeApi.saveReview(id, checklist, notes);
        await judgeApi.decide(
          id,
          ruling === 'confirm'
            ? { decision: ruling, clerk: clerk.trim() }
            : { decision: ruling, ground, ...(explanation.trim() ? { explanation: explanation.trim() } : {}), clerk: clerk.trim() },
        );
      },
      RULING_DONE[ruling],
    ).then((ok) => ok && setDeciding(null));

  if (error) return <ErrorBanner title="无法打开申请" message={error} onRetry={() => void load()} />;
  if (!a) return <Loading text="正在载入申请…" />;
  const integrity = a.integrity;
  const intact = !!integrity && integrity.valid && integrity.sealedByUs && integrity.matchesIssued;
  // 解释 art. 357: on a party's request, or when a request for materials lapsed unanswered (the server checks the same).
  const lapsed =
    a.clockStopped && a.documents.some((d) => d.kind === 'SUPPLEMENT_REQUEST' && !d.answeredAt && d.dueAt !== null && Date.parse(d.dueAt) < Date.now());
  const withdrawable = a.withdrawRequestedAt !== null || lapsed;
  const minutesTimes = questioningTimes(minutesStart, minutesEnd);

  return (
    <div className="judge-desk" data-testid="judge-review" data-status={a.status}>
      <Link to="/" className="back-link">
        ‹ 返回申请列表
      </Link>
      <section className="card">
        <h1 className="card__title">
          {a.title}（{a.statusLabel}）
        </h1>
        <p className="small muted">
          调解案号 {a.caseNumber}
          {a.courtCaseNumber ? ` · 本院案号 ${a.courtCaseNumber}` : ''} · 提交于 {formatDateTime(a.submittedAt)}
          {a.status === 'SUBMITTED' ? ` · 受理期限 ${formatDateTime(a.acceptBy)}` : ''}
          {a.reviewBy && (
            <span data-testid="judge-review-clock" data-stopped={a.clockStopped}>
              {` · 审查期限 ${formatDateTime(a.reviewBy)}${a.clockStopped ? '（补充材料期间，期限中止）' : ''}`}
            </span>
          )}
        </p>
        {a.appliedLate && <p className="chat__error">当事人在调解协议生效三十日后申请，是否受理由本院决定（民事诉讼法第八十六条）。</p>}
        {a.withdrawRequestedAt && <p className="chat__error">当事人已于 {formatDateTime(a.withdrawRequestedAt)} 申请撤回。</p>}
        {a.ground && (
          <p className="small" data-testid="judge-ground">
            理由：{a.ground.label}（解释{a.ground.article}）
          </p>
        )}
      </section>

      <section className="card" data-testid="integrity-panel" data-intact={intact}>
        <h2 className="card__title">协议书完整性</h2>
        {integrity ? (
          <ul>
            <li className={integrity.valid ? 'ok' : 'bad'}>{integrity.valid ? '✓ 数字签名有效，签署后未被修改' : `✗ ${integrity.problems.join('；')}`}</li>
            <li className={integrity.sealedByUs ? 'ok' : 'bad'}>
              {integrity.sealedByUs ? `✓ 由 ${integrity.signerName ?? ''} 签章（${formatDateTime(integrity.signingTime)}）` : '✗ 签章机构不是本调解组织'}
            </li>
            <li className={integrity.matchesIssued ? 'ok' : 'bad'}>{integrity.matchesIssued ? '✓ 与出具记录一致' : '✗ 与出具记录不一致'}</li>
            <li className="small muted">协议内容摘要 {integrity.contentSha256}</li>
          </ul>
        ) : (
          <p className="bad">协议书不存在</p>
        )}
        <button
          type="button"
          className="btn btn--outline btn--small"
          data-testid="open-agreement-pdf"
          onClick={() => void run('pdf', async () => downloadBlob(await judgeApi.agreementPdf(a.id), `调解协议书-${a.caseNumber}.pdf`), '已下载协议书')}
        >
          下载调解协议书（PDF）
        </button>
      </section>

      <CourtBundlePanel a={a} onImported={() => void load()} />

      <section className="card">
        <h2 className="card__title">当事人与审计记录</h2>
        <table>
          <thead>
            <tr>
              <th>当事人</th>
              <th>身份与同意</th>
              <th>协议确认与签署</th>
            </tr>
          </thead>
          <tbody>
            {a.parties.map((p) => (
              <tr key={p.id} data-testid="review-party">
                <td>
                  {p.name}
                  <div className="small muted">{labels.participantRole(p.role)}</div>
                </td>
                <td className="small">
                  身份核验 {formatDateTime(p.identityConfirmedAt)}
                  <br />
                  同意在线调解 {formatDateTime(p.consentToOnlineAt)}
                  <br />
                  {p.attended ? '参加了在线调解' : '未进入调解室'}
                </td>
                <td className="small">
                  逐条确认 {p.clausesAccepted}/{p.clauses}
                  {p.signature && (
                    <>
                      <br />
                      {p.signature.signerName}（{p.signature.signerRole}）{formatDateTime(p.signature.signedAt)}
                      <br />“{p.signature.affirmation}”
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="small" data-testid="review-session">
          {a.session.totalSec === null
            ? '未记录完整的在线调解过程'
            : `在线调解 ${formatDuration(a.session.totalSec)}，其中联合调解约 ${formatDuration(a.session.jointSec ?? 0)}`}
          ；背对背单独沟通：甲方 {formatDuration(a.session.caucusSecA)}，乙方 {formatDuration(a.session.caucusSecB)}
        </p>
        <p className="small">
          申请人 {a.applicants.length} 名 · 申请材料 {a.materials.length} 份
        </p>
        <ul className="small">
          {a.materials.map((m) => (
            <li key={m.id}>
              <a href={`/api/judge/applications/${encodeURIComponent(a.id)}/materials/${m.id}`} target="_blank" rel="noreferrer" data-testid="review-material">
                {a.parties.find((p) => p.id === m.participantId)?.name ?? ''} · {m.displayName}
              </a>{' '}
              ({Math.max(1, Math.round(m.bytes / 1024))} KB)
            </li>
          ))}
        </ul>
      </section>

      {a.status === 'REVIEWING' && (
        <section className="card">
          <h2 className="card__title">审查事项</h2>
          <div className="judge-desk__grounds">
            {a.grounds.map((g) => (
              <label key={g.key}>
                <input
                  type="checkbox"
                  checked={checklist[g.key] === true}
                  onChange={(e) => setChecklist((c) => ({ ...c, [g.key]: e.target.checked }))}
                  data-testid="review-ground"
                  data-ground={g.key}
                />{' '}
                {g.label}
              </label>
            ))}
          </div>
          <label className="field">
            <span className="field__label">审查意见</span>
            <textarea value={notes} onChange={(e) => setNotes(e.target.value)} rows={3} maxLength={5000} data-testid="review-notes" />
          </label>
          <button
            type="button"
            className="btn btn--outline btn--small"
            disabled={busy !== null}
            data-testid="review-save"
            onClick={() => void run('save', () => judgeApi.saveReview(a.id, checklist, notes), '已保存审查意见')}
          >
            保存审查意见
          </button>
        </section>
      )}

      <section className="card">
        {actionError && (
          <p className="chat__error" role="alert" data-testid="judge-error">
            {actionError}
          </p>
        )}
        {(a.status === 'SUBMITTED' || a.status === 'ACCEPTED' || a.status === 'REVIEWING') && (
          <label className="field">
            <span className="field__label">书记员</span>
            <input value={clerk} onChange={(e) => setClerk(e.target.value)} maxLength={20} data-testid="judge-clerk" />
          </label>
        )}
        {a.status === 'SUBMITTED' && (
          <>
            <button
              type="button"
              className="btn btn--primary"
              disabled={busy !== null}
              data-testid="judge-accept"
              onClick={() => void run('accept', () => judgeApi.accept(a.id), '已受理，受理通知书已发出')}
            >
              受理（发出受理通知书）
            </button>
            <label className="field">
              <span className="field__label">不予受理的理由（解释第三百五十五条）</span>
              <select value={refusalGround} onChange={(e) => setRefusalGround(e.target.value)} data-testid="judge-refusal-ground">
                <option value="">请选择</option>
                {a.refusalGrounds.map((g) => (
                  <option key={g.key} value={g.key}>
                    {g.label}（{g.article}）
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="btn btn--danger"
              disabled={busy !== null || !refusalGround || !clerk.trim()}
              data-testid="judge-refuse"
              onClick={() => setDeciding('refuse')}
            >
              裁定不予受理
            </button>
          </>
        )}
        {(a.status === 'ACCEPTED' || a.status === 'REVIEWING') && (
          <div className="judge-desk__procedure">
            <label className="field">
              <span className="field__label">需补充的材料（解释第三百五十四条、第三百五十六条）</span>
              <textarea value={materials} onChange={(e) => setMaterials(e.target.value)} rows={2} maxLength={1000} data-testid="judge-materials" />
            </label>
            <button
              type="button"
              className="btn btn--outline"
              disabled={busy !== null || !materials.trim() || a.clockStopped}
              data-testid="judge-request-materials"
              onClick={() =>
                void run('materials', () => judgeApi.requestMaterials(a.id, { materials: materials.trim(), dueDays: 7 }), '已要求补充材料（7日内）')
              }
            >
              要求限期补充材料（7日）
            </button>
            <fieldset className="field" data-testid="judge-questioning">
              <legend className="field__label">询问笔录（解释第三百五十六条）</legend>
              <label className="field">
                <span className="field__label">询问开始时间</span>
                <input
                  type="datetime-local"
                  value={minutesStart}
                  onChange={(e) => setMinutesStart(e.target.value)}
                  aria-invalid={minutesTimes.problem !== null && minutesStart !== ''}
                  data-testid="judge-minutes-start"
                />
              </label>
              <label className="field">
                <span className="field__label">询问结束时间（不填则为现在）</span>
                <input type="datetime-local" value={minutesEnd} onChange={(e) => setMinutesEnd(e.target.value)} data-testid="judge-minutes-end" />
              </label>
              <label className="field">
                <span className="field__label">询问地点</span>
                <input value={minutesPlace} onChange={(e) => setMinutesPlace(e.target.value)} maxLength={60} data-testid="judge-minutes-place" />
              </label>
              <label className="field">
                <span className="field__label">询问内容</span>
                <textarea value={record} onChange={(e) => setRecord(e.target.value)} rows={4} maxLength={20000} data-testid="judge-minutes" />
              </label>
              {minutesTimes.problem && (
                <p className="small muted" id="judge-minutes-reason" data-testid="judge-minutes-reason">
                  {minutesTimes.problem}
                </p>
              )}
              <button
                type="button"
                className="btn btn--outline"
                disabled={busy !== null || !record.trim() || !clerk.trim() || !minutesPlace.trim() || minutesTimes.problem !== null}
                aria-describedby={minutesTimes.problem ? 'judge-minutes-reason' : undefined}
                data-testid="judge-record-minutes"
                onClick={() =>
                  minutesTimes.problem === null &&
                  void run(
                    'minutes',
                    () =>
                      judgeApi.recordQuestioning(a.id, {
                        startedAt: minutesTimes.startedAt,
                        endedAt: minutesTimes.endedAt ?? new Date().toISOString(),
                        place: minutesPlace.trim(),
                        record: record.trim(),
                        clerk: clerk.trim(),
                      }),
                    '询问笔录已制作并送达',
                  )
                }
              >
                {busy === 'minutes' ? '正在制作…' : '制作询问笔录'}
              </button>
            </fieldset>
            <button
              type="button"
              className="btn btn--outline"
              disabled={busy !== null || !clerk.trim() || !withdrawable}
              aria-describedby={!withdrawable ? 'judge-withdraw-reason' : undefined}
              data-testid="judge-allow-withdrawal"
              onClick={() => setDeciding('withdraw')}
            >
              裁定准许撤回
            </button>
            {!withdrawable && (
              <p className="small muted" id="judge-withdraw-reason">
                当事人申请撤回，或逾期未补充材料的，才能裁定准许撤回（解释第三百五十七条）。
              </p>
            )}
          </div>
        )}
        {a.status === 'ACCEPTED' && (
          <button
            type="button"
            className="btn btn--primary"
            disabled={busy !== null}
            data-testid="judge-start-review"
            onClick={() => void run('review', () => judgeApi.startReview(a.id), '开始审查')}
          >
            开始审查
          </button>
        )}
        {(a.status === 'ACCEPTED' || a.status === 'REVIEWING') && (
          <p>
            <Link to={`/judge/applications/${encodeURIComponent(a.id)}/room`} className="btn btn--outline" data-testid="judge-video">
              发起视频询问
            </Link>{' '}
            <span className="small muted">当事人从各自的链接进入调解室，在等候区等待您准许。</span>
          </p>
        )}
        {a.status === 'REVIEWING' && (
          <>
            <label className="field">
              <span className="field__label">驳回理由（解释第三百五十八条；驳回时必选）</span>
              <select value={ground} onChange={(e) => setGround(e.target.value)} data-testid="judge-reason">
                <option value="">请选择</option>
                {a.dismissalGrounds.map((g) => (
                  <option key={g.key} value={g.key}>
                    {g.label}（{g.article}）
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field__label">具体说明</span>
              <input value={explanation} onChange={(e) => setExplanation(e.target.value)} maxLength={500} data-testid="judge-explanation" />
            </label>
            <div className="judge-desk__actions">
              <button
                type="button"
                className="btn btn--primary"
                disabled={busy !== null || !clerk.trim()}
                aria-describedby={!clerk.trim() ? 'judge-decide-reason' : undefined}
                data-testid="judge-confirm"
                onClick={() => setDeciding('confirm')}
              >
                裁定确认有效
              </button>
              <button
                type="button"
                className="btn btn--danger"
                disabled={busy !== null || !clerk.trim() || !ground}
                aria-describedby={!clerk.trim() || !ground ? 'judge-decide-reason' : undefined}
                data-testid="judge-dismiss"
                onClick={() => setDeciding('dismiss')}
              >
                裁定驳回
              </button>
            </div>
            {(!clerk.trim() || !ground) && (
              <p className="small muted" id="judge-decide-reason" data-testid="judge-decide-reason">
                {!clerk.trim() ? '请先填写书记员姓名，裁定书上须署书记员。' : '驳回须填写驳回理由；确认有效不需要。'}
              </p>
            )}
          </>
        )}
        <CourtDocumentService a={a} />
        {(a.status === 'CONFIRMED' || a.status === 'DISMISSED' || a.status === 'REFUSED' || a.status === 'WITHDRAWN') && (
          <div data-testid="judge-decided">
            <p>
              已于 {formatDateTime(a.decidedAt)} 作出裁定（{a.courtCaseNumber}）。
            </p>
            <button
              type="button"
              className="btn btn--primary"
              disabled={busy !== null}
              data-testid="judge-ruling-download"
              onClick={() =>
                void run('ruling', async () => downloadBlob(await judgeApi.rulingPdf(a.id), `民事裁定书-${a.courtCaseNumber ?? ''}.pdf`), '已下载民事裁定书')
              }
            >
              下载民事裁定书（PDF）
            </button>
          </div>
        )}
      </section>
      {deciding && (
        <ConfirmDialog
          title={RULING_TITLE[deciding]}
          confirmText={RULING_OK[deciding]}
          danger={deciding === 'dismiss' || deciding === 'refuse'}
          busy={busy === deciding}
          error={actionError}
          onCancel={() => setDeciding(null)}
          onConfirm={() => decide(deciding)}
        >
          <p>
            {deciding === 'confirm'
              ? '系统将出具民事裁定书（裁定调解协议有效）并加盖本院电子签名，送达双方当事人；案件变为「已确认」，一方不履行的，对方可以申请强制执行。'
              : deciding === 'dismiss'
                ? `系统将出具民事裁定书（驳回申请，理由：${a.dismissalGrounds.find((g) => g.key === ground)?.label ?? ''}）并加盖本院电子签名，送达同意电子送达的当事人；案件变为「已驳回」。`
                : deciding === 'refuse'
                  ? `系统将编立本院案号，出具民事裁定书（不予受理，理由：${a.refusalGrounds.find((g) => g.key === refusalGround)?.label ?? ''}）并加盖本院电子签名，送达同意电子送达的当事人；案件回到「已签署」。`
                  : '系统将出具民事裁定书（准许撤回司法确认申请）并加盖本院电子签名，送达同意电子送达的当事人；申请终结，案件回到「已签署」。'}
            裁定作出后不能撤回或修改。
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/**
 * 送达 of every document the court issued, per applicant: sent electronically (only with the
 * party's consent) and opened by whom and when — the receipt — or not served electronically at all.
 */
function CourtDocumentService({ a }: { a: JudgeApplicationDetail }) {
  if (a.documents.length === 0) return null;
  return (
    <table className="small" data-testid="court-documents">
      <thead>
        <tr>
          <th>文书</th>
          <th>送达情况</th>
        </tr>
      </thead>
      <tbody>
        {a.documents.map((d) => (
          <tr key={d.id} data-testid="court-document" data-kind={d.kind}>
            <td>
              <a href={`/api/judge/applications/${encodeURIComponent(a.id)}/court-documents/${d.id}`} target="_blank" rel="noreferrer">
                {d.title}
              </a>
              <div className="muted">{formatDateTime(d.issuedAt)}</div>
              {d.dueAt && (
                <div className={d.answeredAt ? 'ok' : 'muted'} data-testid="court-document-answer" data-answered={d.answeredAt !== null}>
                  {d.answeredAt ? `当事人已于 ${formatDateTime(d.answeredAt)} 告知材料已补充` : `限 ${formatDate(d.dueAt)} 前补充，尚未答复`}
                </div>
              )}
            </td>
            <td>
              {d.service.map((s) => (
                <div key={s.participantId} data-testid="service-row" data-opened={s.openedAt !== null} data-channel={s.channel}>
                  {s.name}：
                  {s.channel === 'none'
                    ? '未同意电子送达，须以其他方式送达'
                    : s.openedAt
                      ? `已送达：${formatDateTime(s.sentAt)} 发送，${s.openedBy ?? ''} 于 ${formatDateTime(s.openedAt)} 打开`
                      : `已发送（${formatDateTime(s.sentAt)}），尚未打开`}
                </div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** 送达: whether each applying party has received the ruling (its first download from its own link). */
export function RulingService({ service, compact }: { service: JudgeApplicationDetail['service']; compact?: boolean }) {
  const served = service.filter((s) => s.servedAt).length;
  if (compact)
    return (
      <span className="small" data-testid="ruling-service" data-served={served} data-total={service.length}>
        送达 {served}/{service.length}
      </span>
    );
  return (
    <ul className="small" data-testid="ruling-service" data-served={served} data-total={service.length}>
      {service.map((s) => (
        <li key={s.participantId}>
          {s.name}：{s.servedAt ? `已送达（${formatDateTime(s.servedAt)} 本人下载）` : '未送达（当事人尚未从个人链接下载）'}
        </li>
      ))}
    </ul>
  );
}

/**
 * The questioning's start and end from the desk's date-time inputs (China time, as the court
 * keeps it, whatever the judge's browser zone): the start is required and not in the future; an
 * empty end means now.
 */
function questioningTimes(start: string, end: string): { problem: null; startedAt: string; endedAt: string | null } | { problem: string } {
  const startedAt = fromChinaInput(start);
  if (!startedAt) return { problem: '请填写询问开始时间。' };
  const endedAt = end ? fromChinaInput(end) : null;
  if (end && !endedAt) return { problem: '询问结束时间不正确。' };
  const from = Date.parse(startedAt);
  if (from > Date.now()) return { problem: '询问开始时间不能晚于现在。' };
  if ((endedAt ? Date.parse(endedAt) : Date.now()) < from) return { problem: '询问结束时间不能早于开始时间。' };
  return { problem: null, startedAt, endedAt };
}
