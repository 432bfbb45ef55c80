import { describe, expect, it } from 'vitest';
import { formatElapsed, formatWaiting, gridShape, mergeChat, newArrivals, orderPeers, rosterChanges } from './room-state.ts';
import type { LobbyEntry, PeerInfo } from './protocol.ts';

const msg = (id: string, at: string, text = id) => ({ id, fromPeerId: 'p', fromName: 'n', text, at, scope: 'joint' });
const peer = (peerId: string, over: Partial<PeerInfo> = {}): PeerInfo => ({
  peerId,
  displayName: peerId,
  roomRole: 'party',
  roleLabel: '申请人',
  side: 'A',
  connected: true,
  mode: null,
  producers: [],
  ...over,
});

describe('mergeChat', () => {
  it('dedupes by id and sorts by time', () => {
    const a = [msg('2', '2026-01-01T00:00:02Z'), msg('1', '2026-01-01T00:00:01Z')];
    const b = [msg('3', '2026-01-01T00:00:03Z'), msg('2', '2026-01-01T00:00:02Z', 'again')];
    expect(mergeChat(a, b).map((m) => `${m.id}:${m.text}`)).toEqual(['1:1', '2:again', '3:3']);
  });
  it('keeps the newest when over the cap', () => {
    const many = Array.from({ length: 10 }, (_, i) => msg(String(i), new Date(1000 * i).toISOString()));
    expect(mergeChat([], many, 3).map((m) => m.id)).toEqual(['7', '8', '9']);
  });
});

describe('orderPeers', () => {
  it('puts self first, then the mediator, then sides', () => {
    const list = [
      peer('b', { side: 'B' }),
      peer('n', { side: 'NEUTRAL' }),
      peer('m', { roomRole: 'mediator', side: 'NEUTRAL' }),
      peer('a'),
      peer('me', { side: 'B' }),
    ];
    expect(orderPeers(list, 'me').map((p) => p.peerId)).toEqual(['me', 'm', 'a', 'b', 'n']);
  });
  it('puts the judge with those who lead, before the sides', () => {
    const list = [peer('b', { side: 'B' }), peer('j', { roomRole: 'judge', side: 'NEUTRAL' }), peer('a'), peer('me', { side: 'A' })];
    expect(orderPeers(list, 'me').map((p) => p.peerId)).toEqual(['me', 'j', 'a', 'b']);
  });
});

describe('formatting', () => {
  it('formats elapsed time', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(187_000)).toBe('3:07');
    expect(formatElapsed(3_725_000)).toBe('1:02:05');
    expect(formatElapsed(-5)).toBe('0:00');
  });
  it('formats waiting time', () => {
    const now = Date.parse('2026-01-01T01:00:00Z');
    expect(formatWaiting('2026-01-01T00:59:30Z', now)).toBe('已等待 30 秒');
    expect(formatWaiting('2026-01-01T00:55:00Z', now)).toBe('已等待 5 分钟');
    expect(formatWaiting('2025-12-31T23:30:00Z', now)).toBe('已等待 1 小时 30 分钟');
    expect(formatWaiting('garbage', now)).toBe('');
    expect(formatWaiting('2026-01-01T01:00:10Z', now)).toBe('已等待 0 秒'); // clock skew
  });
});

describe('diffs', () => {
  it('finds new lobby arrivals', () => {
    const e = (peerId: string): LobbyEntry => ({
      peerId,
      displayName: peerId,
      roleLabel: '',
      side: 'A',
      identityConfirmed: true,
      consentGiven: true,
      waitingSince: '',
    });
    expect(newArrivals([e('a')], [e('a'), e('b')]).map((x) => x.peerId)).toEqual(['b']);
  });
  it('finds roster joins and leaves, ignoring self', () => {
    const r = rosterChanges([peer('me'), peer('a')], [peer('me'), peer('b')], 'me');
    expect(r.joined.map((p) => p.peerId)).toEqual(['b']);
    expect(r.left.map((p) => p.peerId)).toEqual(['a']);
  });
});

describe('gridShape', () => {
  it('stacks on phones and spreads on wide screens', () => {
    expect(gridShape(1, false)).toEqual({ cols: 1, rows: 1 });
    expect(gridShape(2, false)).toEqual({ cols: 1, rows: 2 });
    expect(gridShape(3, false)).toEqual({ cols: 2, rows: 2 });
    expect(gridShape(2, true)).toEqual({ cols: 2, rows: 1 });
    expect(gridShape(5, true)).toEqual({ cols: 3, rows: 2 });
    expect(gridShape(0, true)).toEqual({ cols: 1, rows: 1 });
  });
});
