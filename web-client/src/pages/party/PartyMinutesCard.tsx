// The 调解笔录 on the party's page: its own side's 背对背 lines (shared only when it agrees), the
// locked minutes to review and sign (name + ID digits, a one-time code to the party's phone, a drawn
// signature, the affirmation — the agreement's ceremony), and the
// sealed minutes to download once every party signed.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, type MinutesView, type ProcedureApi } from '../../api.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { SignaturePad, type SignaturePadHandle } from '../../signing/SignaturePad.tsx';
import { ConsentPrompt } from './ConsentPrompt.tsx';
import { downloadBlob } from '../../signing/signing-shared.tsx';
import { isSmsCode, SmsCodeField } from '../../signing/SmsCodeField.tsx';

const AFFIRMATION = '本人已核对调解笔录，记录属实';

export function PartyMinutesCard({ procedure, caseNumber, side, token }: { procedure: ProcedureApi; caseNumber: string; side: string; token: string }) {
  const [minutes, setMinutes] = useState<MinutesView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [name, setName] = useState('');
  const [idLast4, setIdLast4] = useState('');
  const [code, setCode] = useState('');
  const [affirmation, setAffirmation] = useState('');
  const pad = useRef<SignaturePadHandle>(null);

  const load = useCallback(async () => {
    try {
      setMinutes(await procedure.minutes());
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '调解笔录加载失败');
    }
  }, [procedure]);
  useEffect(() => void load(), [load]);

  const act = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '操作失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  if (!minutes || (minutes.entries.length === 0 && !minutes.record)) return null;
  const record = minutes.record;
  const unshared = minutes.entries.filter((e) => e.caucus && !e.shared && e.side === side).length;

  const sign = (e: FormEvent) => {
    e.preventDefault();
    const png = pad.current?.toPngBase64();
    if (!isSmsCode(code)) return setError('请先获取并填写 6 位短信验证码');
    if (!record || !png) return setError('请在签名区域手写签名');
    if (affirmation.trim() !== AFFIRMATION) return setError(`请照原文输入：${AFFIRMATION}`);
    void act(() =>
      procedure.sign({
        contentSha256: record.contentSha256,
        name: name.trim(),
        idLast4: idLast4.trim(),
        code: code.trim(),
        signaturePngBase64: png,
        affirmation: affirmation.trim(),
      }),
    );
  };

  return (
    <section className="card" aria-labelledby="minutes-title" data-testid="party-minutes">
      <h2 className="card__title" id="minutes-title">
        调解笔录
      </h2>
      {error && <ErrorBanner message={error} />}
      {!record && unshared > 0 && (
        <>
          <p className="muted">调解员记录了与您单独沟通（背对背）的内容 {unshared} 条，仅您和调解员可见。您同意后，这些内容将载入双方可见的笔录。</p>
          <button type="button" className="btn btn--outline btn--block" data-testid="minutes-share" disabled={busy} onClick={() => void act(procedure.share)}>
            同意公开本方的背对背记录
          </button>
        </>
      )}
      {record && (
        <ol className="plain-list" data-testid="minutes-review">
          {record.snapshot.lines.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ol>
      )}
      {record?.mayISign && (
        <form className="form" onSubmit={sign} noValidate>
          <ConsentPrompt token={token} purpose="SIGNATURE" />
          <label className="field">
            <span className="field__label">姓名</span>
            <input data-testid="minutes-name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
          </label>
          <label className="field">
            <span className="field__label">身份证号后四位</span>
            <input data-testid="minutes-id4" value={idLast4} onChange={(e) => setIdLast4(e.target.value)} maxLength={4} inputMode="text" />
          </label>
          <SmsCodeField value={code} onChange={setCode} send={procedure.sendCode} disabled={busy} testIdPrefix="minutes" />
          <SignaturePad ref={pad} label="手写签名区域" testId="minutes-signature" />
          <label className="field">
            <span className="field__label">请输入：{AFFIRMATION}</span>
            <input data-testid="minutes-affirmation" value={affirmation} onChange={(e) => setAffirmation(e.target.value)} />
          </label>
          <button type="submit" className="btn btn--primary btn--block" data-testid="minutes-sign" disabled={busy}>
            核对无误，签名
          </button>
        </form>
      )}
      {record?.status === 'OPEN' && !record.mayISign && <p className="muted">已签名，等待其他当事人核对签名。</p>}
      {record?.status === 'COMPLETED' && (
        <button
          type="button"
          className="btn btn--outline btn--block"
          data-testid="minutes-pdf"
          onClick={() => void act(async () => downloadBlob(await procedure.minutesPdf(), `调解笔录-${caseNumber}.pdf`))}
        >
          下载调解笔录
        </button>
      )}
    </section>
  );
}
