import { useRef, useState } from 'react';
import { api, ApiError, type CreatedInvitation, type Participant } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { QrCode } from '../../components/QrCode.tsx';

const EXPIRY_CHOICES = [1, 3, 7, 14, 30, 90];

interface Props {
  caseId: string;
  participant: Participant;
  created: CreatedInvitation | undefined;
  /** The participant holds a working link, which a new one revokes. */
  hasActiveLink: boolean;
  onCreated(inv: CreatedInvitation): void;
}

/** "生成邀请链接" for one participant, then the one-time link with copy + QR. A participant has one working link: re-issuing revokes the old one. */
export function InviteCreator({ caseId, participant, created, hasActiveLink, onCreated }: Props) {
  const [days, setDays] = useState(14);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const selectId = `invite-expiry-${participant.id}`;
  const noteId = `invite-note-${participant.id}`;
  const reissue = hasActiveLink || created !== undefined;

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.createInvitation(caseId, participant.id, days));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '生成邀请链接失败');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="invite">
      <div className="invite__controls">
        <label htmlFor={selectId} className="invite__label">
          有效期
        </label>
        <select id={selectId} data-testid="invite-expiry" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {EXPIRY_CHOICES.map((d) => (
            <option key={d} value={d}>
              {d} 天
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn--outline"
          data-testid="invite-create"
          disabled={busy}
          onClick={create}
          aria-describedby={reissue ? noteId : undefined}
        >
          {busy ? '生成中…' : reissue ? '重新生成链接' : '生成邀请链接'}
        </button>
      </div>
      {reissue && (
        <p className="muted small" id={noteId} data-testid="invite-reissue-note">
          原链接将失效：重新生成后，{participant.name}此前收到的链接立即无法使用，正在使用它的连接也会断开。
        </p>
      )}
      {error && <ErrorBanner message={error} onClose={() => setError(null)} />}
      {created && <CreatedLink invitation={created} />}
    </div>
  );
}

function CreatedLink({ invitation }: { invitation: CreatedInvitation }) {
  const urlRef = useRef<HTMLElement>(null);
  return (
    <div className="invite__result" data-testid="invite-result">
      <p className="invite__warn" role="note">
        链接仅显示一次，请立即复制发送给当事人
      </p>
      {invitation.replaced > 0 && (
        <p className="small" role="status" data-testid="invite-replaced">
          原链接已失效，请把这条新链接发给当事人。
        </p>
      )}
      <code className="invite__url" ref={urlRef} data-testid="invite-url">
        {invitation.url}
      </code>
      <div className="invite__actions">
        <CopyButton text={invitation.url} selectTarget={urlRef} />
      </div>
      <div className="invite__qr">
        <QrCode value={invitation.url} />
        <span className="muted small">当事人可用手机扫码打开 · 有效期至 {formatDateTime(invitation.expiresAt)}</span>
      </div>
    </div>
  );
}
