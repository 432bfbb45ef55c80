// /j/:token/sign — a party (or an authorised agent) reads the locked agreement on the phone,
// accepts it clause by clause, then signs: name + last four ID digits, a one-time code sent to
// their phone, a signature drawn with the finger, and the typed affirmation. Afterwards: who has
// signed, and the issued PDF to download once everyone (and the mediator) has signed.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, partyApi, signingApi, type ConsentPurpose, type SigningRound } from '../api.ts';
import { ConsentPrompt, consentPurposeOf } from '../pages/party/ConsentPrompt.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Loading } from '../components/Loading.tsx';
import { PartySubpage } from '../components/PartySubpage.tsx';
import { useToast } from '../toast.tsx';
import { SignaturePad, type SignaturePadHandle } from './SignaturePad.tsx';
import { isSmsCode, SmsCodeField } from './SmsCodeField.tsx';
import { downloadBlob, RoundStatus } from './signing-shared.tsx';

const POLL_MS = 5000;

export function PartySigningPage({ token }: { token: string }) {
  const [caseId, setCaseId] = useState<string | null>(null);
  const [round, setRound] = useState<SigningRound | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [actFor, setActFor] = useState<string | null>(null);

  const load = useCallback(
    async (id: string) => {
      try {
        setRound(await signingApi(id, token).view());
        setError(null);
      } catch (err) {
        setError(err instanceof ApiError ? err.message : '加载失败，请检查网络后重试');
      }
    },
    [token],
  );

  useEffect(() => {
    partyApi(token)
      .me()
      .then((v) => {
        setCaseId(v.case.id);
        return load(v.case.id);
      })
      .catch((err: unknown) => setError(err instanceof ApiError ? err.message : '链接无法打开'));
  }, [token, load]);

  // Others sign meanwhile: keep the progress current while the round is open.
  useEffect(() => {
    if (!caseId || round?.status !== 'OPEN') return;
    const t = window.setInterval(() => void load(caseId), POLL_MS);
    return () => window.clearInterval(t);
  }, [caseId, round?.status, load]);

  useEffect(() => {
    if (round && (!actFor || !round.mayActFor.includes(actFor))) setActFor(round.mayActFor[0] ?? null);
  }, [round, actFor]);

  let body;
  if (error && round === undefined) body = <ErrorBanner title="无法打开签署页面" message={error} onRetry={() => caseId && void load(caseId)} />;
  else if (round === undefined || !caseId) body = <Loading text="正在载入协议…" />;
  else if (round === null) {
    body = (
      <section className="card" data-testid="signing-not-locked" role="status">
        <h2 className="card__title">协议尚未提交签署</h2>
        <p className="muted">调解员确定协议内容并锁定后，您可以在这里逐条确认并签署。请稍后刷新或等待调解员通知。</p>
        <button type="button" className="btn btn--outline btn--block" onClick={() => void load(caseId)}>
          刷新
        </button>
      </section>
    );
  } else {
    const party = round.parties.find((p) => p.id === actFor) ?? null;
    body = (
      <>
        <RoundStatus round={round} audience="party" />
        {round.mayActFor.length > 1 && (
          <label className="field">
            <span className="field__label">为哪一位当事人确认和签署</span>
            <select value={actFor ?? ''} onChange={(e) => setActFor(e.target.value)} data-testid="signing-for">
              {round.mayActFor.map((id) => (
                <option key={id} value={id}>
                  {round.parties.find((p) => p.id === id)?.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {round.status === 'COMPLETED' ? (
          <DownloadCard caseId={caseId} token={token} />
        ) : round.mayActFor.length === 0 ? (
          <p className="card muted" data-testid="signing-view-only">
            您可以阅读协议，但无需（也无权）签署。
          </p>
        ) : party && !party.signed ? (
          <>
            <ClauseList round={round} caseId={caseId} token={token} partyId={party.id} onChanged={() => load(caseId)} />
            {party.accepted.length === round.clauses.length && (
              <SignForm round={round} caseId={caseId} token={token} partyId={party.id} onSigned={() => load(caseId)} />
            )}
          </>
        ) : (
          <section className="card done" role="status" data-testid="signing-signed">
            <div className="done__icon" aria-hidden="true">
              ✓
            </div>
            <h2 className="card__title">已签署</h2>
            <p className="muted">其他当事人和调解员签署后，协议书即可下载。</p>
          </section>
        )}
      </>
    );
  }

  return (
    <PartySubpage token={token} title="签署调解协议书" className="signing" testId="party-signing">
      {error && round !== undefined && (
        <p className="chat__error" role="alert">
          {error}
        </p>
      )}
      {body}
    </PartySubpage>
  );
}

function ClauseList({
  round,
  caseId,
  token,
  partyId,
  onChanged,
}: {
  round: SigningRound;
  caseId: string;
  token: string;
  partyId: string;
  onChanged(): Promise<void>;
}) {
  const notify = useToast();
  const [busy, setBusy] = useState<string | null>(null);
  const party = round.parties.find((p) => p.id === partyId)!;
  const onBehalfOf = partyId; // themselves, or the party an agent acts for
  const accept = async (clauseId: string, sha256: string) => {
    setBusy(clauseId);
    try {
      await signingApi(caseId, token).accept(clauseId, sha256, onBehalfOf);
      await onChanged();
    } catch (err) {
      notify(err instanceof ApiError ? err.message : '确认失败，请重试', 'error');
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="card" aria-labelledby="clauses-title">
      <h2 className="card__title" id="clauses-title">
        请逐条阅读并确认（{party.accepted.length} / {round.clauses.length}）
      </h2>
      <details className="signing__document">
        <summary>当事人、纠纷事实与履行方式（点击展开）</summary>
        {round.document.map((line, i) => (
          <p key={i} className="prewrap">
            {line}
          </p>
        ))}
      </details>
      <ol className="signing__clauses">
        {round.clauses.map((c) => {
          const accepted = party.accepted.includes(c.id);
          const objected = party.objected.includes(c.id);
          return (
            <li
              key={c.id}
              className={`signing__clause${accepted ? ' is-accepted' : ''}`}
              data-testid="signing-clause"
              data-clause-id={c.id}
              data-accepted={accepted}
              data-objected={objected}
            >
              <p className="prewrap">
                <strong>第{c.number}条</strong> {c.text}
              </p>
              {objected && (
                <p className="small signing__objected" data-testid="clause-objected" role="status">
                  您已对本条提出异议，调解员会看到并与您沟通。
                </p>
              )}
              {accepted ? (
                <span className="signing__ok">✓ 已同意</span>
              ) : (
                <div className="signing__clause-actions">
                  <button
                    type="button"
                    className="btn btn--primary btn--small"
                    disabled={busy !== null}
                    onClick={() => void accept(c.id, c.sha256)}
                    data-testid="clause-accept"
                  >
                    {busy === c.id ? '正在确认…' : '同意本条'}
                  </button>
                  <ObjectionForm caseId={caseId} token={token} onBehalfOf={onBehalfOf} clauseId={c.id} clauseSha256={c.sha256} onSent={onChanged} />
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** 提出异议: instead of agreeing, a comment on the clause that the mediator sees in the agreement editor. */
function ObjectionForm({
  caseId,
  token,
  onBehalfOf,
  clauseId,
  clauseSha256,
  onSent,
}: {
  caseId: string;
  token: string;
  onBehalfOf: string;
  clauseId: string;
  clauseSha256: string;
  onSent(): Promise<void>;
}) {
  const notify = useToast();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const inputId = `objection-${clauseId}`;
  if (!open)
    return (
      <button type="button" className="btn btn--outline btn--small" onClick={() => setOpen(true)} data-testid="clause-object">
        提出异议
      </button>
    );
  const send = async () => {
    setBusy(true);
    try {
      await signingApi(caseId, token).object(clauseId, clauseSha256, text, onBehalfOf);
      notify('异议已发送给调解员', 'success');
      setOpen(false);
      setText('');
      await onSent();
    } catch (err) {
      notify(err instanceof ApiError ? err.message : '发送失败，请重试', 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="signing__objection">
      <label className="field__label" htmlFor={inputId}>
        您对本条有什么意见？调解员会看到
      </label>
      <textarea id={inputId} rows={3} maxLength={1000} value={text} onChange={(e) => setText(e.target.value)} data-testid="objection-text" />
      <div className="signing__clause-actions">
        <button type="button" className="btn btn--ghost btn--small" onClick={() => setOpen(false)} disabled={busy}>
          取消
        </button>
        <button type="button" className="btn btn--primary btn--small" onClick={() => void send()} disabled={busy || !text.trim()} data-testid="objection-send">
          {busy ? '正在发送…' : '发送异议'}
        </button>
      </div>
    </div>
  );
}

function SignForm({
  round,
  caseId,
  token,
  partyId,
  onSigned,
}: {
  round: SigningRound;
  caseId: string;
  token: string;
  partyId: string;
  onSigned(): Promise<void>;
}) {
  const pad = useRef<SignaturePadHandle>(null);
  const [name, setName] = useState('');
  const [idLast4, setIdLast4] = useState('');
  const [code, setCode] = useState('');
  const [affirmation, setAffirmation] = useState('');
  const [codeSent, setCodeSent] = useState(false);
  const [hasInk, setHasInk] = useState(false);
  const [busy, setBusy] = useState<'sign' | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A refusal for a missing separate consent (e.g. 银行账户) asks for it right here.
  const [consentNeeded, setConsentNeeded] = useState<ConsentPurpose | null>(null);
  const onBehalfOf = partyId;
  const api = signingApi(caseId, token);

  const submit = async () => {
    const png = pad.current?.toPngBase64();
    if (!png) return setError('请在签名框内手写签名');
    setBusy('sign');
    setError(null);
    try {
      await api.sign({ name: name.trim(), idLast4: idLast4.trim(), code: code.trim(), signaturePngBase64: png, affirmation: affirmation.trim(), onBehalfOf });
      await onSigned();
    } catch (err) {
      setConsentNeeded(consentPurposeOf(err));
      setError(err instanceof ApiError ? err.message : '签署失败，请重试');
    } finally {
      setBusy(null);
    }
  };
  // What still stands between the party and 确认签署, said next to the button rather than a silent grey.
  const missing = !name.trim()
    ? '请填写您的姓名'
    : !/^[0-9]{3}[0-9Xx]$/.test(idLast4.trim())
      ? '请填写身份证号后四位（4 位）'
      : !isSmsCode(code)
        ? codeSent
          ? '请填写 6 位短信验证码'
          : '请先获取并填写短信验证码'
        : !hasInk
          ? '请在签名区手写签名'
          : !affirmation.trim()
            ? '请输入确认声明'
            : affirmation.trim() !== round.affirmation
              ? `确认声明与要求的文字不一致，请照原文输入：${round.affirmation}`
              : null;
  const ready = missing === null;

  return (
    <section className="card signing__form" aria-labelledby="sign-title" data-testid="sign-form">
      <h2 className="card__title" id="sign-title">
        签署
      </h2>
      {/* PIPL art. 29: the handwritten signature is sensitive personal information. */}
      <ConsentPrompt token={token} purpose="SIGNATURE" />
      {consentNeeded && consentNeeded !== 'SIGNATURE' && (
        <ConsentPrompt
          token={token}
          purpose={consentNeeded}
          onGiven={() => {
            setConsentNeeded(null);
            setError(null);
          }}
        />
      )}
      <label className="field">
        <span className="field__label">
          您的姓名
          <span className="field__req" aria-hidden="true">
            必填
          </span>
        </span>
        <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" aria-required data-testid="sign-name" />
      </label>
      <label className="field">
        <span className="field__label">
          您的身份证号后四位
          <span className="field__req" aria-hidden="true">
            必填
          </span>
        </span>
        <input value={idLast4} onChange={(e) => setIdLast4(e.target.value)} inputMode="text" maxLength={4} aria-required data-testid="sign-id4" />
      </label>
      <SmsCodeField
        value={code}
        onChange={setCode}
        send={() => api.sendCode(onBehalfOf)}
        disabled={busy !== null}
        testIdPrefix="sign"
        onSent={() => setCodeSent(true)}
      />
      <div className="field">
        <span className="field__label">
          手写签名
          <span className="field__req" aria-hidden="true">
            必填
          </span>
        </span>
        <SignaturePad ref={pad} label="手写签名区域" onChange={setHasInk} />
        <button type="button" className="btn btn--ghost btn--small" onClick={() => pad.current?.clear()} data-testid="signature-clear">
          清除重签
        </button>
      </div>
      <label className="field">
        <span className="field__label">
          请输入：{round.affirmation}
          <span className="field__req" aria-hidden="true">
            必填
          </span>
        </span>
        <input
          value={affirmation}
          onChange={(e) => setAffirmation(e.target.value)}
          placeholder={round.affirmation}
          aria-required
          data-testid="sign-affirmation"
        />
      </label>
      {error && (
        <p className="chat__error" role="alert" data-testid="sign-error">
          {error}
        </p>
      )}
      <button
        type="button"
        className="btn btn--primary btn--large btn--block"
        disabled={!ready || busy !== null}
        onClick={() => void submit()}
        aria-describedby={missing ? 'sign-missing' : undefined}
        data-testid="sign-submit"
      >
        {busy === 'sign' ? '正在签署…' : '确认签署'}
      </button>
      {missing && (
        <p className="small field__hint" id="sign-missing" data-testid="sign-disabled-reason">
          {missing}
        </p>
      )}
      <p className="small muted">签署时将记录时间、IP 地址和设备信息，并写入审计记录。</p>
    </section>
  );
}

function DownloadCard({ caseId, token }: { caseId: string; token: string }) {
  const notify = useToast();
  const [busy, setBusy] = useState(false);
  return (
    <section className="card done" role="status">
      <div className="done__icon" aria-hidden="true">
        ✓
      </div>
      <h2 className="card__title">协议书已签署完毕</h2>
      <p className="muted">协议书加盖了调解委员会印章和机构数字签名，可随时下载；扫描最后一页的二维码可核验真伪。</p>
      <button
        type="button"
        className="btn btn--primary btn--large btn--block"
        disabled={busy}
        data-testid="signing-download"
        onClick={async () => {
          setBusy(true);
          try {
            downloadBlob(await signingApi(caseId, token).pdf(), '调解协议书.pdf');
          } catch (err) {
            notify(err instanceof ApiError ? err.message : '下载失败，请重试', 'error');
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? '正在下载…' : '下载协议书（PDF）'}
      </button>
    </section>
  );
}
