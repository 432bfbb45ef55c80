// The 背对背 (caucus) views: where I am (banner), the caucus sheet of whoever leads the room
// (a mediator, or the judge questioning each side — without notepads), knock toasts, the waiting
// party's calm screen, and "谁能听到/看到您" (the audience the server reports).
import { useEffect, useMemo, useState } from 'react';
import { useNow } from './hooks.ts';
import { EarIcon } from './icons.tsx';
import { TrackVideo } from './media-elements.tsx';
import { Panel } from './panels.tsx';
import { errorMessage, leadsRoom, type Audience, type PeerInfo } from './protocol.ts';
import type { RoomClient, RoomState } from './room-client.ts';
import { SIDE_LABEL, formatTime } from './room-state.ts';
import {
  audienceCount,
  audienceNames,
  caucusLabel,
  caucusOf,
  elapsedSince,
  formatClock,
  inCaucus,
  isPeerWaiting,
  jointPeers,
  leaderWord,
  locationText,
  peerNames,
  sidePeerIds,
  type Knock,
} from './caucus-state.ts';

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

interface CaucusPanelProps {
  client: RoomClient;
  state: RoomState;
  onClose(): void;
  /** Mediators only: the judge never opens the sides' notepads. */
  onOpenNotepad?: ((side: 'A' | 'B') => void) | undefined;
}

type Busy = null | 'A' | 'B' | 'custom' | 'all' | `end:${string}`;

export function CaucusPanel({ client, state, onClose, onOpenNotepad }: CaucusPanelProps) {
  const now = useNow(1000, state.caucuses.length > 0);
  const selfId = state.self?.peerId ?? null;
  const parties = useMemo(() => state.peers.filter((p) => p.roomRole === 'party'), [state.peers]);
  // Who may lead a caucus: mediators and the judge (the protocol's `mediatorPeerIds`).
  const mediators = useMemo(() => state.peers.filter((p) => leadsRoom(p.roomRole)), [state.peers]);
  const neutrals = parties.filter((p) => p.side === 'NEUTRAL');
  const [withNeutrals, setWithNeutrals] = useState<ReadonlySet<string>>(() => new Set());
  const [picked, setPicked] = useState<ReadonlySet<string>>(() => new Set());
  const [chosenMediators, setChosenMediators] = useState<ReadonlySet<string>>(() => new Set(selfId ? [selfId] : []));
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);

  // Forget choices of people who have left.
  useEffect(() => {
    const here = new Set(state.peers.map((p) => p.peerId));
    const keep = (s: ReadonlySet<string>) => ([...s].every((id) => here.has(id)) ? s : new Set([...s].filter((id) => here.has(id))));
    setPicked(keep);
    setWithNeutrals(keep);
    setChosenMediators(keep);
  }, [state.peers]);

  const toggleIn = (set: ReadonlySet<string>, id: string) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  };

  const run = async (key: Busy, action: () => Promise<unknown>) => {
    setBusy(key);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  /** undefined: the default (me only). */
  const mediatorIds = (): string[] | undefined => {
    const ids = [...chosenMediators].filter((id) => mediators.some((m) => m.peerId === id));
    if (ids.length === 0) throw new Error(`请至少指派一位${leaderWord(mediators)}`);
    return ids.length === 1 && ids[0] === selfId ? undefined : ids;
  };

  const start = (key: Busy, peerIds: string[]) =>
    run(key, async () => {
      let ids: string[] | undefined;
      try {
        ids = mediatorIds();
      } catch (err) {
        setError((err as Error).message);
        return;
      }
      await client.startCaucus(peerIds, ids);
      if (key === 'custom') setPicked(new Set());
    });

  const sideIds = (side: 'A' | 'B') => sidePeerIds(parties, side, [...withNeutrals]);
  const myCaucus = selfId ? caucusOf(state.caucuses, selfId) : null;
  const joint = jointPeers(state.peers, state.caucuses).filter((p) => p.roomRole === 'party');
  const jointMediators = jointPeers(state.peers, state.caucuses).filter((p) => leadsRoom(p.roomRole));
  const jointWaiting = joint.length > 0 && joint.every((p) => isPeerWaiting(p.peerId, state.peers, state.caucuses));

  const whereIs = (p: PeerInfo): string => {
    const c = caucusOf(state.caucuses, p.peerId);
    if (c) return c.caucusId === myCaucus?.caucusId ? '与您单独沟通中' : '单独沟通中';
    return isPeerWaiting(p.peerId, state.peers, state.caucuses) ? '等待中' : '联合调解';
  };

  return (
    <Panel title="背对背（单独沟通）" onClose={onClose} testId="caucus-panel">
      <div className="caucus">
        {error && (
          <p className="chat__error" role="alert" data-testid="error-banner">
            {error}
          </p>
        )}

        {state.knocks.length > 0 && (
          <ul className="caucus__knocks">
            {state.knocks.map((k) => (
              <li key={k.peerId} className="caucus__knock" data-testid="knock-entry" data-peer-id={k.peerId}>
                <span>
                  <strong>{k.displayName}</strong> 请求调解员回来 <span className="muted small">{formatTime(k.at)}</span>
                </span>
                <button type="button" className="btn btn--small btn--ghost" onClick={() => client.dismissKnock(k.peerId)}>
                  知道了
                </button>
              </li>
            ))}
          </ul>
        )}

        <section className="caucus__section">
          <h3 className="caucus__heading">与一方单独沟通</h3>
          <p className="muted small">该方（含代理人、翻译）与您进入单独沟通，其他人将暂时听不到、看不到。再点另一方即可直接切换。</p>
          <div className="caucus__sides">
            {(['A', 'B'] as const).map((side) => {
              const ids = sideIds(side);
              const count = parties.filter((p) => p.side === side).length;
              return (
                <button
                  key={side}
                  type="button"
                  className={`btn caucus__side caucus__side--${side.toLowerCase()}`}
                  disabled={count === 0 || busy !== null}
                  onClick={() => void start(side, ids)}
                  data-testid={`caucus-side-${side}`}
                  data-count={count}
                >
                  {busy === side ? '正在切换…' : side === 'A' ? '与甲方单独沟通' : '与乙方单独沟通'}
                  <span className="caucus__side-names">{count === 0 ? (side === 'A' ? '暂无甲方人员' : '暂无乙方人员') : peerNames(ids, parties)}</span>
                </button>
              );
            })}
          </div>
          {neutrals.length > 0 && (
            <fieldset className="caucus__options">
              <legend className="small">中立人员（如翻译）一同参加</legend>
              {neutrals.map((p) => (
                <label key={p.peerId} className="caucus__check">
                  <input
                    type="checkbox"
                    checked={withNeutrals.has(p.peerId)}
                    onChange={() => setWithNeutrals((s) => toggleIn(s, p.peerId))}
                    data-testid="caucus-neutral"
                    data-peer-id={p.peerId}
                  />
                  {p.displayName}
                  <span className="muted small">{p.roleLabel}</span>
                </label>
              ))}
            </fieldset>
          )}
          {mediators.length > 1 && (
            <fieldset className="caucus__options">
              <legend className="small">参加单独沟通的{leaderWord(mediators)}</legend>
              {mediators.map((m) => (
                <label key={m.peerId} className="caucus__check">
                  <input
                    type="checkbox"
                    checked={chosenMediators.has(m.peerId)}
                    onChange={() => setChosenMediators((s) => toggleIn(s, m.peerId))}
                    data-testid="caucus-mediator"
                    data-peer-id={m.peerId}
                  />
                  {m.displayName}
                  {m.peerId === selfId && <span className="muted small">（我）</span>}
                  {caucusOf(state.caucuses, m.peerId) && <span className="badge badge--amber">单独沟通中</span>}
                </label>
              ))}
            </fieldset>
          )}
        </section>

        <section className="caucus__section">
          <h3 className="caucus__heading">自选参与人</h3>
          {parties.length === 0 ? (
            <p className="muted small">暂无当事人在调解室中。</p>
          ) : (
            <ul className="caucus__picks">
              {parties.map((p) => (
                <li key={p.peerId}>
                  <label className="caucus__check">
                    <input
                      type="checkbox"
                      checked={picked.has(p.peerId)}
                      onChange={() => setPicked((s) => toggleIn(s, p.peerId))}
                      data-testid="caucus-pick"
                      data-peer-id={p.peerId}
                    />
                    <span className={`side side--${p.side.toLowerCase()}`}>{SIDE_LABEL[p.side]}</span>
                    <span className="caucus__name">{p.displayName}</span>
                    <span className="muted small">{p.roleLabel}</span>
                    <span className="caucus__where small">{whereIs(p)}</span>
                  </label>
                </li>
              ))}
            </ul>
          )}
          <button
            type="button"
            className="btn btn--outline btn--block"
            disabled={picked.size === 0 || busy !== null}
            onClick={() => void start('custom', [...picked])}
            data-testid="caucus-start-custom"
          >
            {busy === 'custom' ? '正在开始…' : `与所选人员单独沟通${picked.size ? `（${picked.size}人）` : ''}`}
          </button>
        </section>

        <section className="caucus__section">
          <h3 className="caucus__heading">进行中</h3>
          <ul className="caucus__rows">
            <li
              className={`caucus-row caucus-row--joint${myCaucus ? '' : ' is-mine'}`}
              data-testid="caucus-joint-row"
              data-waiting={jointWaiting ? 'true' : 'false'}
            >
              <div className="caucus-row__head">
                <strong>联合调解</strong>
                {!myCaucus && <span className="badge badge--green">您在此</span>}
                {jointWaiting && <span className="badge badge--amber">等待中</span>}
              </div>
              <p className="small muted">
                {joint.length ? joint.map((p) => p.displayName).join('、') : '无当事人'}
                {jointMediators.length > 0 && ` · ${leaderWord(jointMediators)}：${jointMediators.map((m) => m.displayName).join('、')}`}
              </p>
            </li>
            {state.caucuses.map((c) => {
              const mine = c.caucusId === myCaucus?.caucusId;
              return (
                <li
                  key={c.caucusId}
                  className={`caucus-row${mine ? ' is-mine' : ''}`}
                  data-testid="caucus-row"
                  data-caucus-id={c.caucusId}
                  data-mine={mine ? 'true' : 'false'}
                >
                  <div className="caucus-row__head">
                    <strong>与{caucusLabel(c, state.peers)}单独沟通</strong>
                    {mine && <span className="badge badge--green">您在此</span>}
                    <span className="caucus-row__clock" data-testid="caucus-row-elapsed">
                      {formatClock(elapsedSince(c.startedAt, now))}
                    </span>
                  </div>
                  <p className="small muted">
                    {peerNames(c.memberPeerIds, state.peers)} · {leaderWord(state.peers.filter((p) => c.mediatorPeerIds.includes(p.peerId)))}：
                    {peerNames(c.mediatorPeerIds, state.peers)}
                  </p>
                  <button
                    type="button"
                    className="btn btn--small btn--danger-outline"
                    disabled={busy !== null}
                    onClick={() => void run(`end:${c.caucusId}`, () => client.endCaucus(c.caucusId))}
                    data-testid="caucus-end"
                    data-caucus-id={c.caucusId}
                  >
                    {busy === `end:${c.caucusId}` ? '正在结束…' : '结束此单独沟通'}
                  </button>
                </li>
              );
            })}
          </ul>
          {state.caucuses.length === 0 && (
            <p className="muted small" data-testid="caucus-none">
              目前没有进行中的单独沟通。
            </p>
          )}
        </section>

        <div className="caucus__footer">
          {onOpenNotepad && (
            <button
              type="button"
              className="btn btn--ghost"
              onClick={() => onOpenNotepad(myCaucus ? sideOfCaucus(myCaucus.memberPeerIds, parties) : 'A')}
              data-testid="caucus-open-notepad"
            >
              打开记事本
            </button>
          )}
          <button
            type="button"
            className="btn btn--primary"
            disabled={state.caucuses.length === 0 || busy !== null}
            onClick={() => void run('all', () => client.endAllCaucuses())}
            data-testid="caucus-end-all"
          >
            {busy === 'all' ? '正在返回…' : '回到联合调解'}
          </button>
        </div>
      </div>
    </Panel>
  );
}

function sideOfCaucus(memberIds: readonly string[], parties: readonly PeerInfo[]): 'A' | 'B' {
  const sides = new Set(memberIds.map((id) => parties.find((p) => p.peerId === id)?.side));
  return sides.has('B') && !sides.has('A') ? 'B' : 'A';
}

// ── who can hear / see me ─────────────────────────────────────────────────────

/** The compact chip on my own tile; the list itself is AudienceDetails. */
export function AudienceChip({ audience, compact, expanded, onToggle }: { audience: Audience | null; compact: boolean; expanded: boolean; onToggle(): void }) {
  const n = audienceCount(audience);
  return (
    <button
      type="button"
      className={`audience-chip${n === 0 ? ' audience-chip--none' : ''}`}
      onClick={onToggle}
      aria-expanded={expanded}
      data-testid="audience-chip"
      data-audio-count={audience?.audio.length ?? 0}
      data-video-count={audience?.video.length ?? 0}
      title="谁能听到/看到您"
    >
      <EarIcon />
      {compact ? (n === 0 ? '无人' : `${n}人`) : n === 0 ? '无人能听到/看到您' : `${n}人能听到/看到您`}
    </button>
  );
}

export function AudienceList({ audience }: { audience: Audience | null }) {
  return (
    <dl className="audience-list">
      <dt>能听到您</dt>
      <dd data-testid="audience-audio" data-peer-ids={(audience?.audio ?? []).map((x) => x.peerId).join(',')}>
        {audienceNames(audience?.audio)}
      </dd>
      <dt>能看到您</dt>
      <dd data-testid="audience-video" data-peer-ids={(audience?.video ?? []).map((x) => x.peerId).join(',')}>
        {audienceNames(audience?.video)}
      </dd>
    </dl>
  );
}

/** Pop-over with the names (kept in the DOM while collapsed, hidden). */
export function AudienceDetails({ audience, open, onClose }: { audience: Audience | null; open: boolean; onClose(): void }) {
  return (
    <div className="audience-details" hidden={!open} data-testid="audience-details" role="dialog" aria-label="谁能听到/看到您">
      <div className="audience-details__head">
        <strong>谁能听到/看到您</strong>
        <button type="button" className="btn btn--small btn--ghost" onClick={onClose} aria-label="收起">
          ×
        </button>
      </div>
      <AudienceList audience={audience} />
      <p className="small muted">由服务器根据当前的音视频转发实时统计。</p>
    </div>
  );
}

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
