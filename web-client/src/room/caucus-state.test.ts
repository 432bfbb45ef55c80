import { describe, expect, it } from 'vitest';
import {
  addKnock,
  audienceCount,
  audienceNames,
  caucusLabel,
  colocatedPeers,
  elapsedSince,
  formatClock,
  isPeerWaiting,
  leaderWord,
  locationNotice,
  locationText,
  mergeNotepad,
  pruneKnocks,
  sameLocation,
  sidePeerIds,
} from './caucus-state.ts';
import type { CaucusInfo, Location, PeerInfo } from './protocol.ts';

const peer = (peerId: string, side: PeerInfo['side'], roomRole: PeerInfo['roomRole'] = 'party', displayName = peerId): PeerInfo => ({
  peerId,
  displayName,
  roomRole,
  roleLabel: roomRole === 'mediator' ? '调解员' : roomRole === 'judge' ? '法官' : '申请人',
  side,
  connected: true,
  mode: null,
  producers: [],
});
const loc = (room: string, waiting = false, since = '2026-01-01T00:00:00Z'): Location => ({
  room,
  waiting,
  since,
  message: waiting ? '调解员正在与对方单独沟通，请稍候' : null,
});
const caucus = (caucusId: string, memberPeerIds: string[], mediatorPeerIds: string[]): CaucusInfo => ({
  caucusId,
  memberPeerIds,
  mediatorPeerIds,
  startedAt: '2026-01-01T00:00:00Z',
});

// m1, m2 mediators; a1 (申请人) + a2 (代理人) side A; b1 side B; n1 neutral interpreter.
const peers = [
  peer('m1', 'NEUTRAL', 'mediator', '李调解'),
  peer('m2', 'NEUTRAL', 'mediator', '王调解'),
  peer('a1', 'A', 'party', '张三'),
  peer('a2', 'A', 'party', '张律师'),
  peer('b1', 'B', 'party', '李四'),
  peer('n1', 'NEUTRAL', 'party', '翻译'),
];

describe('formatClock / elapsedSince', () => {
  it('pads minutes and seconds, adds hours when needed', () => {
    expect(formatClock(0)).toBe('00:00');
    expect(formatClock(192_000)).toBe('03:12');
    expect(formatClock(3_725_000)).toBe('1:02:05');
    expect(formatClock(-1000)).toBe('00:00');
    expect(formatClock(Number.NaN)).toBe('00:00');
  });
  it('measures from an ISO time, never negative', () => {
    const now = Date.parse('2026-01-01T00:03:12Z');
    expect(elapsedSince('2026-01-01T00:00:00Z', now)).toBe(192_000);
    expect(elapsedSince('2026-01-01T00:05:00Z', now)).toBe(0);
    expect(elapsedSince('garbage', now)).toBe(0);
    expect(elapsedSince(null, now)).toBe(0);
  });
});

describe('locations', () => {
  it('compares room and waiting only (since/message may be re-sent)', () => {
    expect(sameLocation(loc('joint'), loc('joint', false, '2026-02-02T00:00:00Z'))).toBe(true);
    expect(sameLocation(loc('joint'), loc('joint', true))).toBe(false);
    expect(sameLocation(loc('joint'), loc('c1'))).toBe(false);
    expect(sameLocation(null, loc('joint'))).toBe(false);
    expect(sameLocation(null, null)).toBe(true);
  });
  it('tells parties about moves, never on the first location or while waiting', () => {
    expect(locationNotice(null, loc('c1'), false)).toBeNull();
    expect(locationNotice(loc('joint'), loc('c1'), false)).toBe('调解员正在与您单独沟通');
    expect(locationNotice(loc('joint'), loc('joint', true), false)).toBeNull();
    expect(locationNotice(loc('joint', true), loc('joint'), false)).toBe('已回到联合调解');
    expect(locationNotice(loc('c1'), loc('joint'), false)).toBe('已回到联合调解');
    expect(locationNotice(loc('c1'), loc('joint'), true)).toBe('已回到联合调解');
    expect(locationNotice(loc('c1'), loc('c2'), true)).toBeNull();
  });
  it('describes where I am', () => {
    const cs = [caucus('c1', ['a1', 'a2'], ['m1'])];
    expect(locationText(loc('c1'), cs, peers, true)).toBe('正在与甲方单独沟通');
    expect(locationText(loc('c1'), [], peers, false)).toBe('您正在与调解员单独沟通');
    expect(locationText(loc('joint'), cs, peers, true)).toBe('联合调解中 · 另有1个单独沟通进行中');
    expect(locationText(loc('joint'), [], peers, true)).toBe('联合调解中');
    expect(locationText(loc('joint', true), [], peers, false)).toBe('调解员正在与对方单独沟通，请稍候');
    expect(locationText(null, [], peers, true)).toBe('');
  });
});

describe('caucus labels and membership', () => {
  it('labels one-sided caucuses by side (neutral members aside), mixed ones by names', () => {
    expect(caucusLabel(caucus('c', ['a1', 'a2', 'n1'], ['m1']), peers)).toBe('甲方');
    expect(caucusLabel(caucus('c', ['b1'], ['m1']), peers)).toBe('乙方');
    expect(caucusLabel(caucus('c', ['a1', 'b1'], ['m1']), peers)).toBe('张三、李四');
    expect(caucusLabel(caucus('c', ['a1', 'a2', 'b1', 'n1'], ['m1']), peers)).toBe('张三、张律师、李四等4人');
    expect(caucusLabel(caucus('c', ['gone'], ['m1']), peers)).toBe('1位参与人');
  });
  it('picks a whole side, agents included, plus chosen neutral participants (never mediators)', () => {
    expect(sidePeerIds(peers, 'A')).toEqual(['a1', 'a2']);
    expect(sidePeerIds(peers, 'B', ['n1', 'm2', 'x'])).toEqual(['b1', 'n1']);
  });
  it('waiting: in the joint session with no mediator left there', () => {
    const oneMediatorAway = [caucus('c1', ['a1', 'a2'], ['m1'])];
    // m2 still in the joint session: nobody waits.
    expect(isPeerWaiting('b1', peers, oneMediatorAway)).toBe(false);
    const bothAway = [caucus('c1', ['a1', 'a2'], ['m1', 'm2'])];
    expect(isPeerWaiting('b1', peers, bothAway)).toBe(true);
    expect(isPeerWaiting('a1', peers, bothAway)).toBe(false);
    expect(isPeerWaiting('b1', peers, [])).toBe(false);
  });
  it('the judge leads like a mediator: parties with it are not waiting, it never waits, parties call it 法官', () => {
    const judged = [peer('j1', 'NEUTRAL', 'judge', '王法官'), peer('a1', 'A', 'party', '张三'), peer('b1', 'B', 'party', '李四')];
    const questioningA = [caucus('c1', ['a1'], ['j1'])];
    expect(isPeerWaiting('b1', judged, questioningA)).toBe(true);
    expect(isPeerWaiting('j1', judged, questioningA)).toBe(false);
    expect(isPeerWaiting('b1', [...judged, peer('m1', 'NEUTRAL', 'mediator')], questioningA)).toBe(false);
    expect(leaderWord(judged)).toBe('法官');
    expect(leaderWord([...judged, peer('m1', 'NEUTRAL', 'mediator')])).toBe('调解员');
    expect(leaderWord([])).toBe('调解员');
    // Party A in the judge's caucus sees only who is there with it.
    expect(locationText(loc('c1'), [], [judged[0]!, judged[1]!], false)).toBe('您正在与法官单独沟通');
    expect(locationNotice(loc('joint'), loc('c1'), false, '法官')).toBe('法官正在与您单独沟通');
    expect(locationText(loc('c1'), questioningA, judged, true)).toBe('正在与甲方单独沟通');
  });
  it('tiles show only the people in my room', () => {
    const cs = [caucus('c1', ['a1', 'a2'], ['m1'])];
    expect(colocatedPeers(peers, cs, loc('c1'), 'm1').map((p) => p.peerId)).toEqual(['m1', 'a1', 'a2']);
    expect(colocatedPeers(peers, cs, loc('joint'), 'm2').map((p) => p.peerId)).toEqual(['m2', 'b1', 'n1']);
    // Parties get no caucus list: the server's roster is already filtered.
    expect(colocatedPeers(peers, [], loc('c1'), 'a1')).toHaveLength(peers.length);
    expect(colocatedPeers(peers, cs, null, 'm1')).toHaveLength(peers.length);
  });
});

describe('knocks', () => {
  it('keeps one knock per participant, the latest last', () => {
    const k1 = { peerId: 'b1', displayName: '李四', at: '2026-01-01T00:01:00Z' };
    const k2 = { peerId: 'n1', displayName: '翻译', at: '2026-01-01T00:02:00Z' };
    const k3 = { ...k1, at: '2026-01-01T00:03:00Z' };
    expect(addKnock(addKnock(addKnock([], k1), k2), k3)).toEqual([k2, k3]);
  });
  it('drops knocks of participants who are no longer waiting', () => {
    const knocks = [{ peerId: 'b1', displayName: '李四', at: '' }];
    const waitingState = [caucus('c1', ['a1'], ['m1', 'm2'])];
    expect(pruneKnocks(knocks, peers, waitingState)).toBe(knocks);
    expect(pruneKnocks(knocks, peers, [])).toEqual([]);
    expect(pruneKnocks(knocks, peers, [caucus('c2', ['b1'], ['m1'])])).toEqual([]);
  });
});

describe('audience', () => {
  it('lists names or 无人, counts distinct people', () => {
    const a = {
      audio: [
        { peerId: 'm1', displayName: '李调解' },
        { peerId: 'a2', displayName: '张律师' },
      ],
      video: [{ peerId: 'm1', displayName: '李调解' }],
    };
    expect(audienceNames(a.audio)).toBe('李调解、张律师');
    expect(audienceNames([])).toBe('无人');
    expect(audienceNames(undefined)).toBe('无人');
    expect(audienceCount(a)).toBe(2);
    expect(audienceCount(null)).toBe(0);
  });
});

describe('mergeNotepad', () => {
  it('folds appends (e.g. a mediator carrying a note) into my draft', () => {
    expect(mergeNotepad('a', 'a + mine', 'a\n\n【转达】x')).toBe('a + mine\n\n【转达】x');
    expect(mergeNotepad('abc', 'abc', 'xyz')).toBe('xyz');
    expect(mergeNotepad('abc', 'abc!', 'abc')).toBe('abc!');
    expect(mergeNotepad('abc', 'abc!', 'abc!')).toBe('abc!');
    // I only appended, they rewrote: theirs plus my addition.
    expect(mergeNotepad('abc', 'abc!', 'xyz')).toBe('xyz!');
  });
  it('reports a conflict when both rewrote', () => {
    expect(mergeNotepad('abc', 'aXc', 'aYc')).toBeNull();
  });
});
