// On the case page, for the case's mediator: lock the latest saved version for signing, follow
// each party's clause-by-clause consent and signature, authorise agents to sign for their party,
// unlock (voiding what was collected), sign last with a drawn signature to issue the PDF, and
// download it.
import { useCallback, useEffect, useRef, useState } from 'react';
import { lockProblem } from '../../../signaling/domain/case-workflow.ts';
import { ApiError, signingApi, type CaseStatus, type Participant, type SigningRound } from '../api.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { useToast } from '../toast.tsx';
import { SignaturePad, type SignaturePadHandle } from './SignaturePad.tsx';
import { downloadBlob, RoundStatus } from './signing-shared.tsx';

const POLL_MS = 5000;

interface Props {
  caseId: string;
  /** What the lock needs (signaling/domain/case-workflow.ts: lockProblem). */
  caseStatus: CaseStatus;
  participants: Participant[];
  /** The case changed (status moves with locking and issuing). */
  onChanged(): void;
  /** Lock, authorise agents, unlock, sign and issue (the case's mediator only); others only follow. */
  canManage: boolean;
}

export function StaffSigningCard({ caseId, caseStatus, participants, onChanged, canManage }: Props) {
  const notify = useToast();
  const [round, setRound] = useState<SigningRound | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [unlocking, setUnlocking] = useState(false);
  /** The irreversible step awaiting confirmation: locking, or signing last (which issues the PDF). */
  const [confirming, setConfirming] = useState<'lock' | 'sign' | null>(null);
  const [reason, setReason] = useState('');
  const [hasInk, setHasInk] = useState(false);
  const pad = useRef<SignaturePadHandle>(null);
  const api = signingApi(caseId);

  const load = useCallback(async () => {
    try {
      setRound(await signingApi(caseId).view());
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '签署状态加载失败');
    }
  }, [caseId]);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (round?.status !== 'OPEN') return;
    const t = window.setInterval(() => void load(), POLL_MS);
    return () => window.clearInterval(t);
  }, [round?.status, load]);

  const act = async (what: string, fn: () => Promise<unknown>, done?: string) => {
    setBusy(what);
    setError(null);
    try {
      await fn();
      if (done) notify(done, 'success');
      await load();
      onChanged();
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '操作失败，请重试');
      return false;
    } finally {
      setBusy(null);
    }
  };

  const agents = participants.filter((p) => p.role === 'AGENT');
  const allPartiesSigned = !!round && round.parties.every((p) => p.signed);
  const lockBlocked = lockProblem(caseStatus);

  return (
    <section
      className="card signing-card"
      aria-labelledby="signing-title"
      data-testid="staff-signing"
      data-status={round === undefined ? 'loading' : (round?.status ?? 'NONE')}
    >
      <h2 className="card__title" id="signing-title">
        签署协议书
      </h2>
      {error && (
        <p className="chat__error" role="alert" data-testid="signing-error">
          {error}
        </p>
      )}
      {round === undefined && <p className="muted">正在载入…</p>}
      {round === null && !canManage && <p className="muted small">协议尚未锁定供签署。</p>}
      {round === null && canManage && (
        <>
          <p className="muted small">
            协议内容商定后，先在协议草稿中“保存版本”，再锁定最新版本供当事人逐条确认和签署。锁定后如需修改，须解除锁定，已收集的确认和签名将全部作废。
          </p>
          <button
            type="button"
            className="btn btn--primary"
            disabled={busy !== null || lockBlocked !== null}
            aria-describedby={lockBlocked ? 'signing-lock-reason' : undefined}
            onClick={() => setConfirming('lock')}
            data-testid="signing-lock"
          >
            {busy === 'lock' ? '正在锁定…' : '锁定最新版本供签署'}
          </button>
          {lockBlocked && (
            <p className="small muted" id="signing-lock-reason" data-testid="signing-lock-reason">
              {lockBlocked}
            </p>
          )}
        </>
      )}
      {round && (
        <>
          <RoundStatus round={round} />
          {canManage && round.status === 'OPEN' && agents.length > 0 && (
            <fieldset className="signing__agents">
              <legend className="field__label">委托代理人代签授权</legend>
              {agents.map((a) => (
                <AgentAuthority key={a.id} caseId={caseId} agent={a} onError={setError} />
              ))}
            </fieldset>
          )}
          {canManage && round.status === 'OPEN' && (
            <div className="signing__mediator">
              {allPartiesSigned ? (
                <>
                  <p className="small">当事人均已签署。请调解员手写签名，系统将加盖印章、生成协议书并加盖机构数字签名。</p>
                  <SignaturePad ref={pad} label="调解员手写签名区域" onChange={setHasInk} testId="mediator-signature-pad" />
                  <div className="signing__actions">
                    <button type="button" className="btn btn--ghost btn--small" onClick={() => pad.current?.clear()}>
                      清除重签
                    </button>
                    <button
                      type="button"
                      className="btn btn--primary"
                      disabled={!hasInk || busy !== null}
                      onClick={() => setConfirming('sign')}
                      data-testid="mediator-sign"
                    >
                      {busy === 'sign' ? '正在出具…' : '签署并出具协议书'}
                    </button>
                  </div>
                </>
              ) : (
                <p className="small muted">等待当事人逐条确认并签署（每 5 秒自动刷新）。</p>
              )}
              <button
                type="button"
                className="btn btn--ghost btn--small"
                disabled={busy !== null}
                onClick={() => setUnlocking(true)}
                data-testid="signing-unlock"
              >
                解除锁定（修改协议）
              </button>
            </div>
          )}
          {round.status === 'COMPLETED' && (
            <button
              type="button"
              className="btn btn--primary"
              disabled={busy !== null}
              data-testid="signing-download"
              onClick={() => void act('download', async () => downloadBlob(await api.pdf(), `调解协议书-${round.caseNumber}.pdf`))}
            >
              下载已签署的协议书（PDF）
            </button>
          )}
        </>
      )}
      {confirming === 'lock' && (
        <ConfirmDialog
          title="锁定最新版本供签署？"
          confirmText="确认锁定"
          busy={busy === 'lock'}
          error={error}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void act('lock', () => api.lock(), '已锁定协议，当事人可以开始签署').then((ok) => ok && setConfirming(null))}
        >
          <p>
            锁定后协议内容和签署人名单即被固定，案件变为「达成协议」，当事人可以逐条确认并签署。锁定期间不能修改协议或增删参与人；如需修改，须解除锁定，届时已收集的确认和签名全部作废。此操作记入审计记录。
          </p>
        </ConfirmDialog>
      )}
      {confirming === 'sign' && (
        <ConfirmDialog
          title="签署并出具协议书？"
          confirmText="签署并出具"
          busy={busy === 'sign'}
          error={error}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const png = pad.current?.toPngBase64();
            if (!png) return setError('请先手写签名');
            void act('sign', () => api.mediatorSign(png), '协议书已出具，案件状态为“已签署”').then((ok) => ok && setConfirming(null));
          }}
        >
          <p>系统将加盖调解组织印章和数字签名，出具正式的调解协议书，案件变为「已签署」。协议书出具后即具有法律约束力，不能再解除锁定或修改。</p>
        </ConfirmDialog>
      )}
      {unlocking && (
        <ConfirmDialog
          title="解除锁定？"
          confirmText="解除锁定"
          danger
          busy={busy === 'unlock'}
          error={error}
          onCancel={() => setUnlocking(false)}
          onConfirm={() => {
            if (!reason.trim()) return setError('请填写解除锁定的原因');
            void act('unlock', () => api.unlock(reason.trim()), '已解除锁定，已收集的确认和签名已作废').then((ok) => ok && setUnlocking(false));
          }}
        >
          <p>解除后，当事人已作出的逐条确认和签名将全部作废，修改协议后须重新锁定、重新确认和签署。此操作记入审计记录。</p>
          <label className="field">
            <span className="field__label">原因</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} data-testid="unlock-reason" />
          </label>
        </ConfirmDialog>
      )}
    </section>
  );
}

function AgentAuthority({ caseId, agent, onError }: { caseId: string; agent: Participant; onError(message: string): void }) {
  const [on, setOn] = useState(agent.signingAuthority);
  const [busy, setBusy] = useState(false);
  return (
    <label className="signing__agent">
      <input
        type="checkbox"
        checked={on}
        disabled={busy}
        data-testid="agent-authority"
        data-participant-id={agent.id}
        onChange={async (e) => {
          const next = e.target.checked;
          setBusy(true);
          try {
            await signingApi(caseId).authoriseAgent(agent.id, next);
            setOn(next);
          } catch (err) {
            onError(err instanceof ApiError ? err.message : '授权失败');
          } finally {
            setBusy(false);
          }
        }}
      />
      授权 {agent.name} 代本方当事人确认和签署
    </label>
  );
}
