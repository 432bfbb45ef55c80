// /intake/import — 批量导入 for the centre's dispatchers and unit heads: download the template,
// choose the unit and mediator the cases go to and whether invitation links are sent, upload the
// filled .xlsx (progress, then the server's checking), and read the answer: either the report of a
// refused file (each bad row and column; nothing was imported) or the matters and cases it became.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from '../../../signaling/intake-desk/import/columns.ts';
import { ApiError } from '../api.ts';
import { IMPORT_TEMPLATE_URL, intakeApi, type ImportOutcome, type ImportRejected, type ImportResult, type ImportTargets } from '../api/intake.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Field } from '../components/Field.tsx';
import { Loading } from '../components/Loading.tsx';
import { Link } from '../router.tsx';
import './import.css';

type Phase = { at: 'idle' } | { at: 'uploading'; percent: number } | { at: 'checking' };

const MAX_MB = Math.round(MAX_IMPORT_BYTES / 1024 / 1024);

/** What is wrong with the chosen file before it travels; null when it may be sent. */
function fileProblem(file: File | null): string | null {
  if (!file) return '请选择要导入的 .xlsx 文件';
  if (!/\.xlsx$/i.test(file.name)) return '请选择 Excel 文件（.xlsx）；.xls 或 .csv 请先在 Excel 中另存为 .xlsx';
  if (file.size === 0) return '所选文件是空的';
  if (file.size > MAX_IMPORT_BYTES) return `文件超过 ${MAX_MB} MB，请分成几个文件导入`;
  return null;
}

function RejectedReport({ rejected }: { rejected: ImportRejected }) {
  return (
    <div className="import-report" data-testid="import-rejected">
      <p className="import-report__lead" data-testid="import-rejected-message">
        {rejected.message}
      </p>
      <div className="table-wrap">
        <table className="table import-errors" data-testid="import-errors">
          <caption className="sr-only">导入文件的错误清单</caption>
          <thead>
            <tr>
              <th scope="col">行号</th>
              <th scope="col">列</th>
              <th scope="col">问题</th>
            </tr>
          </thead>
          <tbody>
            {rejected.errors.map((e, i) => (
              <tr key={`${e.row}-${e.field}-${i}`} data-testid="import-error" data-row={e.row}>
                <td data-label="行号">第 {e.row} 行</td>
                <td data-label="列">{e.field}</td>
                <td data-label="问题">{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function linksSentence(r: ImportResult): string {
  if (r.links === 0) return '未发送调解邀请链接（可在各案件中再发送）。';
  if (r.notSent === 0) return `已向双方当事人发送调解邀请链接 ${r.sent} 条。`;
  return `调解邀请链接 ${r.links} 条：已发送 ${r.sent} 条，${r.notSent} 条发送失败，请在对应案件中重新发送。`;
}

function ImportedReport({ result }: { result: ImportResult }) {
  return (
    <div className="import-report" data-testid="import-result">
      <p className="import-report__lead">
        已导入 <strong data-testid="import-count">{result.imported.length}</strong> 件纠纷，分流至{result.unit.name}，由调解员
        {result.mediator.displayName}办理。
      </p>
      <p data-testid="import-links">{linksSentence(result)}</p>
      <ol className="import-matters" data-testid="import-matters">
        {result.imported.map((m) => (
          <li key={m.matterId} data-testid="import-matter">
            <span className="import-matters__row">第 {m.row} 行</span>
            <Link to={`/matters/${m.matterId}`} data-testid="import-matter-link">
              {m.registrationNo}
            </Link>
            <span className="import-matters__case">案号 {m.caseNumber}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

export function ImportPage() {
  const [targets, setTargets] = useState<ImportTargets | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [unitId, setUnitId] = useState('');
  const [mediatorId, setMediatorId] = useState('');
  const [sendLinks, setSendLinks] = useState(true);
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>({ at: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const answerHeading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const t = await intakeApi.importTargets();
      setTargets(t);
      const unit = t.units.find((u) => u.code === t.defaultUnitCode && u.mediators.length > 0) ?? t.units.find((u) => u.mediators.length > 0);
      setUnitId(unit?.id ?? '');
      setMediatorId(unit?.mediators[0]?.id ?? '');
    } catch (e) {
      setLoadError(e instanceof ApiError ? e.message : '加载失败，请重试');
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  // The answer replaces what the screen reader was on: move focus to its heading.
  useEffect(() => {
    if (outcome) answerHeading.current?.focus();
  }, [outcome]);

  if (loadError) return <ErrorBanner title="无法加载导入页面" message={loadError} onRetry={() => void load()} />;
  if (!targets) return <Loading />;

  const usable = targets.units.filter((u) => u.mediators.length > 0);
  const unit = usable.find((u) => u.id === unitId);
  const busy = phase.at !== 'idle';

  const chooseUnit = (id: string) => {
    setUnitId(id);
    setMediatorId(usable.find((u) => u.id === id)?.mediators[0]?.id ?? '');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = fileProblem(file) ?? (unit && mediatorId ? null : '请选择承办单位和调解员');
    if (problem) {
      setError(problem);
      if (!file || fileProblem(file)) fileInput.current?.focus();
      return;
    }
    setError(null);
    setOutcome(null);
    setPhase({ at: 'uploading', percent: 0 });
    try {
      const answer = await intakeApi.uploadImport(
        file!,
        { unitId, mediatorId, sendLinks: sendLinks ? '1' : '0' },
        (fraction) => setPhase({ at: 'uploading', percent: Math.round(fraction * 100) }),
        () => setPhase({ at: 'checking' }),
      );
      setOutcome(answer);
      if ('imported' in answer) {
        // A new file for the next batch: the imported one must not be sent twice by mistake.
        setFile(null);
        if (fileInput.current) fileInput.current.value = '';
      }
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '上传失败，请重试');
    } finally {
      setPhase({ at: 'idle' });
    }
  };

  return (
    <div className="import-page" data-testid="import-page">
      <h1 className="page__title">批量导入纠纷</h1>
      <p className="muted">
        金融机构等单位成批移交的纠纷，按模板填好后一次导入：每行登记为一件纠纷，直接分流到所选单位，由所选调解员立案办理。任何一行有错误，整个文件都不会导入。
      </p>

      <section className="card" aria-labelledby="import-template-title">
        <h2 className="card__title" id="import-template-title">
          第一步：下载模板
        </h2>
        <p className="small muted">请勿修改表头和列的顺序；身份证号码、电话请以文本格式填写。每个文件最多 {MAX_IMPORT_ROWS} 行。</p>
        <a className="btn btn--outline" href={IMPORT_TEMPLATE_URL} download="批量导入模板.xlsx" data-testid="import-template">
          下载导入模板（.xlsx）
        </a>
      </section>

      <section className="card" aria-labelledby="import-upload-title">
        <h2 className="card__title" id="import-upload-title">
          第二步：选择承办单位并上传
        </h2>
        {usable.length === 0 ? (
          <p className="empty" data-testid="import-empty">
            {targets.units.length === 0 ? '没有可以导入的单位。' : '可导入的单位还没有调解员账号，请先请管理员为单位添加调解员。'}
          </p>
        ) : (
          <form className="form" onSubmit={submit} noValidate aria-busy={busy} data-testid="import-form">
            <Field label="承办单位" htmlFor="import-unit" required>
              <select id="import-unit" data-testid="import-unit" value={unitId} disabled={busy} onChange={(e) => chooseUnit(e.target.value)}>
                {usable.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="承办调解员" htmlFor="import-mediator" required>
              <select id="import-mediator" data-testid="import-mediator" value={mediatorId} disabled={busy} onChange={(e) => setMediatorId(e.target.value)}>
                {unit?.mediators.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.displayName}
                  </option>
                ))}
              </select>
            </Field>
            <label className="import-check">
              <input type="checkbox" data-testid="import-send-links" checked={sendLinks} disabled={busy} onChange={(e) => setSendLinks(e.target.checked)} />
              <span>导入后以短信向双方当事人发送调解邀请链接</span>
            </label>
            <Field label="导入文件" htmlFor="import-file" required hint={`Excel 文件（.xlsx），不超过 ${MAX_MB} MB`}>
              <input
                ref={fileInput}
                id="import-file"
                data-testid="import-file"
                type="file"
                accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                disabled={busy}
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  setError(null);
                }}
              />
            </Field>
            {error && <ErrorBanner message={error} />}
            <div role="status" aria-live="polite" className="import-progress" data-testid="import-progress">
              {phase.at === 'uploading' && (
                <>
                  <label htmlFor="import-progress-bar">正在上传 {phase.percent}%</label>
                  <progress id="import-progress-bar" max={100} value={phase.percent} />
                </>
              )}
              {phase.at === 'checking' && (
                <>
                  <span className="spinner" aria-hidden="true" />
                  <span>已上传，正在逐行校验并导入，行数多时需要一些时间，请勿关闭页面…</span>
                </>
              )}
            </div>
            <button type="submit" className="btn btn--primary btn--block" disabled={busy} data-testid="import-submit">
              {busy ? '正在导入…' : '上传并导入'}
            </button>
          </form>
        )}
      </section>

      <section className="card" aria-labelledby="import-answer-title" data-testid="import-answer">
        <h2 className="card__title" id="import-answer-title" ref={answerHeading} tabIndex={-1}>
          {outcome === null ? '导入结果' : 'rejected' in outcome ? '文件未导入' : '导入完成'}
        </h2>
        {outcome === null && <p className="empty-inline">还没有导入。上传文件后，这里显示导入的纠纷或文件中的错误。</p>}
        {outcome && 'rejected' in outcome && <RejectedReport rejected={outcome.rejected} />}
        {outcome && 'imported' in outcome && <ImportedReport result={outcome.imported} />}
      </section>
    </div>
  );
}
