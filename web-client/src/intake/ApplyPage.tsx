// /apply — 申请调解, for the person themselves, on a phone, reached from the centre's QR poster.
// Three screens: 您是谁 (the privacy notice and consent come first, before any field; then the
// phone, verified by a one-time code, and the name), 对方是谁, 发生了什么 (+ photos). Nothing is
// kept by the server until the last screen is submitted; then the page shows the registration
// number and the personal link to follow the matter (also sent by SMS).
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import './intake.css';
import { ApiError } from '../api.ts';
import { intakePublicApi, type ApplyBody, type ApplyForm, type ApplyResult } from '../api/intake-public.ts';
import { Field } from '../components/Field.tsx';
import { Loading } from '../components/Loading.tsx';
import { navigate } from '../router.tsx';
import { photoForUpload } from './photo-files.ts';

const SCREENS = ['您是谁', '对方是谁', '发生了什么'];

function Steps({ screen }: { screen: number }) {
  return (
    <ol className="steps" aria-label="申请步骤">
      {SCREENS.map((label, i) => {
        const state = i < screen ? 'done' : i === screen ? 'current' : 'todo';
        return (
          <li key={label} className={`steps__item steps__item--${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="steps__num">{i < screen ? '✓' : i + 1}</span>
            <span className="steps__label">{label}</span>
          </li>
        );
      })}
    </ol>
  );
}

function Problem({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <p className="chat__error" role="alert" data-testid="apply-error" data-code={error.code}>
      {error.message}
    </p>
  );
}

const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', '操作失败，请稍后重试'));

export function ApplyPage() {
  const [form, setForm] = useState<ApplyForm | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [screen, setScreen] = useState(0);
  const [consent, setConsent] = useState(false);
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [codeSent, setCodeSent] = useState<string | null>(null);
  const [ticket, setTicket] = useState<string | null>(null);
  const [applicant, setApplicant] = useState({ name: '', idNumber: '', address: '' });
  const [respondent, setRespondent] = useState<ApplyBody['respondent']>({ kind: 'PERSON', name: '', phone: '', address: '' });
  const [disputeType, setDisputeType] = useState<ApplyBody['disputeType'] | ''>('');
  const [summary, setSummary] = useState('');
  const [place, setPlace] = useState('');
  const [areaCode, setAreaCode] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<ApplyResult | null>(null);

  useEffect(() => {
    document.title = '申请调解';
    intakePublicApi.form().then(setForm, (e: unknown) => setLoadError(asApiError(e)));
  }, []);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  if (loadError)
    return (
      <PublicFrame title="申请调解">
        <Problem error={loadError} />
      </PublicFrame>
    );
  if (!form) return <Loading text="正在打开申请页面…" />;

  if (done) {
    return (
      <PublicFrame title="申请调解" centre={form.centreName}>
        <section className="card done" data-testid="apply-done" role="status">
          <div className="done__icon" aria-hidden="true">
            ✓
          </div>
          <h2 className="card__title">申请已提交，中心已登记</h2>
          <p>
            登记号：<strong data-testid="apply-registration-no">{done.registrationNo}</strong>
          </p>
          <p className="muted">
            中心工作人员会尽快联系您。办理的每一步都会短信告诉您；也可以随时打开下面的链接查看进度（链接已发送到您的手机，请勿转发他人）。
          </p>
          <button type="button" className="btn btn--primary btn--block" data-testid="apply-follow" onClick={() => navigate(done.followPath)}>
            查看办理进度
          </button>
        </section>
      </PublicFrame>
    );
  }

  const sendCode = () =>
    run(async () => {
      const sent = await intakePublicApi.sendCode(phone);
      setCodeSent(sent.phone);
    });
  const verify = () =>
    run(async () => {
      setTicket((await intakePublicApi.verify(phone, code)).ticket);
    });

  const next = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setScreen((s) => s + 1);
    window.scrollTo(0, 0);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ticket || !disputeType) return;
    void run(async () => {
      const uploads = await Promise.all(photos.map((f) => photoForUpload(f, form.photoLimits.maxBytes)));
      setDone(
        await intakePublicApi.apply({
          noticeVersion: form.notice.version,
          consent,
          ticket,
          applicant: { name: applicant.name, phone, idNumber: applicant.idNumber, address: applicant.address },
          respondent,
          disputeType,
          summary,
          place,
          ...(areaCode ? { areaCode } : {}),
          photos: uploads,
        }),
      );
    });
  };

  return (
    <PublicFrame title="申请调解" centre={form.centreName}>
      <Steps screen={screen} />
      {screen === 0 && (
        <form className="card" data-testid="apply-screen-1" onSubmit={next}>
          <h2 className="card__title">{form.notice.title}</h2>
          <div className="consent-text small" data-testid="apply-notice">
            <p className="muted">依据{form.notice.law}，在您填写任何信息之前告知如下：</p>
            {form.notice.paragraphs.map((p) => (
              <p key={p}>{p}</p>
            ))}
          </div>
          <label className="check">
            <input type="checkbox" data-testid="apply-consent" checked={consent} disabled={ticket !== null} onChange={(e) => setConsent(e.target.checked)} />
            <span>我已阅读并同意以上告知</span>
          </label>
          {consent && (
            <>
              <Field label="手机号" htmlFor="apply-phone" required hint="用于验证身份和接收办理进度短信">
                <input
                  id="apply-phone"
                  inputMode="numeric"
                  autoComplete="tel"
                  maxLength={13}
                  data-testid="apply-phone"
                  value={phone}
                  disabled={ticket !== null}
                  onChange={(e) => setPhone(e.target.value)}
                />
              </Field>
              {!ticket && (
                <button
                  type="button"
                  className="btn btn--outline btn--block"
                  data-testid="apply-send-code"
                  disabled={busy || phone.length < 11}
                  onClick={() => void sendCode()}
                >
                  {codeSent ? '重新获取验证码' : '获取验证码'}
                </button>
              )}
              {codeSent && !ticket && (
                <>
                  <p className="small muted" data-testid="apply-code-sent">
                    验证码已发送至 {codeSent}，5 分钟内有效
                  </p>
                  <Field label="验证码" htmlFor="apply-code" required>
                    <input
                      id="apply-code"
                      className="input--code"
                      inputMode="numeric"
                      autoComplete="one-time-code"
                      maxLength={6}
                      data-testid="apply-code"
                      value={code}
                      onChange={(e) => setCode(e.target.value)}
                    />
                  </Field>
                  <button
                    type="button"
                    className="btn btn--primary btn--block"
                    data-testid="apply-verify"
                    disabled={busy || code.length !== 6}
                    onClick={() => void verify()}
                  >
                    验证手机号
                  </button>
                </>
              )}
              {ticket && (
                <>
                  <p className="small" data-testid="apply-phone-verified">
                    ✓ 手机号已验证
                  </p>
                  <Field label="您的姓名" htmlFor="apply-name" required>
                    <input
                      id="apply-name"
                      autoComplete="name"
                      maxLength={50}
                      data-testid="apply-name"
                      value={applicant.name}
                      onChange={(e) => setApplicant({ ...applicant, name: e.target.value })}
                    />
                  </Field>
                  <Field label="身份证号" htmlFor="apply-id" hint="选填；到窗口办理时也可以再提供">
                    <input
                      id="apply-id"
                      maxLength={18}
                      data-testid="apply-id"
                      value={applicant.idNumber}
                      onChange={(e) => setApplicant({ ...applicant, idNumber: e.target.value })}
                    />
                  </Field>
                  <Field label="您的住址" htmlFor="apply-address" hint="选填">
                    <input
                      id="apply-address"
                      maxLength={200}
                      data-testid="apply-address"
                      value={applicant.address}
                      onChange={(e) => setApplicant({ ...applicant, address: e.target.value })}
                    />
                  </Field>
                </>
              )}
            </>
          )}
          <Problem error={error} />
          <button
            type="submit"
            className="btn btn--primary btn--large btn--block"
            data-testid="apply-next"
            disabled={!ticket || applicant.name.trim().length < 2}
          >
            下一步：对方是谁
          </button>
        </form>
      )}
      {screen === 1 && (
        <form className="card" data-testid="apply-screen-2" onSubmit={next}>
          <h2 className="card__title">对方是谁</h2>
          <div className="field">
            <span className="field__label">对方是</span>
            <div className="apply-kinds" role="radiogroup">
              {(['PERSON', 'ORGANISATION'] as const).map((k) => (
                <label key={k} className="check">
                  <input
                    type="radio"
                    name="respondent-kind"
                    data-testid={`apply-respondent-kind-${k}`}
                    checked={respondent.kind === k}
                    onChange={() => setRespondent({ ...respondent, kind: k })}
                  />
                  <span>{k === 'PERSON' ? '个人' : '单位（公司、物业等）'}</span>
                </label>
              ))}
            </div>
          </div>
          <Field label={respondent.kind === 'PERSON' ? '对方姓名' : '单位名称'} htmlFor="apply-respondent-name" required hint="不知道全名可以写称呼，如“王某”">
            <input
              id="apply-respondent-name"
              maxLength={100}
              data-testid="apply-respondent-name"
              value={respondent.name}
              onChange={(e) => setRespondent({ ...respondent, name: e.target.value })}
            />
          </Field>
          <Field label="对方手机号" htmlFor="apply-respondent-phone" hint="选填">
            <input
              id="apply-respondent-phone"
              inputMode="numeric"
              maxLength={13}
              data-testid="apply-respondent-phone"
              value={respondent.phone ?? ''}
              onChange={(e) => setRespondent({ ...respondent, phone: e.target.value })}
            />
          </Field>
          <Field label="对方住址或地址" htmlFor="apply-respondent-address" hint="选填">
            <input
              id="apply-respondent-address"
              maxLength={200}
              data-testid="apply-respondent-address"
              value={respondent.address ?? ''}
              onChange={(e) => setRespondent({ ...respondent, address: e.target.value })}
            />
          </Field>
          <div className="apply-actions">
            <button type="button" className="btn btn--outline" data-testid="apply-back" onClick={() => setScreen(0)}>
              上一步
            </button>
            <button type="submit" className="btn btn--primary btn--large" data-testid="apply-next" disabled={respondent.name.trim().length < 2}>
              下一步：发生了什么
            </button>
          </div>
        </form>
      )}
      {screen === 2 && (
        <form className="card" data-testid="apply-screen-3" onSubmit={submit}>
          <h2 className="card__title">发生了什么</h2>
          <Field label="纠纷类型" htmlFor="apply-type" required>
            <select id="apply-type" data-testid="apply-type" value={disputeType} onChange={(e) => setDisputeType(e.target.value as ApplyBody['disputeType'])}>
              <option value="">请选择</option>
              {form.disputeTypes.map((t) => (
                <option key={t.key} value={t.key}>
                  {t.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="发生了什么" htmlFor="apply-summary" required hint="经过、现在的情况、您希望怎样解决（至少 10 个字）">
            <textarea id="apply-summary" rows={5} maxLength={2000} data-testid="apply-summary" value={summary} onChange={(e) => setSummary(e.target.value)} />
          </Field>
          <Field label="发生地点" htmlFor="apply-place" hint="选填">
            <input id="apply-place" maxLength={200} data-testid="apply-place" value={place} onChange={(e) => setPlace(e.target.value)} />
          </Field>
          {form.towns.length > 0 && (
            <Field label="所在街道/乡镇" htmlFor="apply-area" hint="选填，便于就近安排调解">
              <select id="apply-area" data-testid="apply-area" value={areaCode} onChange={(e) => setAreaCode(e.target.value)}>
                <option value="">不清楚或不选</option>
                {form.towns.map((t) => (
                  <option key={t.code} value={t.code}>
                    {t.name}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label="照片" htmlFor="apply-photos" hint={`选填，最多 ${form.photoLimits.maxCount} 张（JPG、PNG 或 WebP）`}>
            <input
              id="apply-photos"
              type="file"
              accept="image/jpeg,image/png,image/webp"
              multiple
              data-testid="apply-photos"
              onChange={(e) => setPhotos([...(e.target.files ?? [])].slice(0, form.photoLimits.maxCount))}
            />
          </Field>
          {photos.length > 0 && (
            <p className="small muted" data-testid="apply-photo-count">
              已选 {photos.length} 张照片
            </p>
          )}
          <Problem error={error} />
          <div className="apply-actions">
            <button type="button" className="btn btn--outline" onClick={() => setScreen(1)}>
              上一步
            </button>
            <button
              type="submit"
              className="btn btn--primary btn--large"
              data-testid="apply-submit"
              disabled={busy || !disputeType || summary.trim().length < 10}
            >
              {busy ? '正在提交…' : '提交申请'}
            </button>
          </div>
        </form>
      )}
    </PublicFrame>
  );
}

export function PublicFrame({ title, centre, children }: { title: string; centre?: string; children: ReactNode }) {
  return (
    <div className="party">
      <header className="party__bar">
        <strong>{centre ?? '综治中心'}</strong>
        <span>{title}</span>
      </header>
      <main className="page page--narrow">{children}</main>
    </div>
  );
}
