// Pure helpers for the 背对背 (caucus) experience: locations, caucus labels, who is where,
// knocks and the audience list. No DOM, no sockets — unit-tested beside this file.
import { leadsRoom, type Audience, type CaucusInfo, type Location, type PeerInfo } from './protocol.ts';

export const JOINT = 'joint';

export interface Knock {
  peerId: string;
  displayName: string;
  at: string;
}

export type NotepadSideName = 'A' | 'B';

/** Same room and same waiting state: the server re-sends unchanged locations on every roster change. */
export function sameLocation(a: Location | null, b: Location | null): boolean {
  if (!a || !b) return a === b;
  return a.room === b.room && a.waiting === b.waiting;
}

export function inCaucus(location: Location | null): boolean {
  return !!location && location.room !== JOINT;
}

/** "03:12", "1:02:05" — elapsed time for caucuses and the waiting screen. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** Milliseconds since an ISO time (0 when unparsable or in the future). */
export function elapsedSince(iso: string | null | undefined, now: number): number {
  if (!iso) return 0;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : Math.max(0, now - t);
}

const SIDE_NAME = { A: '甲方', B: '乙方' } as const;

/** Everyone of one side (agents and interpreters of that side included) plus chosen neutral participants. */
export function sidePeerIds(peers: readonly PeerInfo[], side: NotepadSideName, extraIds: readonly string[] = []): string[] {
  const ids = peers.filter((p) => p.roomRole === 'party' && p.side === side).map((p) => p.peerId);
  for (const id of extraIds) if (!ids.includes(id) && peers.some((p) => p.peerId === id && p.roomRole === 'party')) ids.push(id);
  return ids;
}

function joinNames(names: string[], max = 3): string {
  if (names.length <= max) return names.join('、');
  return `${names.slice(0, max).join('、')}等${names.length}人`;
}

/**
 * A short label for a caucus: "甲方" / "乙方" when its participants (neutral ones aside) are all of
 * one side, else their names.
 */
export function caucusLabel(caucus: Pick<CaucusInfo, 'memberPeerIds'>, peers: readonly PeerInfo[]): string {
  const members = caucus.memberPeerIds.map((id) => peers.find((p) => p.peerId === id)).filter((p): p is PeerInfo => !!p);
  const sides = new Set(members.filter((p) => p.side !== 'NEUTRAL').map((p) => p.side));
  if (sides.size === 1) {
    const side = [...sides][0] as NotepadSideName;
    return SIDE_NAME[side];
  }
  if (members.length === 0) return `${caucus.memberPeerIds.length}位参与人`;
  return joinNames(members.map((p) => p.displayName));
}

export function peerNames(ids: readonly string[], peers: readonly PeerInfo[]): string {
  return joinNames(ids.map((id) => peers.find((p) => p.peerId === id)?.displayName ?? '（已离开）'));
}

/** The caucus a participant is in (as member or mediator), if any. */
export function caucusOf(caucuses: readonly CaucusInfo[], peerId: string): CaucusInfo | null {
  return caucuses.find((c) => c.memberPeerIds.includes(peerId) || c.mediatorPeerIds.includes(peerId)) ?? null;
}

/** Mirrors the server's rule: in the joint session, caucuses running, and nobody who leads the room (mediator, judge) left in the joint session. */
export function isPeerWaiting(peerId: string, peers: readonly PeerInfo[], caucuses: readonly CaucusInfo[]): boolean {
  if (caucuses.length === 0 || caucusOf(caucuses, peerId)) return false;
  const peer = peers.find((p) => p.peerId === peerId);
  if (!peer || leadsRoom(peer.roomRole)) return false;
  return !peers.some((p) => leadsRoom(p.roomRole) && !caucusOf(caucuses, p.peerId));
}

/** What to call whoever leads among these peers: 法官 when only the judge does (judicial questioning), else 调解员. */
export function leaderWord(peers: readonly PeerInfo[]): '法官' | '调解员' {
  const leaders = peers.filter((p) => leadsRoom(p.roomRole));
  return leaders.length > 0 && leaders.every((p) => p.roomRole === 'judge') ? '法官' : '调解员';
}

/** Participants in the joint session (not in any caucus). */
export function jointPeers(peers: readonly PeerInfo[], caucuses: readonly CaucusInfo[]): PeerInfo[] {
  return peers.filter((p) => !caucusOf(caucuses, p.peerId));
}

/**
 * The roster to draw tiles for: the peers in my current room. Parties already get only
 * co-located peers from the server; mediators get everyone and the caucus list.
 */
export function colocatedPeers(peers: readonly PeerInfo[], caucuses: readonly CaucusInfo[], location: Location | null, selfId: string | null): PeerInfo[] {
  if (!location || caucuses.length === 0) return [...peers];
  if (location.room === JOINT) return peers.filter((p) => p.peerId === selfId || !caucusOf(caucuses, p.peerId));
  const mine = caucuses.find((c) => c.caucusId === location.room);
  if (!mine) return [...peers];
  return peers.filter((p) => p.peerId === selfId || mine.memberPeerIds.includes(p.peerId) || mine.mediatorPeerIds.includes(p.peerId));
}

/** Adds a knock (one per participant, the latest wins), newest last. */
export function addKnock(knocks: readonly Knock[], knock: Knock): Knock[] {
  return [...knocks.filter((k) => k.peerId !== knock.peerId), knock];
}

/** Drops knocks of participants who are no longer waiting (or no longer here). */
export function pruneKnocks(knocks: readonly Knock[], peers: readonly PeerInfo[], caucuses: readonly CaucusInfo[]): Knock[] {
  const next = knocks.filter((k) => isPeerWaiting(k.peerId, peers, caucuses));
  return next.length === knocks.length ? (knocks as Knock[]) : next;
}

/** "张三、李四" or "无人". */
export function audienceNames(list: Audience['audio'] | undefined | null): string {
  if (!list || list.length === 0) return '无人';
  return list.map((x) => x.displayName).join('、');
}

/** Distinct people who hear or see me. */
export function audienceCount(audience: Audience | null): number {
  if (!audience) return 0;
  return new Set([...audience.audio, ...audience.video].map((x) => x.peerId)).size;
}

/**
 * What to tell a participant when their location changes (null: nothing worth a notice).
 * `isLeader`: a mediator or the judge; `leader`: what parties call whoever leads (leaderWord).
 */
export function locationNotice(prev: Location | null, next: Location, isLeader: boolean, leader: string = '调解员'): string | null {
  if (!prev || sameLocation(prev, next)) return null;
  if (isLeader) {
    if (prev.room !== next.room && next.room === JOINT) return '已回到联合调解';
    return null;
  }
  if (next.waiting) return null; // the waiting screen says it all
  if (next.room !== JOINT && prev.room !== next.room) return `${leader}正在与您单独沟通`;
  if (next.room === JOINT && (prev.room !== JOINT || prev.waiting)) return '已回到联合调解';
  return null;
}

/** The location banner text (without the clock). `isLeader`: a mediator or the judge (they see every caucus). */
export function locationText(location: Location | null, caucuses: readonly CaucusInfo[], peers: readonly PeerInfo[], isLeader: boolean): string {
  if (!location) return '';
  if (location.room === JOINT) {
    if (location.waiting) return location.message ?? '调解员正在单独沟通，请稍候';
    if (isLeader && caucuses.length > 0) return `联合调解中 · 另有${caucuses.length}个单独沟通进行中`;
    return '联合调解中';
  }
  // Parties get only the peers in their caucus: whoever leads among them is who they talk to.
  if (!isLeader) return `您正在与${leaderWord(peers)}单独沟通`;
  const mine = caucuses.find((c) => c.caucusId === location.room);
  return mine ? `正在与${caucusLabel(mine, peers)}单独沟通` : '正在单独沟通';
}

/**
 * Folds a notepad update that arrived while I was editing into my draft. `base` is the content
 * my draft started from. Appends on either side (a mediator's 转达 appends) merge cleanly;
 * anything else is a conflict (null) the user resolves.
 */
export function mergeNotepad(base: string, draft: string, server: string): string | null {
  if (server === base || server === draft) return draft;
  if (draft === base) return server;
  if (server.startsWith(base)) {
    const added = server.slice(base.length);
    return draft + added;
  }
  if (draft.startsWith(base)) return server + draft.slice(base.length);
  return null;
}
