// The three parts of the caucus sheet (CaucusPanel): start a caucus with one side, start one with
// people picked by hand, and the caucuses running now (plus the joint session) with their clocks.
// They show and report choices; the sheet holds the choices and runs the actions.
import type { ReactNode } from 'react';
import { useNow } from './hooks.ts';
import { leadsRoom, type CaucusInfo, type PeerInfo } from './protocol.ts';
import { SIDE_LABEL } from './room-state.ts';
import { caucusLabel, caucusOf, elapsedSince, formatClock, isPeerWaiting, jointPeers, leaderWord, peerNames } from './caucus-state.ts';

/** Which action of the sheet is running (its button shows progress, the others wait). */
export type CaucusBusy = null | 'A' | 'B' | 'custom' | 'all' | `end:${string}`;

/** One person to choose (a neutral, a leader, a party); what follows the box is the caller's. */
function PeerCheckbox({
  peerId,
  testId,
  checked,
  onToggle,
  children,
}: {
  peerId: string;
  testId: string;
  checked: boolean;
  onToggle(peerId: string): void;
  children: ReactNode;
}) {
  return (
    <label className="caucus__check">
      <input type="checkbox" checked={checked} onChange={() => onToggle(peerId)} data-testid={testId} data-peer-id={peerId} />
      {children}
    </label>
  );
}

interface SideCaucusSectionProps {
  parties: PeerInfo[];
  neutrals: PeerInfo[];
  /** Who may lead a caucus: mediators and the judge. */
  mediators: PeerInfo[];
  selfId: string | null;
  caucuses: readonly CaucusInfo[];
  withNeutrals: ReadonlySet<string>;
  chosenMediators: ReadonlySet<string>;
  busy: CaucusBusy;
  /** The side's people, with the neutrals chosen to join. */
  sideIds(side: 'A' | 'B'): string[];
  onStart(side: 'A' | 'B', peerIds: string[]): void;
  onToggleNeutral(peerId: string): void;
  onToggleMediator(peerId: string): void;
}

export function SideCaucusSection(props: SideCaucusSectionProps) {
  const { parties, neutrals, mediators, selfId, caucuses, withNeutrals, chosenMediators, busy, sideIds, onStart, onToggleNeutral, onToggleMediator } = props;
  return (
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
              onClick={() => onStart(side, ids)}
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
            <PeerCheckbox key={p.peerId} peerId={p.peerId} testId="caucus-neutral" checked={withNeutrals.has(p.peerId)} onToggle={onToggleNeutral}>
              {p.displayName}
              <span className="muted small">{p.roleLabel}</span>
            </PeerCheckbox>
          ))}
        </fieldset>
      )}
      {mediators.length > 1 && (
        <fieldset className="caucus__options">
          <legend className="small">参加单独沟通的{leaderWord(mediators)}</legend>
          {mediators.map((m) => (
            <PeerCheckbox key={m.peerId} peerId={m.peerId} testId="caucus-mediator" checked={chosenMediators.has(m.peerId)} onToggle={onToggleMediator}>
              {m.displayName}
              {m.peerId === selfId && <span className="muted small">（我）</span>}
              {caucusOf(caucuses, m.peerId) && <span className="badge badge--amber">单独沟通中</span>}
            </PeerCheckbox>
          ))}
        </fieldset>
      )}
    </section>
  );
}

interface CustomCaucusSectionProps {
  parties: PeerInfo[];
  peers: PeerInfo[];
  caucuses: readonly CaucusInfo[];
  myCaucus: CaucusInfo | null;
  picked: ReadonlySet<string>;
  busy: CaucusBusy;
  onTogglePick(peerId: string): void;
  onStart(key: 'custom', peerIds: string[]): void;
}

export function CustomCaucusSection({ parties, peers, caucuses, myCaucus, picked, busy, onTogglePick, onStart }: CustomCaucusSectionProps) {
  return (
    <section className="caucus__section">
      <h3 className="caucus__heading">自选参与人</h3>
      {parties.length === 0 ? (
        <p className="muted small">暂无当事人在调解室中。</p>
      ) : (
        <ul className="caucus__picks">
          {parties.map((p) => (
            <li key={p.peerId}>
              <PeerCheckbox peerId={p.peerId} testId="caucus-pick" checked={picked.has(p.peerId)} onToggle={onTogglePick}>
                <span className={`side side--${p.side.toLowerCase()}`}>{SIDE_LABEL[p.side]}</span>
                <span className="caucus__name">{p.displayName}</span>
                <span className="muted small">{p.roleLabel}</span>
                <span className="caucus__where small">{whereIs(p, peers, caucuses, myCaucus)}</span>
              </PeerCheckbox>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="btn btn--outline btn--block"
        disabled={picked.size === 0 || busy !== null}
        onClick={() => onStart('custom', [...picked])}
        data-testid="caucus-start-custom"
      >
        {busy === 'custom' ? '正在开始…' : `与所选人员单独沟通${picked.size ? `（${picked.size}人）` : ''}`}
      </button>
    </section>
  );
}

function whereIs(p: PeerInfo, peers: readonly PeerInfo[], caucuses: readonly CaucusInfo[], myCaucus: CaucusInfo | null): string {
  const c = caucusOf(caucuses, p.peerId);
  if (c) return c.caucusId === myCaucus?.caucusId ? '与您单独沟通中' : '单独沟通中';
  return isPeerWaiting(p.peerId, peers, caucuses) ? '等待中' : '联合调解';
}

interface RunningCaucusesSectionProps {
  peers: PeerInfo[];
  caucuses: readonly CaucusInfo[];
  myCaucus: CaucusInfo | null;
  busy: CaucusBusy;
  onEnd(caucusId: string): void;
}

export function RunningCaucusesSection({ peers, caucuses, myCaucus, busy, onEnd }: RunningCaucusesSectionProps) {
  const now = useNow(1000, caucuses.length > 0);
  const joint = jointPeers(peers, caucuses).filter((p) => p.roomRole === 'party');
  const jointMediators = jointPeers(peers, caucuses).filter((p) => leadsRoom(p.roomRole));
  const jointWaiting = joint.length > 0 && joint.every((p) => isPeerWaiting(p.peerId, peers, caucuses));
  return (
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
        {caucuses.map((c) => {
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
                <strong>与{caucusLabel(c, peers)}单独沟通</strong>
                {mine && <span className="badge badge--green">您在此</span>}
                <span className="caucus-row__clock" data-testid="caucus-row-elapsed">
                  {formatClock(elapsedSince(c.startedAt, now))}
                </span>
              </div>
              <p className="small muted">
                {peerNames(c.memberPeerIds, peers)} · {leaderWord(peers.filter((p) => c.mediatorPeerIds.includes(p.peerId)))}：
                {peerNames(c.mediatorPeerIds, peers)}
              </p>
              <button
                type="button"
                className="btn btn--small btn--danger-outline"
                disabled={busy !== null}
                onClick={() => onEnd(c.caucusId)}
                data-testid="caucus-end"
                data-caucus-id={c.caucusId}
              >
                {busy === `end:${c.caucusId}` ? '正在结束…' : '结束此单独沟通'}
              </button>
            </li>
          );
        })}
      </ul>
      {caucuses.length === 0 && (
        <p className="muted small" data-testid="caucus-none">
          目前没有进行中的单独沟通。
        </p>
      )}
    </section>
  );
}
