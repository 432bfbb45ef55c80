// /j/:token/judicial — a party applies for judicial confirmation of its signed agreement: the
// 30-day countdown, the court (the suggested one first, with why it is competent), a service
// address and phone; who has applied; a consent the mediator recorded for this party, to confirm
// or decline (the application is the party's own act); identity documents and other materials;
// and, once the court has decided, the 民事裁定书 to download.
import { useCallback, useEffect, useRef, useState } from 'react';
import { SignaturePad, type SignaturePadHandle } from '../signing/SignaturePad.tsx';
import { isSmsCode, SmsCodeField } from '../signing/SmsCodeField.tsx';
import { applicationWindowCounts, rulingOutcome } from '../../../signaling/domain/case-workflow.ts';
import { ApiError, judicialApi, partyApi, type JudicialView } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Loading } from '../components/Loading.tsx';
import { PartySubpage } from '../components/PartySubpage.tsx';
import { downloadBlob } from '../signing/signing-shared.tsx';
import { useToast } from '../toast.tsx';
import { formatDate } from '../format.ts';
import { ConsentPrompt, consentPurposeOf } from '../pages/party/ConsentPrompt.tsx';

const STATUS: Record<string, string> = {
  DRAFT: '等待双方确认申请',
  SUBMITTED: '已提交，待法院受理',
  ACCEPTED: '法院已受理',
  REVIEWING: '法院审查中',
  CONFIRMED: '法院裁定调解协议有效',
  DISMISSED: '法院裁定驳回申请',
  REFUSED: '法院裁定不予受理',
  WITHDRAWN: '法院裁定准许撤回',
};
const AFFIRMATION = '本人自愿申请司法确认，所述属实';
const KINDS = [
  { key: 'ID_DOCUMENT', label: '身份证件' },
  { key: 'EVIDENCE', label: '证据材料' },
  { key: 'OTHER', label: '其他材料' },
] as const;

const AREA_CODE = /^\d{6}$/;
/** An area code field is fine empty (optional) or with six digits. */
const codeOk = (c: string) => c === '' || AREA_CODE.test(c);

export function PartyJudicialPage({ token }: { token: string }) {
  const notify = useToast();
  const [caseId, setCaseId] = useState<string | null>(null);
  const [me, setMe] = useState<string | null>(null);
  const [view, setView] = useState<JudicialView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [courtId, setCourtId] = useState('');
  const [address, setAddress] = useState('');
  const [phone, setPhone] = useState('');
  const [eservice, setEservice] = useState(false);
  /** 住所地 / 标的物所在地 as 6-digit administrative-area codes: the competent courts follow them. */
  const [domicileCode, setDomicileCode] = useState('');
  const [subjectCode, setSubjectCode] = useState('');
  const [signName, setSignName] = useState('');
  const [idLast4, setIdLast4] = useState('');
  const [signCode, setSignCode] = useState('');
  const [affirmation, setAffirmation] = useState('');
  const [hasInk, setHasInk] = useState(false);
  const pad = useRef<SignaturePadHandle>(null);
  const [kind, setKind] = useState<(typeof KINDS)[number]['key']>('ID_DOCUMENT');
  const [busy, setBusy] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  /** Asking to withdraw cannot be undone: the party confirms it in a dialog first. */
  const [withdrawing, setWithdrawing] = useState(false);
  // A refusal for a missing separate consent (身份证件图片 on upload) asks for it next to the form.
  const [consentNeeded, setConsentNeeded] = useState<'ID_IMAGES' | 'BANK_ACCOUNT' | 'SIGNATURE' | 'COURT' | null>(null);

  const load = useCallback(
    async (id: string) => {
      try {
        const v = await judicialApi(id, token).view();
        setView(v);
        setCourtId((c) => c || v.application?.court.id || v.courts.find((x) => x.suggested)?.id || '');
        setPhone((p) => p || v.phoneOnFile || '');
        setError(null);
      } catch (err) {
        setError(err instanceof ApiError ? err.message : '加载失败，请检查网络后重试');
      }
    },
    [token],
  );

  useEffect(() => {
    if (!caseId || !codeOk(domicileCode) || !codeOk(subjectCode) || (!domicileCode && !subjectCode)) return;
    let live = true;
    judicialApi(caseId, token)
      .view({ domicileAreaCode: domicileCode, subjectAreaCode: subjectCode })
      .then(
        (v) => {
          if (!live) return;
          setView(v);
          // The chosen court may no longer be competent for the codes given: fall back to the suggestion.
          setCourtId((c) => (v.courts.some((x) => x.id === c) ? c : (v.courts.find((x) => x.suggested)?.id ?? '')));
        },
        (err: unknown) => {
          if (live) setFormError(err instanceof ApiError ? err.message : '法院列表加载失败');
        },
      );
    return () => {
      live = false;
    };
  }, [caseId, token, domicileCode, subjectCode]);

  useEffect(() => {
    partyApi(token)
      .me()
      .then((v) => {
        setCaseId(v.case.id);
        setMe(v.participant.id);
        return load(v.case.id);
      })
      .catch((err: unknown) => setError(err instanceof ApiError ? err.message : '链接无法打开'));
  }, [token, load]);

  const run = async (what: string, fn: () => Promise<unknown>, done: string) => {
    setBusy(what);
    setFormError(null);
    try {
      await fn();
      notify(done, 'success');
      if (caseId) await load(caseId);
      return true;
    } catch (err) {
      setConsentNeeded(consentPurposeOf(err));
      setFormError(err instanceof ApiError ? err.message : '操作失败，请重试');
      return false;
    } finally {
      setBusy(null);
    }
  };

  let body;
  if (error && !view) body = <ErrorBanner title="无法打开" message={error} onRetry={() => caseId && void load(caseId)} />;
  else if (!view || !caseId) body = <Loading text="正在载入…" />;
  else if (!view.effectiveAt) {
    body = (
      <section className="card" role="status" data-testid="judicial-not-signed">
        <h2 className="card__title">协议书尚未签署完毕</h2>
        <p className="muted">调解协议书签署生效后，可在 30 日内申请司法确认。</p>
      </section>
    );
  } else {
    const app = view.application;
    const mineEntry = app?.parties.find((p) => p.id === me) ?? null;
    const mine = mineEntry?.applied ?? null;
    const outcome = rulingOutcome(app?.status ?? null);
    body = (
      <>
        {applicationWindowCounts(app?.status ?? null) ? (
          <section className="card judicial__window" data-testid="judicial-window" data-open={view.windowOpen}>
            <h2 className="card__title">申请期限</h2>
            <p>
              协议于 {formatDate(view.effectiveAt)} 生效，须在 <strong>{formatDate(view.windowLastDay)} 24时</strong> 前申请。
              {view.windowMovedFrom &&
                `（第三十日 ${formatDate(view.windowMovedFrom)} 为法定休假日${view.windowMovedBecause ? `（${view.windowMovedBecause}）` : ''}，顺延至其后第一个工作日）`}
            </p>
            {view.windowOpen ? (
              <p className="judicial__days" data-testid="judicial-days-left">{`还剩 ${view.daysLeft} 天`}</p>
            ) : (
              <p className="chat__error" role="alert" data-testid="judicial-days-left">
                {view.lateWarning}
              </p>
            )}
            {!view.calendarComplete && <p className="small muted">节假日日历尚未录入当年的放假安排，期限按周末计算，请以法院认定为准。</p>}
          </section>
        ) : (
          outcome && (
            <section className="card judicial__window" role="status" data-testid="judicial-outcome" data-status={app?.status}>
              <h2 className="card__title">{STATUS[app?.status ?? '']}</h2>
              <p>{outcome}</p>
            </section>
          )
        )}
        {app && (
          <section className="card" data-testid="judicial-status" data-status={app.status}>
            <h2 className="card__title">{STATUS[app.status]}</h2>
            <p className="small muted">
              受理法院：{app.court.name}
              {app.courtCaseNumber ? ` · 案号 ${app.courtCaseNumber}` : ''}
            </p>
            <ul className="signing__parties">
              {app.parties.map((p) => (
                <li key={p.id} data-testid="judicial-party" data-applied={p.applied !== null}>
                  <span>{p.name}</span>
                  <span className="small" data-testid="judicial-party-state">
                    {p.awaitingConfirmation
                      ? '调解员已登记同意，待本人确认'
                      : p.applied
                        ? p.applied.how === 'self'
                          ? '✓ 已申请'
                          : '✓ 同意共同申请（本人已确认）'
                        : '待确认'}
                  </span>
                </li>
              ))}
            </ul>
            {app.status !== 'DRAFT' && (
              <button
                type="button"
                className="btn btn--outline btn--block"
                data-testid="application-download"
                disabled={busy !== null}
                onClick={() =>
                  void run(
                    'application',
                    async () => downloadBlob(await judicialApi(caseId, token).applicationDocument(), '司法确认申请书.pdf'),
                    '已下载司法确认申请书',
                  )
                }
              >
                下载司法确认申请书（PDF）
              </button>
            )}
            {(app.status === 'ACCEPTED' || app.status === 'REVIEWING') && (
              <p className="small" data-testid="judicial-video-hint">
                法官可能通过视频向您询问。接到法院通知后，请在“个人链接”页面点击“进入调解室”。
              </p>
            )}
            {app.decisionReason && (
              <p className="small" data-testid="judicial-decision-reason">
                {app.status === 'REFUSED' ? '不予受理的理由' : '驳回理由'}：{app.decisionReason}
              </p>
            )}
            {app.rulingAvailable && (
              <button
                type="button"
                className="btn btn--primary btn--block"
                data-testid="ruling-download"
                disabled={busy !== null}
                onClick={() =>
                  void run(
                    'ruling',
                    async () => downloadBlob(await judicialApi(caseId, token).ruling(), `民事裁定书-${app.courtCaseNumber ?? ''}.pdf`),
                    '已下载民事裁定书',
                  )
                }
              >
                下载民事裁定书（PDF）
              </button>
            )}
          </section>
        )}
        {app && mineEntry?.awaitingConfirmation && mine && (
          <section className="card" data-testid="judicial-confirm-consent">
            <h2 className="card__title">调解员已登记您同意申请司法确认，请确认</h2>
            <ConsentPrompt token={token} purpose="COURT" />
            <p className="small muted">确认后，视为您本人同意与对方共同向{app.court.name}申请司法确认；如您并未同意，请点击“不同意”，调解员的登记将被撤销。</p>
            <p className="small" data-testid="judicial-consent-details">
              送达地址：{mine.serviceAddress}
              <br />
              联系电话：{mine.phone}
            </p>
            {formError && (
              <p className="chat__error" role="alert">
                {formError}
              </p>
            )}
            <button
              type="button"
              className="btn btn--primary btn--block btn--large"
              disabled={busy !== null}
              data-testid="judicial-consent-confirm"
              onClick={() => void run('confirm', () => judicialApi(caseId, token).confirmConsent(), '已确认申请')}
            >
              {busy === 'confirm' ? '正在确认…' : '确认，同意申请司法确认'}
            </button>
            <button
              type="button"
              className="btn btn--outline btn--block"
              disabled={busy !== null}
              data-testid="judicial-consent-decline"
              onClick={() => void run('decline', () => judicialApi(caseId, token).declineConsent(), '已撤销调解员登记的同意')}
            >
              {busy === 'decline' ? '正在提交…' : '不同意'}
            </button>
          </section>
        )}
        {!mine && (!app || app.status === 'DRAFT') && (
          <section className="card" data-testid="judicial-apply">
            <h2 className="card__title">确认申请司法确认</h2>
            {/* PIPL art. 23: the application hands this party's data to the court. */}
            <ConsentPrompt token={token} purpose="COURT" />
            <p className="small muted">经法院确认有效的调解协议具有强制执行力。双方须向同一法院共同申请。</p>
            <AreaCodeField
              label="住所地行政区划代码（6位，选填）"
              hint="如 150204（包头市青山区）；填写后可选择住所地法院"
              value={domicileCode}
              onChange={setDomicileCode}
              testId="judicial-domicile-code"
            />
            <AreaCodeField label="标的物所在地行政区划代码（6位，选填）" value={subjectCode} onChange={setSubjectCode} testId="judicial-subject-code" />
            <label className="field">
              <span className="field__label">受理法院</span>
              <select value={courtId} onChange={(e) => setCourtId(e.target.value)} disabled={!!app} data-testid="judicial-court">
                {view.courts.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.suggested ? `${c.name}（建议）` : c.name}
                  </option>
                ))}
              </select>
              {/* Why the chosen court is competent, below the picker: inside an option it is cut off on a phone. */}
              <span className="field__hint" data-testid="judicial-court-reasons">
                {view.courts.find((c) => c.id === courtId)?.reasons.join('、')}
              </span>
            </label>
            <label className="field">
              <span className="field__label">送达地址</span>
              <input value={address} onChange={(e) => setAddress(e.target.value)} maxLength={200} data-testid="judicial-address" />
            </label>
            <label className="field">
              <span className="field__label">联系电话</span>
              <input value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="tel" maxLength={20} data-testid="judicial-phone" />
            </label>
            <label className="field">
              <span>
                <input type="checkbox" checked={eservice} onChange={(e) => setEservice(e.target.checked)} data-testid="judicial-eservice" />{' '}
                同意法院通过本人链接电子送达受理通知书、裁定书等文书（民事诉讼法第九十条；需要纸质裁定书的，法院应当提供）
              </span>
            </label>
            {formError && (
              <p className="chat__error" role="alert" data-testid="judicial-error">
                {formError}
              </p>
            )}
            <button
              type="button"
              className="btn btn--primary btn--block btn--large"
              disabled={busy !== null || !courtId || !address.trim() || !phone.trim() || !codeOk(domicileCode) || !codeOk(subjectCode)}
              data-testid="judicial-submit"
              onClick={() =>
                void run(
                  'apply',
                  () =>
                    judicialApi(caseId, token).apply({
                      courtId,
                      serviceAddress: address.trim(),
                      phone: phone.trim(),
                      electronicService: eservice,
                      ...(domicileCode ? { domicileAreaCode: domicileCode } : {}),
                      ...(subjectCode ? { subjectAreaCode: subjectCode } : {}),
                    }),
                  '已确认申请',
                )
              }
            >
              {busy === 'apply' ? '正在提交…' : '确认申请'}
            </button>
          </section>
        )}
        {app && app.status === 'DRAFT' && me && mine?.confirmedAt && app.unsignedApplicants.includes(me) && (
          <section className="card" data-testid="application-sign">
            <h2 className="card__title">签署司法确认申请书</h2>
            <ConsentPrompt token={token} purpose="SIGNATURE" />
            <p className="small muted">申请书由您本人签署（与签署调解协议书相同：身份核对、短信验证码、手写签名）；双方均签署后提交法院。</p>
            <label className="field">
              <span className="field__label">姓名</span>
              <input value={signName} onChange={(e) => setSignName(e.target.value)} maxLength={50} data-testid="application-sign-name" />
            </label>
            <label className="field">
              <span className="field__label">身份证号后四位</span>
              <input value={idLast4} onChange={(e) => setIdLast4(e.target.value)} maxLength={4} data-testid="application-sign-id" />
            </label>
            <SmsCodeField
              value={signCode}
              onChange={setSignCode}
              send={() => judicialApi(caseId, token).sendApplicationCode()}
              disabled={busy !== null}
              testIdPrefix="application-sign"
            />
            <label className="field">
              <span className="field__label">请输入：“{AFFIRMATION}”</span>
              <input value={affirmation} onChange={(e) => setAffirmation(e.target.value)} maxLength={60} data-testid="application-sign-affirmation" />
            </label>
            <SignaturePad ref={pad} label="手写签名区域" onChange={setHasInk} testId="application-signature-pad" />
            <button
              type="button"
              className="btn btn--primary btn--block"
              disabled={
                busy !== null || !hasInk || !signName.trim() || idLast4.trim().length !== 4 || !isSmsCode(signCode) || affirmation.trim() !== AFFIRMATION
              }
              data-testid="application-sign-submit"
              onClick={() => {
                const png = pad.current?.toPngBase64();
                if (png)
                  void run(
                    'sign',
                    () =>
                      judicialApi(caseId, token).signApplication({
                        name: signName.trim(),
                        idLast4: idLast4.trim(),
                        code: signCode.trim(),
                        affirmation: affirmation.trim(),
                        signaturePngBase64: png,
                      }),
                    '已签署申请书',
                  );
              }}
            >
              {busy === 'sign' ? '正在签署…' : '签署申请书'}
            </button>
          </section>
        )}
        {app && app.documents.length > 0 && (
          <section className="card" data-testid="court-documents">
            <h2 className="card__title">法院文书</h2>
            <ul>
              {app.documents.map((d) => (
                <li key={d.id} data-testid="court-document" data-kind={d.kind} data-opened={d.openedAt !== null}>
                  <button
                    type="button"
                    className="btn btn--outline btn--small"
                    disabled={busy !== null}
                    onClick={() =>
                      void run('doc', async () => downloadBlob(await judicialApi(caseId, token).courtDocument(d.id), `${d.title}.pdf`), `已打开${d.title}`)
                    }
                  >
                    {d.title}
                  </button>{' '}
                  <span className="small muted">
                    {d.electronic === false ? '（您未同意电子送达，法院将以其他方式送达）' : d.openedAt ? '已签收' : '新文书'}
                    {d.dueAt ? ` · 请于 ${formatDate(d.dueAt)} 前补充` : ''}
                  </span>
                </li>
              ))}
            </ul>
            {app.clockStopped && (
              <button
                type="button"
                className="btn btn--primary btn--block"
                disabled={busy !== null}
                data-testid="materials-supplied"
                onClick={() => void run('supplied', () => judicialApi(caseId, token).materialsSupplied(), '已告知法院材料已补充')}
              >
                我已上传补充材料
              </button>
            )}
          </section>
        )}
        {app &&
          ['SUBMITTED', 'ACCEPTED', 'REVIEWING'].includes(app.status) &&
          (app.withdrawRequested ? (
            <p className="card small" role="status" data-testid="judicial-withdraw-requested">
              已申请撤回司法确认申请，等待法院裁定是否准许（解释第三百五十七条）。
            </p>
          ) : (
            <button
              type="button"
              className="btn btn--ghost btn--block"
              disabled={busy !== null}
              data-testid="judicial-withdraw"
              onClick={() => setWithdrawing(true)}
            >
              申请撤回司法确认申请
            </button>
          ))}
        {withdrawing && (
          <ConfirmDialog
            title="申请撤回司法确认申请？"
            confirmText="申请撤回"
            danger
            busy={busy === 'withdraw'}
            error={formError}
            onCancel={() => setWithdrawing(false)}
            onConfirm={() =>
              void run('withdraw', () => judicialApi(caseId, token).withdraw(), '已申请撤回，等待法院裁定').then((ok) => ok && setWithdrawing(false))
            }
          >
            <p>撤回申请提交后不能取消；法院裁定准许撤回后，本次司法确认申请终结，调解协议仍具有法律约束力（人民调解法第三十一条）。</p>
          </ConfirmDialog>
        )}
        {app && ['DRAFT', 'SUBMITTED', 'ACCEPTED', 'REVIEWING'].includes(app.status) && (
          <section className="card" data-testid="judicial-materials">
            <h2 className="card__title">申请材料</h2>
            <p className="small muted">身份证件照片、证据等：JPG、PNG 或 PDF，每个不超过 10 MB。</p>
            <ul className="judicial__files">
              {app.materials.map((m) => (
                <li key={m.id} data-testid="judicial-material">
                  {KINDS.find((k) => k.key === m.kind)?.label ?? m.kind} · {m.displayName} · {Math.max(1, Math.round(m.bytes / 1024))} KB
                </li>
              ))}
              {app.materials.length === 0 && <li className="muted">尚未上传材料</li>}
            </ul>
            <div className="judicial__upload">
              <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} aria-label="材料类型">
                {KINDS.map((k) => (
                  <option key={k.key} value={k.key}>
                    {k.label}
                  </option>
                ))}
              </select>
              <label className="btn btn--outline btn--small">
                {busy === 'upload' ? '正在上传…' : '选择文件上传'}
                <input
                  type="file"
                  hidden
                  accept="image/jpeg,image/png,application/pdf"
                  data-testid="judicial-file"
                  disabled={busy !== null}
                  onChange={(e) => {
                    const file = e.target.files?.[0];
                    e.target.value = '';
                    if (file) void run('upload', () => judicialApi(caseId, token).upload(file, kind), '材料已上传');
                  }}
                />
              </label>
            </div>
            {formError && app && (
              <p className="chat__error" role="alert">
                {formError}
              </p>
            )}
            {consentNeeded && (
              <ConsentPrompt
                token={token}
                purpose={consentNeeded}
                onGiven={() => {
                  setConsentNeeded(null);
                  setFormError(null);
                }}
              />
            )}
          </section>
        )}
      </>
    );
  }

  return (
    <PartySubpage token={token} title="申请司法确认" className="judicial" testId="party-judicial">
      {body}
    </PartySubpage>
  );
}

/** A 6-digit administrative-area code (住所地, 标的物所在地), marked invalid until it is one. */
function AreaCodeField(props: { label: string; hint?: string; value: string; onChange: (code: string) => void; testId: string }) {
  return (
    <label className="field">
      <span className="field__label">{props.label}</span>
      <input
        value={props.value}
        onChange={(e) => props.onChange(e.target.value.trim())}
        inputMode="numeric"
        maxLength={6}
        pattern="[0-9]{6}"
        aria-invalid={!codeOk(props.value)}
        data-testid={props.testId}
      />
      {props.hint && <span className="field__hint">{props.hint}</span>}
    </label>
  );
}
