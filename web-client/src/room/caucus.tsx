// The 背对背 (caucus) views everyone sees of where they are: the banner with the caucus clock, the
// knock toast for whoever leads the room, and the waiting party's calm screen. The leader's caucus
// sheet is CaucusPanel.tsx; "谁能听到/看到您" is audience.tsx.
import { useState } from 'react';
import { AudienceList } from './audience.tsx';
import { useNow } from './hooks.ts';
import { TrackVideo } from './media-elements.tsx';
import { errorMessage } from './protocol.ts';
import type { RoomClient, RoomState } from './room-client.ts';
import { formatTime } from './room-state.ts';
import { elapsedSince, formatClock, inCaucus, locationText, type Knock } from './caucus-state.ts';

// ── where am I ───────────────────────────────────────────────────────────────

interface LocationBannerProps {
  state: RoomState;
  /** A mediator or the judge: sees every caucus and can bring everyone back. */
  isLeader: boolean;
  busy: boolean;
  onReturn(): void;
}

/** "正在与甲方单独沟通 03:12" — always shown to mediators and the judge, to parties while in a caucus. */
export function LocationBanner({ state, isLeader, busy, onReturn }: LocationBannerProps) {
  const loc = state.location;
  const caucus = inCaucus(loc);
  const now = useNow(1000, caucus);
  if (!loc || loc.waiting || (!isLeader && !caucus)) return null;
  const text = locationText(loc, state.caucuses, state.peers, isLeader);
  return (
    <div
      className={`room-banner location-banner${caucus ? ' location-banner--caucus' : ''}`}
      role="status"
      data-testid="location-banner"
      data-room={loc.room}
      data-caucus={caucus ? 'true' : 'false'}
    >
      <span className="location-banner__text">
        <span className="location-banner__dot" aria-hidden="true" />
        {text}
        {caucus && (
          <strong className="location-banner__clock" data-testid="location-clock">
            {formatClock(elapsedSince(loc.since, now))}
          </strong>
        )}
      </span>
      {isLeader && caucus && (
        <button type="button" className="btn btn--small" disabled={busy} onClick={onReturn} data-testid="location-return">
          回到联合调解
        </button>
      )}
    </div>
  );
}

// ── knocks (mediators) ────────────────────────────────────────────────────────

export function KnockToast({ knocks, onOpen, onDismiss }: { knocks: Knock[]; onOpen(): void; onDismiss(peerId: string): void }) {
  const last = knocks[knocks.length - 1];
  if (!last) return null;
  const others = knocks.length - 1;
  return (
    <div className="knock-toast" role="alert" data-testid="knock-toast" data-peer-id={last.peerId}>
      <p className="knock-toast__text">
        <strong>{last.displayName}</strong> 请求调解员回来
        {others > 0 && <span>（另有{others}人）</span>}
        <span className="knock-toast__time">{formatTime(last.at)}</span>
      </p>
      <div className="knock-toast__actions">
        <button type="button" className="btn btn--small btn--primary" onClick={onOpen} data-testid="knock-open">
          查看
        </button>
        <button type="button" className="btn btn--small btn--ghost" onClick={() => onDismiss(last.peerId)} data-testid="knock-dismiss">
          知道了
        </button>
      </div>
    </div>
  );
}

// ── the caucus sheet (mediators, the judge) ───────────────────────────────────
// ── the waiting party ─────────────────────────────────────────────────────────

const KNOCK_COOLDOWN_MS = 30_000;

interface WaitingProps {
  client: RoomClient;
  state: RoomState;
}

/** Calm full-stage state while the mediator talks with the other side (nothing is sent or received). */
export function CaucusWaiting({ client, state }: WaitingProps) {
  const now = useNow(1000);
  const loc = state.location;
  const [knockedAt, setKnockedAt] = useState<number | null>(null);
  const [knocking, setKnocking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { videoTrack, camOff, videoAdminMuted } = state.local;
  const cooling = knockedAt !== null && now - knockedAt < KNOCK_COOLDOWN_MS;

  const knock = async () => {
    setKnocking(true);
    setError(null);
    try {
      await client.knock();
      setKnockedAt(Date.now());
    } catch (err) {
      setError(errorMessage(err, '未能通知调解员，请稍后重试'));
    } finally {
      setKnocking(false);
    }
  };

  return (
    <section className="caucus-waiting" data-testid="caucus-waiting" aria-live="polite">
      <div className="caucus-waiting__card">
        <div className="caucus-waiting__pulse" aria-hidden="true" />
        <h1 className="caucus-waiting__title" data-testid="caucus-message">
          {loc?.message ?? '调解员正在单独沟通，请稍候'}
        </h1>
        <p className="caucus-waiting__timer">
          已等待 <strong data-testid="caucus-elapsed">{formatClock(elapsedSince(loc?.since, now))}</strong>
        </p>
        {videoTrack && !camOff && !videoAdminMuted && (
          <div className="caucus-waiting__preview">
            <TrackVideo track={videoTrack} mirror className="lobby-preview__video" label="我的画面" />
          </div>
        )}
        <div className="caucus-waiting__audience">
          <AudienceList audience={state.audience} />
        </div>
        <p className="caucus-waiting__hint small">您暂时听不到也看不到其他人，对方同样听不到、看不到您。调解员回来后将自动恢复，请保持本页面打开。</p>
        {error && (
          <p className="chat__error" role="alert" data-testid="error-banner">
            {error}
          </p>
        )}
        <button
          type="button"
          className="btn btn--outline btn--block"
          disabled={knocking || cooling || !state.online}
          onClick={() => void knock()}
          data-testid="caucus-knock"
          data-state={cooling ? 'sent' : 'idle'}
        >
          {knocking ? '正在通知…' : cooling ? `已通知调解员（${Math.ceil((KNOCK_COOLDOWN_MS - (now - (knockedAt ?? now))) / 1000)}秒）` : '请求调解员'}
        </button>
        {cooling && (
          <p className="caucus-waiting__sent small" role="status" data-testid="caucus-knock-sent">
            已通知调解员，请稍候。
          </p>
        )}
      </div>
    </section>
  );
}
