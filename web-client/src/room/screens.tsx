// Full-screen states around the room: connecting, lobby waiting, and the final messages.
import type { ReactNode } from 'react';
import { useNow } from './hooks.ts';
import { TrackVideo } from './media-elements.tsx';
import type { RemovalReason } from './protocol.ts';
import type { RoomState, RoomStatus } from './room-client.ts';
import { formatElapsed } from './room-state.ts';

function Frame({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="room-screen" data-testid={testId}>
      <header className="party__bar">
        <span className="topbar__brand">
          解纷<span className="topbar__sub">在线调解室</span>
        </span>
      </header>
      <main className="page page--narrow room-screen__body">{children}</main>
    </div>
  );
}

export const SERVER_RESTARTING_MESSAGE = '服务器正在重启，稍后自动重连';

/** Why the socket is down, as far as the client knows: a restart the server announced, or the network. */
export function reconnectingText(state: Pick<RoomState, 'serverRestarting'>): string {
  return state.serverRestarting ? `${SERVER_RESTARTING_MESSAGE}…` : '网络已断开，正在重新连接…';
}

export function ReconnectingBanner({ state }: { state: Pick<RoomState, 'serverRestarting'> }) {
  return (
    <div className="room-banner room-banner--warn" role="alert" data-testid="reconnecting-banner">
      <span className="spinner" aria-hidden="true" /> {reconnectingText(state)}
    </div>
  );
}

export function ConnectingScreen({ state, onCancel }: { state: RoomState; onCancel(): void }) {
  return (
    <Frame testId="room-connecting">
      {state.reconnecting && <ReconnectingBanner state={state} />}
      <section className="card room-card">
        <span className="spinner spinner--large" aria-hidden="true" />
        <h1 className="card__title">正在连接调解室…</h1>
        {state.message && (
          <p className="danger-text" data-testid="room-connect-retry">
            {state.message}
          </p>
        )}
        <p className="muted">如长时间无响应，请检查网络后刷新页面。</p>
        <button type="button" className="btn btn--ghost btn--block" onClick={onCancel}>
          返回
        </button>
      </section>
    </Frame>
  );
}

export function LobbyWaitingScreen({ state, onLeave, leaving }: { state: RoomState; onLeave(): void; leaving: boolean }) {
  const now = useNow(1000);
  const since = state.lobbySince ?? now;
  const { videoTrack, camOff } = state.local;
  return (
    <Frame testId="lobby-waiting">
      {state.reconnecting && <ReconnectingBanner state={state} />}
      <section className="card room-card" aria-live="polite">
        <span className="spinner spinner--large" aria-hidden="true" />
        <h1 className="card__title">请稍候，调解员将准许您进入调解室</h1>
        <p className="lobby-timer">
          已等待 <strong data-testid="lobby-elapsed">{formatElapsed(now - since)}</strong>
        </p>
        {state.self && (
          <p className="muted small">
            {state.self.caseNumber} · {state.self.caseTitle}
          </p>
        )}
        {videoTrack && !camOff && (
          <div className="lobby-preview">
            <TrackVideo track={videoTrack} mirror className="lobby-preview__video" label="我的画面" />
          </div>
        )}
        <p className="muted small">请保持本页面打开。调解员准许后，您将自动进入调解室。</p>
        <button type="button" className="btn btn--ghost btn--block" onClick={onLeave} disabled={leaving} data-testid="lobby-leave">
          {leaving ? '正在离开…' : '离开等候区'}
        </button>
      </section>
    </Frame>
  );
}

const FINAL: Partial<Record<RoomStatus, { testId: string; title: string; icon: string }>> = {
  ended: { testId: 'room-ended', title: '本次在线调解已结束', icon: '✓' },
  denied: { testId: 'room-denied', title: '未获准进入调解室', icon: '!' },
  removed: { testId: 'room-removed', title: '您已离开调解室', icon: '!' },
  error: { testId: 'room-error', title: '无法进入调解室', icon: '!' },
};

/** Removed because access was taken away: say so in the title, not just "left". */
const REVOKED_TITLE: Partial<Record<RemovalReason, string>> = {
  'link-revoked': '邀请链接已失效',
  'access-revoked': '访问权限已被收回',
};

export function FinalScreen({ state, backLabel, onBack, onRetry }: { state: RoomState; backLabel: string; onBack(): void; onRetry?: () => void }) {
  const f = FINAL[state.status] ?? FINAL.error!;
  const title = (state.status === 'removed' && state.removalReason && REVOKED_TITLE[state.removalReason]) || f.title;
  return (
    <Frame>
      <section
        className={`card room-card room-card--${state.status}`}
        data-testid={f.testId}
        data-code={state.errorCode ?? undefined}
        data-reason={state.status === 'removed' ? (state.removalReason ?? undefined) : undefined}
        role="status"
      >
        <div className={`done__icon${state.status === 'ended' ? '' : ' done__icon--warn'}`} aria-hidden="true">
          {f.icon}
        </div>
        <h1 className="card__title">{title}</h1>
        {state.message && <p data-testid="room-final-message">{state.message}</p>}
        {state.status === 'ended' && <p className="muted small">调解结果及后续事项，调解员会另行通知您。</p>}
        {onRetry && (
          <button type="button" className="btn btn--outline btn--block" onClick={onRetry}>
            重新进入
          </button>
        )}
        <button type="button" className="btn btn--primary btn--block" onClick={onBack} data-testid="room-back">
          {backLabel}
        </button>
      </section>
    </Frame>
  );
}
