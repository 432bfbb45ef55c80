// Pure helpers for room state (no DOM, no sockets): unit-tested beside this file.
import { formatClock } from '../format.ts';
import { leadsRoom, type ChatMessage, type LobbyEntry, type PeerInfo } from './protocol.ts';
import { zhCollator } from './warm-up.ts';

/** Merges chat messages by id, ordered by time then id (history may overlap live messages). */
export function mergeChat(existing: readonly ChatMessage[], incoming: readonly ChatMessage[], max = 500): ChatMessage[] {
  const byId = new Map<string, ChatMessage>();
  for (const m of existing) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  const all = [...byId.values()].sort((a, b) => {
    const ta = Date.parse(a.at);
    const tb = Date.parse(b.at);
    if (ta !== tb) return (Number.isNaN(ta) ? 0 : ta) - (Number.isNaN(tb) ? 0 : tb);
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return all.length > max ? all.slice(all.length - max) : all;
}

/** Tiles: self first, then those who lead (mediators, the judge), then side A, side B, neutral; stable by name within a group. */
export function orderPeers(peers: readonly PeerInfo[], selfId: string | null): PeerInfo[] {
  const rank = (p: PeerInfo) => (p.peerId === selfId ? 0 : leadsRoom(p.roomRole) ? 1 : p.side === 'A' ? 2 : p.side === 'B' ? 3 : 4);
  const byName = zhCollator();
  return [...peers].sort((a, b) => rank(a) - rank(b) || byName.compare(a.displayName, b.displayName) || a.peerId.localeCompare(b.peerId));
}

/** "3:07", "1:02:05" */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** "等待 3 分钟" style, for lobby entries. */
export function formatWaiting(sinceIso: string, now: number): string {
  const since = Date.parse(sinceIso);
  if (Number.isNaN(since)) return '';
  const sec = Math.max(0, Math.floor((now - since) / 1000));
  if (sec < 60) return `已等待 ${sec} 秒`;
  const min = Math.floor(sec / 60);
  if (min < 60) return `已等待 ${min} 分钟`;
  return `已等待 ${Math.floor(min / 60)} 小时 ${min % 60} 分钟`;
}

export const SIDE_LABEL: Record<PeerInfo['side'], string> = { A: '甲方', B: '乙方', NEUTRAL: '中立' };

/** New lobby arrivals since the previous list (to notify the mediator once). */
export function newArrivals(prev: readonly LobbyEntry[], next: readonly LobbyEntry[]): LobbyEntry[] {
  const known = new Set(prev.map((e) => e.peerId));
  return next.filter((e) => !known.has(e.peerId));
}

/** Who joined / left between two rosters (excluding self). */
export function rosterChanges(prev: readonly PeerInfo[], next: readonly PeerInfo[], selfId: string | null) {
  const before = new Map(prev.map((p) => [p.peerId, p]));
  const after = new Map(next.map((p) => [p.peerId, p]));
  const joined = next.filter((p) => p.peerId !== selfId && !before.has(p.peerId));
  const left = prev.filter((p) => p.peerId !== selfId && !after.has(p.peerId));
  return { joined, left };
}

/** Grid column/row count for n tiles on a portrait phone vs a wide screen. */
export function gridShape(n: number, wide: boolean): { cols: number; rows: number } {
  const count = Math.max(1, n);
  if (wide) {
    const cols = count <= 1 ? 1 : count <= 4 ? 2 : 3;
    return { cols, rows: Math.ceil(count / cols) };
  }
  const cols = count <= 2 ? 1 : 2;
  return { cols, rows: Math.ceil(count / cols) };
}

/** `14:05` China time for chat messages; empty when unparsable. */
export const formatTime = formatClock;
