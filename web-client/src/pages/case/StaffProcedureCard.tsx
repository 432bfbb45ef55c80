// The procedure around the mediation as staff see it (#17): the mediator's 回避 declaration and the
// parties' objections, who has acknowledged the 权利义务告知书, the 调解笔录 (record lines, 背对背 lines
// marked with their side, lock for the parties' signatures, the sealed PDF) and, once mediation
// failed, the 调解终结告知书. The server decides what each viewer may read.
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, procedureApi, type MinutesView, type ProcedureView } from '../../api.ts';
import { may } from '../../../../signaling/access/grants.ts';
import type { CaseRole } from '../../../../signaling/access/grants.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { downloadBlob } from '../../signing/signing-shared.tsx';
import { formatDateTime } from '../../format.ts';

const KINDS = [
  ['ATTENDANCE', '到场'],
  ['STATEMENT', '陈述'],
  ['PROPOSAL', '方案'],
  ['NOTE', '记录'],
  ['OUTCOME', '调解结果'],
] as const;
const KIND_LABEL: Record<string, string> = Object.fromEntries(KINDS);
const SIDE_LABEL: Record<string, string> = { A: '甲方', B: '乙方' };
const OBJECTION_STATUS: Record<string, string> = { OPEN: '待处理', REPLACED: '已更换调解员', KEPT: '不予回避' };

interface Props {
  caseId: string;
  caseNumber: string;
  role: CaseRole | null;
  version: number;
  onChanged(): void;
}

export function StaffProcedureCard({ caseId, caseNumber, role, version, onChanged }: Props) {
  const api = useMemo(() => procedureApi(caseId), [caseId]);
  const [view, setView] = useState<ProcedureView | null>(null);
  const [minutes, setMinutes] = useState<MinutesView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<(typeof KINDS)[number][0]>('STATEMENT');
  const [side, setSide] = useState<'' | 'A' | 'B'>('');
  const [caucus, setCaucus] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setView(await api.view());
      setMinutes(may(role, 'minutes.read') ? await api.minutes() : null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '调解程序加载失败');
    }
  }, [api, role]);
  useEffect(() => void load(), [load, version]);

  const act = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
      await load();
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '操作失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  const record = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setError('请填写记录内容');
    if (caucus && !side) return setError('背对背沟通的记录须选择是哪一方');
    void act(async () => {
      await api.record({ kind, caucus, text: text.trim(), ...(side ? { side } : {}) });
      setText('');
    });
  };

  const download = (f: () => Promise<Blob>, name: string) => () => void act(async () => downloadBlob(await f(), name));

  if (!view) return error ? <ErrorBanner message={error} /> : null;
  const { recusal } = view;
  const record_ = minutes?.record ?? null;
  const editable = may(role, 'minutes.record') && record_ === null;

  return (
    <section className="card" aria-labelledby="procedure-title" data-testid="staff-procedure">
      <h2 className="card__title" id="procedure-title">
        调解程序与笔录
      </h2>
      {error && <ErrorBanner message={error} />}

      <h3 className="card__subtitle">回避</h3>
      <p data-testid="recusal-declaration">
        {recusal.declaration
          ? `${recusal.declaration.mediatorName}已于${formatDateTime(recusal.declaration.declaredAt)}声明与本案当事人无利害关系。`
          : '调解员尚未作出回避声明。'}
      </p>
      {!recusal.declaration && may(role, 'procedure.declare') && (
        <button type="button" className="btn btn--outline" data-testid="declare-recusal" disabled={busy} onClick={() => void act(api.declare)}>
          声明与本案当事人无利害关系
        </button>
      )}
      {recusal.objections.length > 0 && (
        <ul className="plain-list" data-testid="objections">
          {recusal.objections.map((o) => (
            <li key={o.id}>
              {o.participantName}于{formatDateTime(o.createdAt)}申请回避：{o.reason}（{OBJECTION_STATUS[o.status] ?? o.status}
              {o.resolution ? `：${o.resolution}` : ''}）
            </li>
          ))}
        </ul>
      )}

      <h3 className="card__subtitle">权利义务告知书</h3>
      <ul className="plain-list" data-testid="notice-acknowledgements">
        {view.acknowledgements.map((a) => (
          <li key={a.participantId}>
            {a.name}：{a.acknowledgedAt ? `已确认（${formatDateTime(a.acknowledgedAt)}）` : '未确认'}
          </li>
        ))}
      </ul>

      {minutes && (
        <>
          <h3 className="card__subtitle">调解笔录</h3>
          <ol className="plain-list" data-testid="minutes-entries">
            {minutes.entries.map((e) => (
              <li key={e.id} data-caucus={e.caucus}>
                {formatDateTime(e.at)}【{e.side ? SIDE_LABEL[e.side] : ''}
                {KIND_LABEL[e.kind]}】{e.caucus ? (e.shared ? '（背对背，已同意公开）' : '（背对背，仅该方和调解员可见）') : ''}
                {e.text}
              </li>
            ))}
          </ol>
          {editable && (
            <form className="form" onSubmit={record} noValidate>
              <div className="form__row">
                <select aria-label="记录类型" data-testid="minutes-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
                  {KINDS.map(([k, l]) => (
                    <option key={k} value={k}>
                      {l}
                    </option>
                  ))}
                </select>
                <select aria-label="所属方" data-testid="minutes-side" value={side} onChange={(e) => setSide(e.target.value as typeof side)}>
                  <option value="">共同</option>
                  <option value="A">甲方</option>
                  <option value="B">乙方</option>
                </select>
              </div>
              <label className="check">
                <input type="checkbox" data-testid="minutes-caucus" checked={caucus} onChange={(e) => setCaucus(e.target.checked)} />
                <span>背对背沟通（仅该方和调解员可见）</span>
              </label>
              <textarea aria-label="记录内容" data-testid="minutes-text" rows={3} maxLength={5000} value={text} onChange={(e) => setText(e.target.value)} />
              <button type="submit" className="btn btn--primary" data-testid="minutes-add" disabled={busy}>
                记入笔录
              </button>
            </form>
          )}
          {record_ === null && may(role, 'minutes.manage') && minutes.entries.length > 0 && (
            <button type="button" className="btn btn--outline" data-testid="minutes-lock" disabled={busy} onClick={() => void act(api.lock)}>
              锁定笔录，请当事人核对签名
            </button>
          )}
          {record_ && (
            <p data-testid="minutes-record" data-status={record_.status}>
              {record_.status === 'OPEN' ? '笔录已锁定，等待当事人核对签名：' : '笔录已签名归档：'}
              {record_.signers.map((s) => `${s.name}${s.signed ? '✓' : '（未签）'}`).join('、')}
            </p>
          )}
          {record_?.status === 'COMPLETED' && (
            <button type="button" className="btn btn--outline" data-testid="minutes-pdf" onClick={download(api.minutesPdf, `调解笔录-${caseNumber}.pdf`)}>
              下载调解笔录
            </button>
          )}
        </>
      )}

      {view.caseStatus === 'FAILED' && (
        <button
          type="button"
          className="btn btn--outline"
          data-testid="termination-notice"
          onClick={download(api.terminationNotice, `调解终结告知书-${caseNumber}.pdf`)}
        >
          下载调解终结告知书
        </button>
      )}
    </section>
  );
}
