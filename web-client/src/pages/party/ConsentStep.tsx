import { useState, type FormEvent } from 'react';
import { ApiError, type PartyApi, type PartySelf, type ProcedureApi, type ProcedureView } from '../../api.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { NoticeText } from './NoticeText.tsx';

interface Props {
  client: PartyApi;
  procedure: ProcedureApi;
  notice: ProcedureView['notice'];
  /** Consent was given before (the notice changed since, e.g. a new mediator): only the notice is acknowledged again. */
  consented: boolean;
  onDone(p: PartySelf | null): void;
}

/** Step 2: read the 权利义务告知书 and agree to online mediation — one explicit act, both recorded. */
export function ConsentStep({ client, procedure, notice, consented, onDone }: Props) {
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!checked) return setError('请先阅读告知书并勾选确认');
    setBusy(true);
    setError(null);
    try {
      await procedure.acknowledge(notice.sha256);
      onDone(consented ? null : await client.consent());
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '提交失败，请重试');
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="consent-title">
      <h2 className="card__title" id="consent-title">
        {consented ? '请重新阅读权利义务告知书' : '第二步：阅读告知书，同意在线调解'}
      </h2>
      <NoticeText notice={notice} />
      {!consented && (
        <div className="consent-text">
          <p>在线调解通过手机进行，您无需到调解室现场。具体方式如下：</p>
          <ul>
            <li>
              <strong>音视频调解：</strong>调解员将通过手机音视频与各方沟通，请在安静、私密的环境中参加。
            </li>
            <li>
              <strong>电子协议：</strong>达成一致后，调解协议以电子方式生成，由各方在手机上确认签署。
            </li>
            <li>
              <strong>自愿选择：</strong>您可随时要求改为线下调解或者终止调解，不影响您的任何权利。
            </li>
          </ul>
        </div>
      )}
      {error && <ErrorBanner message={error} />}
      <label className="check">
        <input
          type="checkbox"
          data-testid="consent-checkbox"
          checked={checked}
          onChange={(e) => {
            setChecked(e.target.checked);
            if (e.target.checked) setError(null);
          }}
        />
        <span>{consented ? '我已阅读并理解《权利义务告知书》' : '我已阅读并理解《权利义务告知书》和上述说明，自愿参加在线调解'}</span>
      </label>
      <button type="submit" className="btn btn--primary btn--block btn--large" data-testid="consent-submit" disabled={busy || !checked}>
        {busy ? '提交中…' : consented ? '确认已阅读' : '确认并同意在线调解'}
      </button>
    </form>
  );
}
