// The caucus sheet of whoever leads the room (a mediator, or the judge questioning each side — without
// notepads): knocks, the three ways to start or end a caucus (caucus-sections.tsx), the way back to the
// joint session. It keeps the choices (sides' neutrals, leaders, picked people) and runs the actions.
import { useEffect, useMemo, useState } from 'react';
import { CustomCaucusSection, RunningCaucusesSection, SideCaucusSection, type CaucusBusy } from './caucus-sections.tsx';
import { caucusOf, leaderWord, sidePeerIds } from './caucus-state.ts';
import { Panel } from './panels.tsx';
import { errorMessage, leadsRoom, type PeerInfo } from './protocol.ts';
import type { RoomClient, RoomState } from './room-client.ts';
import { formatTime } from './room-state.ts';

interface CaucusPanelProps {
  client: RoomClient;
  state: RoomState;
  onClose(): void;
  /** Mediators only: the judge never opens the sides' notepads. */
  onOpenNotepad?: ((side: 'A' | 'B') => void) | undefined;
}

export function CaucusPanel({ client, state, onClose, onOpenNotepad }: CaucusPanelProps) {
  const selfId = state.self?.peerId ?? null;
  const parties = useMemo(() => state.peers.filter((p) => p.roomRole === 'party'), [state.peers]);
  // Who may lead a caucus: mediators and the judge (the protocol's `mediatorPeerIds`).
  const mediators = useMemo(() => state.peers.filter((p) => leadsRoom(p.roomRole)), [state.peers]);
  const neutrals = parties.filter((p) => p.side === 'NEUTRAL');
  const [withNeutrals, setWithNeutrals] = useState<ReadonlySet<string>>(() => new Set());
  const [picked, setPicked] = useState<ReadonlySet<string>>(() => new Set());
  const [chosenMediators, setChosenMediators] = useState<ReadonlySet<string>>(() => new Set(selfId ? [selfId] : []));
  const [busy, setBusy] = useState<CaucusBusy>(null);
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

  const run = async (key: CaucusBusy, action: () => Promise<unknown>) => {
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

  const start = (key: CaucusBusy, peerIds: string[]) =>
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

        <SideCaucusSection
          parties={parties}
          neutrals={neutrals}
          mediators={mediators}
          selfId={selfId}
          caucuses={state.caucuses}
          withNeutrals={withNeutrals}
          chosenMediators={chosenMediators}
          busy={busy}
          sideIds={sideIds}
          onStart={(side, ids) => void start(side, ids)}
          onToggleNeutral={(id) => setWithNeutrals((s) => toggleIn(s, id))}
          onToggleMediator={(id) => setChosenMediators((s) => toggleIn(s, id))}
        />

        <CustomCaucusSection
          parties={parties}
          peers={state.peers}
          caucuses={state.caucuses}
          myCaucus={myCaucus}
          picked={picked}
          busy={busy}
          onTogglePick={(id) => setPicked((s) => toggleIn(s, id))}
          onStart={(key, ids) => void start(key, ids)}
        />

        <RunningCaucusesSection
          peers={state.peers}
          caucuses={state.caucuses}
          myCaucus={myCaucus}
          busy={busy}
          onEnd={(caucusId) => void run(`end:${caucusId}`, () => client.endCaucus(caucusId))}
        />

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
