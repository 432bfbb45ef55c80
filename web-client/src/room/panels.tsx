// Side panels of the room: chat, and the mediator's lobby (等候区).
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ChatMessage, LobbyEntry } from './protocol.ts';
import { formatTime, formatWaiting, SIDE_LABEL } from './room-state.ts';
import { errorMessage } from './protocol.ts';
import { useNow } from './hooks.ts';

export function Panel({ title, label, onClose, children, testId }: { title: ReactNode; label?: string; onClose(): void; children: ReactNode; testId: string }) {
  return (
    <aside className="panel" data-testid={testId} aria-label={label ?? (typeof title === 'string' ? title : undefined)}>
      <header className="panel__head">
        <h2 className="panel__title">{title}</h2>
        <button type="button" className="btn btn--small btn--ghost" onClick={onClose} aria-label="关闭" data-testid={`${testId}-close`}>
          ×
        </button>
      </header>
      {children}
    </aside>
  );
}

// ── chat ─────────────────────────────────────────────────────────────────────

interface ChatProps {
  /** 'joint' or 'caucus': chat is scoped to the room I am in. */
  room: 'joint' | 'caucus';
  messages: ChatMessage[];
  selfId: string | null;
  canSend: boolean;
  onSend(text: string): Promise<void>;
  onClose(): void;
}

export function ChatPanel({ room, messages, selfId, canSend, onSend, onClose }: ChatProps) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = text.trim();
    if (!value || busy) return;
    if (value.length > 2000) {
      setError('消息不能超过2000字');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSend(value);
      setText('');
    } catch (err) {
      setError(errorMessage(err, '发送失败，请重试'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel
      title={
        <>
          文字聊天
          <span className={`chat-context chat-context--${room}`} data-testid="chat-context" data-room={room}>
            {room === 'joint' ? '联合调解' : '单独沟通'}
          </span>
        </>
      }
      label="文字聊天"
      onClose={onClose}
      testId="chat-panel"
    >
      {room === 'caucus' && <p className="chat__scope small">单独沟通中的消息只有此次沟通的参与人能看到。</p>}
      <ol className="chat" ref={list} aria-live="polite">
        {messages.length === 0 && (
          <li className="chat__empty muted">{room === 'joint' ? '暂无消息。聊天内容将记入案件档案。' : '暂无消息。单独沟通的聊天内容同样记入案件档案。'}</li>
        )}
        {messages.map((m) => {
          const mine = m.fromPeerId === selfId;
          return (
            <li
              key={m.id}
              className={`chat__msg${mine ? ' chat__msg--mine' : ''}`}
              data-testid="chat-message"
              data-message-id={m.id}
              data-from-peer-id={m.fromPeerId}
              data-scope={m.scope}
            >
              <div className="chat__meta">
                <span className="chat__from">{mine ? '我' : m.fromName}</span>
                {room === 'joint' && m.scope !== 'joint' && (
                  <span className="chat__caucus-tag" data-testid="chat-message-caucus" title="单独沟通中的消息，只有当时的参与人和调解员能看到">
                    单独沟通
                  </span>
                )}
                <time dateTime={m.at}>{formatTime(m.at)}</time>
              </div>
              <p className="chat__text prewrap">{m.text}</p>
            </li>
          );
        })}
      </ol>
      {error && (
        <p className="chat__error" role="alert" data-testid="error-banner">
          {error}
        </p>
      )}
      <form className="chat__form" onSubmit={submit}>
        <label className="sr-only" htmlFor="chat-input">
          输入消息
        </label>
        <input
          id="chat-input"
          data-testid="chat-input"
          value={text}
          maxLength={2000}
          autoComplete="off"
          enterKeyHint="send"
          placeholder={canSend ? '输入消息…' : '网络断开，暂时无法发送'}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="btn btn--primary" disabled={busy || !canSend || !text.trim()} data-testid="chat-send">
          发送
        </button>
      </form>
    </Panel>
  );
}

// ── lobby (mediator) ───────────────────────────────────────────────────────────

interface LobbyProps {
  waiting: LobbyEntry[];
  onAdmit(peerId: string): Promise<void>;
  onDeny(peerId: string): Promise<void>;
  onClose(): void;
}

export function LobbyPanel({ waiting, onAdmit, onDeny, onClose }: LobbyProps) {
  const now = useNow(1000, waiting.length > 0);
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string | null>(null);

  const run = async (peerId: string, action: (id: string) => Promise<void>) => {
    setBusy((b) => ({ ...b, [peerId]: true }));
    setError(null);
    try {
      await action(peerId);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy((b) => ({ ...b, [peerId]: false }));
    }
  };

  const admitAll = async () => {
    for (const w of waiting) await run(w.peerId, onAdmit);
  };

  return (
    <Panel title={`等候区（${waiting.length}）`} onClose={onClose} testId="lobby-panel">
      {error && (
        <p className="chat__error" role="alert" data-testid="error-banner">
          {error}
        </p>
      )}
      {waiting.length === 0 ? (
        <p className="panel__empty muted" data-testid="lobby-empty">
          暂无人员在等候区
        </p>
      ) : (
        <ul className="lobby-list">
          {waiting.map((w) => (
            <li key={w.peerId} className="lobby-entry" data-testid="lobby-entry" data-peer-id={w.peerId}>
              <div className="lobby-entry__head">
                <span className={`side side--${w.side.toLowerCase()}`}>{SIDE_LABEL[w.side]}</span>
                <strong className="lobby-entry__name">{w.displayName}</strong>
                <span className="muted">{w.roleLabel}</span>
              </div>
              <div className="lobby-entry__badges">
                <span className={`badge ${w.identityConfirmed ? 'badge--green' : 'badge--amber'}`} data-testid="lobby-identity" data-ok={w.identityConfirmed}>
                  {w.identityConfirmed ? '身份已核验' : '身份未核验'}
                </span>
                <span className={`badge ${w.consentGiven ? 'badge--green' : 'badge--amber'}`} data-testid="lobby-consent" data-ok={w.consentGiven}>
                  {w.consentGiven ? '已同意在线调解' : '未同意在线调解'}
                </span>
                <span className="lobby-entry__wait muted small">{formatWaiting(w.waitingSince, now)}</span>
              </div>
              <div className="lobby-entry__actions">
                <button
                  type="button"
                  className="btn btn--primary"
                  disabled={!!busy[w.peerId]}
                  onClick={() => void run(w.peerId, onAdmit)}
                  data-testid="lobby-admit"
                >
                  准许进入
                </button>
                <button
                  type="button"
                  className="btn btn--danger-outline"
                  disabled={!!busy[w.peerId]}
                  onClick={() => void run(w.peerId, onDeny)}
                  data-testid="lobby-deny"
                >
                  拒绝
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {waiting.length > 1 && (
        <button type="button" className="btn btn--outline btn--block" onClick={() => void admitAll()} data-testid="lobby-admit-all">
          全部准许进入
        </button>
      )}
    </Panel>
  );
}
