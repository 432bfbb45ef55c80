// RoomClient's state machine against a fake socket (Node has no WebRTC: media setup fails
// with the "unsupported browser" message, which is itself part of what is checked).
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import { parseAck, roomRequest, RoomRequestError } from './protocol.ts';
import { RoomClient } from './room-client.ts';

type Handler = (payload: any) => unknown;

class FakeSocket {
  connected = false;
  active = true;
  readonly listeners = new Map<string, ((...args: any[]) => void)[]>();
  readonly sent: { event: string; payload: unknown }[] = [];
  server: Record<string, Handler> = {};

  on(event: string, fn: (...args: any[]) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  removeAllListeners() {
    this.listeners.clear();
    return this;
  }
  emit(event: string, payload: unknown, ack?: (r: unknown) => void) {
    this.sent.push({ event, payload });
    ack?.({ ok: true });
    return this;
  }
  timeout() {
    return {
      emitWithAck: async (event: string, payload: unknown) => {
        this.sent.push({ event, payload });
        const h = this.server[event];
        return h ? h(payload) : { ok: false, code: 'INTERNAL', message: '服务器内部错误' };
      },
    };
  }
  connect() {
    this.connected = true;
    this.fire('connect');
    return this;
  }
  disconnect() {
    const was = this.connected;
    this.connected = false;
    this.active = false;
    if (was) this.fire('disconnect', 'io client disconnect');
    return this;
  }
  /** Network loss: socket.io keeps trying (active stays true). */
  drop() {
    this.connected = false;
    this.fire('disconnect', 'transport close');
  }
  fire(event: string, ...args: unknown[]) {
    for (const fn of this.listeners.get(event) ?? []) fn(...args);
  }
  count(event: string) {
    return this.sent.filter((s) => s.event === event).length;
  }
}

const self = (roomRole: 'party' | 'mediator' = 'party') => ({
  peerId: roomRole === 'party' ? 'p1' : 'm1',
  displayName: roomRole === 'party' ? '李某' : '李瑞芳',
  roleLabel: roomRole === 'party' ? '申请人' : '调解员',
  roomRole,
  side: roomRole === 'party' ? ('A' as const) : ('NEUTRAL' as const),
  caseNumber: '青山调〔2026〕第1号',
  caseTitle: '漏水纠纷',
});

const tick = () => new Promise((r) => setTimeout(r, 0));
async function settle() {
  for (let i = 0; i < 10; i++) await tick();
}

const fakeTrack = () => ({ enabled: true, readyState: 'live', kind: 'audio' }) as unknown as MediaStreamTrack;

let clients: RoomClient[] = [];
function make(sock: FakeSocket, opts: Partial<ConstructorParameters<typeof RoomClient>[0]> = {}) {
  const c = new RoomClient({ caseId: 'case1', audioTrack: null, videoTrack: null, socket: sock as unknown as Socket, ...opts });
  const notices: string[] = [];
  c.onNotice((t) => notices.push(t));
  clients.push(c);
  return { c, notices };
}

beforeAll(() => {
  (globalThis as any).window ??= globalThis;
  vi.spyOn(console, 'warn').mockImplementation(() => undefined); // expected "[room] ignored …" lines
});
afterEach(() => {
  for (const c of clients) c.destroy();
  clients = [];
});

describe('parseAck / roomRequest', () => {
  it('returns typed data or throws the server message', () => {
    expect(parseAck('mediator:admit', { ok: true })).toEqual({});
    expect(() => parseAck('mediator:admit', { ok: false, code: 'FORBIDDEN', message: '只有调解员可以执行此操作' })).toThrow('只有调解员可以执行此操作');
    try {
      parseAck('room:join', { ok: true, self: {} });
    } catch (e) {
      expect((e as RoomRequestError).code).toBe('BAD_RESPONSE');
    }
    expect(() => parseAck('room:leave', 'nonsense')).toThrow(RoomRequestError);
  });
  it('refuses immediately while offline instead of buffering', async () => {
    const s = new FakeSocket();
    await expect(roomRequest(s as unknown as Socket, 'chat:history', {})).rejects.toMatchObject({ code: 'OFFLINE' });
    expect(s.sent).toHaveLength(0);
  });
});

describe('RoomClient', () => {
  it('party: lobby → admitted → media setup fails cleanly without WebRTC, chat still loads', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: true, self: self(), status: 'lobby' });
    s.server['chat:history'] = () => ({
      ok: true,
      messages: [{ id: 'c1', fromPeerId: 'm1', fromName: '李瑞芳', text: '您好', at: '2026-01-01T00:00:00Z', scope: 'joint' }],
    });
    s.server['media:getRouterRtpCapabilities'] = () => ({ ok: true, rtpCapabilities: { codecs: [] } });
    const { c } = make(s);
    c.start();
    await settle();
    expect(c.getState().status).toBe('lobby');
    expect(c.getState().lobbySince).toBeTypeOf('number');
    expect(window.__jiefenRoom?.status).toBe('lobby');
    expect(window.__jiefenRoom?.peerId).toBe('p1');

    s.fire('room:admitted', {});
    await settle();
    const st = c.getState();
    expect(st.status).toBe('admitted');
    expect(st.mediaStatus).toBe('failed');
    expect(st.mediaError).toMatch(/不支持音视频/);
    expect(st.chat.map((m) => m.text)).toEqual(['您好']);
  });

  it('party: room:admitted decoded before the join reply continues still admits (no stuck lobby)', async () => {
    const s = new FakeSocket();
    // The reply says "lobby", but the admission arrives in the same batch, ahead of the continuation.
    s.server['room:join'] = () => {
      queueMicrotask(() => s.fire('room:admitted', {}));
      return { ok: true, self: self(), status: 'lobby' };
    };
    s.server['media:getRouterRtpCapabilities'] = () => ({ ok: true, rtpCapabilities: { codecs: [] } });
    const { c } = make(s);
    c.start();
    await settle();
    expect(c.getState().status).toBe('admitted');
  });

  it('mediator: roster, lobby arrivals, chat unread and sending', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: true, self: self('mediator'), status: 'admitted' });
    s.server['chat:history'] = () => ({ ok: true, messages: [] });
    s.server['chat:send'] = ({ text }) => ({
      ok: true,
      message: { id: 'c9', fromPeerId: 'm1', fromName: '李瑞芳', text, at: '2026-01-01T00:01:00Z', scope: 'joint' },
    });
    s.server['mediator:admit'] = () => ({ ok: false, code: 'PEER_NOT_FOUND', message: '等候区中没有该参与人' });
    const { c, notices } = make(s);
    c.start();
    await settle();
    s.fire('room:lobby', {
      waiting: [
        {
          peerId: 'p1',
          displayName: '李某',
          roleLabel: '申请人',
          side: 'A',
          identityConfirmed: true,
          consentGiven: false,
          waitingSince: new Date().toISOString(),
        },
      ],
    });
    s.fire('room:lobby', { waiting: 'garbage' }); // ignored
    expect(c.getState().lobby).toHaveLength(1);
    expect(notices).toContain('李某（申请人）正在等候区等待进入');

    s.fire('chat:message', { id: 'c2', fromPeerId: 'p1', fromName: '李某', text: '在吗', at: '2026-01-01T00:00:30Z', scope: 'joint' });
    expect(c.getState().chatUnread).toBe(1);
    c.setChatOpen(true);
    expect(c.getState().chatUnread).toBe(0);
    await c.sendChat('在的');
    expect(c.getState().chat.map((m) => m.id)).toEqual(['c2', 'c9']);

    await expect(c.admit('p1')).rejects.toThrow('等候区中没有该参与人');

    const peer = (peerId: string, name: string) => ({
      peerId,
      displayName: name,
      roomRole: 'party',
      roleLabel: '申请人',
      side: 'A',
      connected: true,
      mode: null,
      producers: [],
    });
    s.fire('room:peers', { peers: [peer('m1', '李瑞芳')] });
    s.fire('room:peers', { peers: [peer('m1', '李瑞芳'), peer('p1', '李某')] });
    expect(notices).toContain('李某（申请人）已进入调解室');
    s.fire('room:activeSpeaker', { peerId: 'p1' });
    expect(c.getState().activeSpeaker).toBe('p1');
  });

  it('reconnect: shows the banner, re-joins, and falls back to the lobby when the place was lost', async () => {
    const s = new FakeSocket();
    let status: 'admitted' | 'lobby' = 'admitted';
    s.server['room:join'] = () => ({ ok: true, self: self(), status });
    s.server['chat:history'] = () => ({ ok: true, messages: [] });
    const { c, notices } = make(s);
    c.start();
    await settle();
    expect(c.getState().status).toBe('admitted');

    s.drop();
    expect(c.getState()).toMatchObject({ online: false, reconnecting: true, status: 'admitted' });
    status = 'lobby';
    s.connect();
    await settle();
    expect(c.getState()).toMatchObject({ online: true, reconnecting: false, status: 'lobby' });
    expect(s.count('room:join')).toBe(2);
    expect(notices.some((n) => n.includes('重新等待调解员准许'))).toBe(true);
  });

  it('server-closed sockets are reopened; refused connections end with the server message', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: true, self: self(), status: 'lobby' });
    const { c } = make(s);
    c.start();
    await settle();
    s.connected = false;
    s.fire('disconnect', 'io server disconnect');
    await settle();
    expect(s.connected).toBe(true);
    expect(s.count('room:join')).toBe(2);

    const s2 = new FakeSocket();
    const { c: c2 } = make(s2);
    c2.start();
    s2.connected = false;
    s2.active = false;
    s2.fire('connect_error', Object.assign(new Error('邀请链接已过期'), { data: { code: 'TOKEN_EXPIRED' } }));
    expect(c2.getState()).toMatchObject({ status: 'error', message: '邀请链接已过期', errorCode: 'TOKEN_EXPIRED' });
    expect(c.getState().status).toBe('lobby');
  });

  it('final events: denied / removed / ended stop the session', async () => {
    for (const [event, status] of [
      ['room:denied', 'denied'],
      ['room:removed', 'removed'],
      ['room:ended', 'ended'],
    ] as const) {
      const s = new FakeSocket();
      s.server['room:join'] = () => ({ ok: true, self: self(), status: 'lobby' });
      const { c } = make(s);
      c.start();
      await settle();
      s.fire(event, { message: `服务器说：${status}`, reason: 'removed' });
      expect(c.getState()).toMatchObject({ status, message: `服务器说：${status}` });
      expect(s.connected).toBe(false);
      // Nothing re-joins after the end.
      s.fire('connect');
      await settle();
      expect(s.count('room:join')).toBe(1);
    }
  });

  it('removed because access was taken away: the reason is kept, and explained when the server sent no message', async () => {
    for (const [reason, message] of [
      ['access-revoked', '您参加本案调解的权限已被收回，无法继续留在调解室'],
      ['link-revoked', '您的邀请链接已被撤销，请联系调解员获取新链接'],
    ] as const) {
      const s = new FakeSocket();
      s.server['room:join'] = () => ({ ok: true, self: self(), status: 'lobby' });
      const { c } = make(s);
      c.start();
      await settle();
      s.fire('room:removed', { message: '', reason });
      expect(c.getState()).toMatchObject({ status: 'removed', removalReason: reason, message });
      expect(s.connected).toBe(false);
    }
  });

  it('join errors: fatal codes end with the message, ROOM_ENDED shows the ended screen', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: false, code: 'FORBIDDEN', message: '您不是本案的调解员' });
    const { c } = make(s);
    c.start();
    await settle();
    expect(c.getState()).toMatchObject({ status: 'error', message: '您不是本案的调解员', errorCode: 'FORBIDDEN' });

    const s2 = new FakeSocket();
    s2.server['room:join'] = () => ({ ok: false, code: 'ROOM_ENDED', message: '本次在线调解已结束' });
    const { c: c2 } = make(s2);
    c2.start();
    await settle();
    expect(c2.getState().status).toBe('ended');
  });

  it('join: every refusal that waiting cannot change is final (TOKEN_WRONG_CASE too); retryable codes re-join', async () => {
    for (const code of ['TOKEN_WRONG_CASE', 'TOKEN_REVOKED', 'CASE_NOT_FOUND', 'ALREADY_IN_OTHER_ROOM'] as const) {
      const s = new FakeSocket();
      s.server['room:join'] = () => ({ ok: false, code, message: '不能进入' });
      const { c } = make(s);
      c.start();
      await settle();
      expect(c.getState()).toMatchObject({ status: 'error', errorCode: code });
      expect(s.count('room:join')).toBe(1);
    }
    vi.useFakeTimers();
    try {
      const s = new FakeSocket();
      let answers = 0;
      s.server['room:join'] = () =>
        ++answers === 1 ? { ok: false, code: 'ROOM_UNAVAILABLE', message: '暂时无法连接' } : { ok: true, self: self(), status: 'lobby' };
      const { c } = make(s);
      c.start();
      await vi.advanceTimersByTimeAsync(2_500);
      expect(s.count('room:join')).toBe(2);
      expect(c.getState().status).not.toBe('error');
    } finally {
      vi.useRealTimers();
    }
  });

  it('the answer to a join abandoned by a drop is ignored once the re-join is under way (no extra join)', async () => {
    const s = new FakeSocket();
    let release: (v: unknown) => void = () => undefined;
    let answers = 0;
    s.server['room:join'] = () => (++answers === 1 ? new Promise((r) => (release = r)) : { ok: true, self: self(), status: 'lobby' });
    const { c } = make(s);
    c.start();
    await settle();
    s.drop();
    expect(c.getState()).toMatchObject({ status: 'connecting', online: false, reconnecting: false });
    s.connect();
    await settle();
    expect(c.getState().status).toBe('lobby');
    release({ ok: false, code: 'ROOM_UNAVAILABLE', message: '暂时无法连接' }); // would schedule a retry
    await new Promise((r) => setTimeout(r, 2_100));
    expect(s.count('room:join')).toBe(2);
    expect(c.getState().status).toBe('lobby');
  });

  it('a final event whose payload cannot be read still ends the session', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: true, self: self(), status: 'lobby' });
    const { c } = make(s);
    c.start();
    await settle();
    s.fire('room:ended', { message: 42 });
    expect(c.getState()).toMatchObject({ status: 'ended', message: '本次在线调解已结束' });
    expect(s.connected).toBe(false);
  });

  it('mic toggle before media exists only flips the local track; leave tells the server', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: true, self: self(), status: 'lobby' });
    s.server['room:leave'] = () => ({ ok: true });
    const track = fakeTrack();
    const { c } = make(s, { audioTrack: track });
    c.start();
    await settle();
    await c.toggleMic();
    expect(c.getState().local.micMuted).toBe(true);
    expect(track.enabled).toBe(false);
    await c.toggleMic();
    expect(track.enabled).toBe(true);
    await c.leave();
    expect(s.count('room:leave')).toBe(1);
    expect(c.getState().status).toBe('left');
    expect(track.readyState).toBe('live'); // local tracks belong to the page
  });

  it('acks a consumer it cannot take with ok:false', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: true, self: self(), status: 'lobby' });
    const { c } = make(s);
    c.start();
    await settle();
    const replies: unknown[] = [];
    s.fire(
      'media:newConsumer',
      { consumerId: 'c', producerId: 'p', peerId: 'x', kind: 'video', source: 'camera', rtpParameters: {}, producerPaused: false },
      (r: unknown) => replies.push(r),
    );
    s.fire('media:newConsumer', { bad: true }, (r: unknown) => replies.push(r));
    await settle();
    expect(replies).toEqual([expect.objectContaining({ ok: false, code: 'TRANSPORT_NOT_FOUND' }), expect.objectContaining({ ok: false, code: 'VALIDATION' })]);
    expect(c.getState().remote).toHaveLength(0);
  });
});

describe('RoomClient: 背对背 (caucus)', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const location = (room: string, waiting = false) => ({ room, waiting, since: at(0), message: waiting ? '调解员正在与对方单独沟通，请稍候' : null });
  const chatMsg = (id: string, text: string) => ({ id, fromPeerId: 'm1', fromName: '李瑞芳', text, at: at(1), scope: 'joint' });
  const peerOf = (peerId: string, side: 'A' | 'B' | 'NEUTRAL', roomRole: 'party' | 'mediator' = 'party') => ({
    peerId,
    displayName: peerId,
    roomRole,
    roleLabel: '申请人',
    side,
    connected: true,
    mode: null,
    producers: [],
  });

  it('a move clears the visible chat and loads the new room history; re-sent locations change nothing', async () => {
    const s = new FakeSocket();
    let history = [chatMsg('j1', '联合')];
    s.server['room:join'] = () => ({ ok: true, self: self(), status: 'admitted' });
    s.server['chat:history'] = () => ({ ok: true, messages: history });
    const { c, notices } = make(s);
    c.start();
    await settle();
    s.fire('room:location', location('joint'));
    await settle();
    expect(c.getState().chat.map((m) => m.id)).toEqual(['j1']);
    expect(window.__jiefenRoom?.location?.room).toBe('joint');
    const loads = s.count('chat:history');

    s.fire('room:location', { ...location('joint'), since: at(5) }); // same place, re-sent
    await settle();
    expect(s.count('chat:history')).toBe(loads);

    history = [chatMsg('k1', '单独')];
    s.fire('chat:message', chatMsg('j2', 'late'));
    s.fire('room:location', location('c1'));
    expect(c.getState().chat).toEqual([]);
    expect(c.getState().chatUnread).toBe(0);
    await settle();
    expect(c.getState().chat.map((m) => m.id)).toEqual(['k1']);
    expect(s.count('chat:history')).toBe(loads + 1);
    expect(notices).toContain('调解员正在与您单独沟通');

    // Waiting: nothing to load, nothing shown.
    s.fire('room:location', location('joint', true));
    await settle();
    expect(c.getState().chat).toEqual([]);
    expect(s.count('chat:history')).toBe(loads + 1);
    expect(c.getState().location?.waiting).toBe(true);
  });

  it('drops a history answer about the room I just left', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: true, self: self(), status: 'admitted' });
    let release: (v: unknown) => void = () => undefined;
    let calls = 0;
    s.server['chat:history'] = () => {
      calls++;
      if (calls === 1) return { ok: true, messages: [] };
      if (calls === 2) return new Promise((r) => (release = r));
      return { ok: true, messages: [chatMsg('k1', 'caucus')] };
    };
    const { c } = make(s);
    c.start();
    await settle();
    s.fire('room:location', location('joint')); // load #2 hangs
    await settle();
    s.fire('room:location', location('c1')); // load #3
    await settle();
    release({ ok: true, messages: [chatMsg('j1', 'joint')] });
    await settle();
    expect(c.getState().chat.map((m) => m.id)).toEqual(['k1']);
  });

  it('parties: roster changes caused by a move are not announced as arrivals/departures', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: true, self: self(), status: 'admitted' });
    s.server['chat:history'] = () => ({ ok: true, messages: [] });
    const { c, notices } = make(s);
    c.start();
    await settle();
    s.fire('room:location', location('joint'));
    s.fire('room:peers', { peers: [peerOf('p1', 'A'), peerOf('m1', 'NEUTRAL', 'mediator'), peerOf('b1', 'B')] });
    s.fire('room:peers', { peers: [peerOf('p1', 'A'), peerOf('m1', 'NEUTRAL', 'mediator')] });
    s.fire('room:location', location('c1'));
    await new Promise((r) => setTimeout(r, 700));
    expect(notices.filter((n) => n.includes('当前会话'))).toEqual([]);
    // A real departure (no move) is still announced.
    s.fire('room:peers', { peers: [peerOf('p1', 'A')] });
    await new Promise((r) => setTimeout(r, 700));
    expect(notices).toContain('m1（申请人）已离开当前会话');
    expect(c.getState().peers).toHaveLength(1);
  });

  it('mediators: caucus requests, caucuses, knocks (pruned when nobody waits), audience on the debug handle', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: true, self: self('mediator'), status: 'admitted' });
    s.server['chat:history'] = () => ({ ok: true, messages: [] });
    s.server['caucus:start'] = () => ({ ok: true, caucusId: 'c1' });
    s.server['caucus:end'] = () => ({ ok: true });
    s.server['caucus:endAll'] = () => ({ ok: false, code: 'FORBIDDEN', message: '只有调解员可以执行此操作' });
    const { c } = make(s);
    c.start();
    await settle();
    expect(await c.startCaucus(['a1', 'a2'])).toBe('c1');
    await c.startCaucus(['b1'], ['m1', 'm2']);
    await c.endCaucus('c1');
    await expect(c.endAllCaucuses()).rejects.toThrow('只有调解员可以执行此操作');
    expect(s.sent.filter((x) => x.event.startsWith('caucus:')).map((x) => x.payload)).toEqual([
      { peerIds: ['a1', 'a2'] },
      { peerIds: ['b1'], mediatorPeerIds: ['m1', 'm2'] },
      { caucusId: 'c1' },
      {},
    ]);

    s.fire('room:peers', { peers: [peerOf('m1', 'NEUTRAL', 'mediator'), peerOf('a1', 'A'), peerOf('b1', 'B')] });
    const caucuses = [{ caucusId: 'c1', memberPeerIds: ['a1'], mediatorPeerIds: ['m1'], startedAt: at(0) }];
    s.fire('room:caucuses', { caucuses });
    s.fire('room:knock', { peerId: 'b1', displayName: '李四', at: at(3) });
    s.fire('room:knock', { peerId: 'b1', displayName: '李四', at: at(4) });
    expect(c.getState().knocks).toEqual([{ peerId: 'b1', displayName: '李四', at: at(4) }]);
    expect(window.__jiefenRoom?.caucuses).toEqual(caucuses);
    s.fire('room:caucuses', { caucuses: [] });
    expect(c.getState().knocks).toEqual([]);
    s.fire('room:knock', { peerId: 'b1', displayName: '李四', at: at(5) });
    c.dismissKnock('b1');
    expect(c.getState().knocks).toEqual([]);

    const audience = { audio: [{ peerId: 'a1', displayName: '张三' }], video: [] };
    s.fire('room:audience', audience);
    s.fire('room:audience', { audio: 'bad' });
    expect(window.__jiefenRoom?.audience).toEqual(audience);
    expect(await window.__jiefenRoom?.iceStates()).toEqual({ send: null, recv: null });
    expect(window.__jiefenRoom?.iceRestarts).toBe(0);
  });

  it('notepads: load, save, live updates (never overwritten by an older answer), carry', async () => {
    const s = new FakeSocket();
    const pad = (side: 'A' | 'B', content: string, sec: number | null) => ({
      side,
      content,
      updatedAt: sec === null ? null : at(sec),
      updatedBy: sec === null ? null : '张三',
    });
    s.server['room:join'] = () => ({ ok: true, self: self(), status: 'admitted' });
    s.server['chat:history'] = () => ({ ok: true, messages: [] });
    s.server['notepad:get'] = ({ side }) => ({ ok: true, ...pad(side, '', null) });
    s.server['notepad:update'] = ({ side, content }) => ({ ok: true, ...pad(side, content, 10) });
    s.server['caucus:carry'] = ({ toSide, text }) => ({ ok: true, ...pad(toSide, `【转达】\n${text}`, 20) });
    const { c } = make(s);
    c.start();
    await settle();
    await c.loadNotepad('A');
    expect(c.getState().notepads.A?.content).toBe('');
    await c.saveNotepad('A', '我方诉求');
    expect(c.getState().notepads.A).toMatchObject({ content: '我方诉求', updatedBy: '张三' });
    s.fire('notepad:updated', pad('A', '调解员补充', 30));
    s.fire('notepad:updated', pad('A', '更早的版本', 5)); // out of order: ignored
    expect(c.getState().notepads.A?.content).toBe('调解员补充');
    expect(c.getState().notepadUnseen).toBe(true);
    c.setNotepadOpen(true);
    expect(c.getState().notepadUnseen).toBe(false);
    s.fire('notepad:updated', pad('A', '再补充', 40));
    expect(c.getState().notepadUnseen).toBe(false);
    await c.carry('A', 'B', '愿意分期付款');
    expect(c.getState().notepads.B?.content).toBe('【转达】\n愿意分期付款');
    expect(s.sent.find((x) => x.event === 'caucus:carry')?.payload).toEqual({ fromSide: 'A', toSide: 'B', text: '愿意分期付款' });
  });

  it('back in the lobby, caucus state is forgotten', async () => {
    const s = new FakeSocket();
    let status: 'admitted' | 'lobby' = 'admitted';
    s.server['room:join'] = () => ({ ok: true, self: self(), status });
    s.server['chat:history'] = () => ({ ok: true, messages: [] });
    const { c } = make(s);
    c.start();
    await settle();
    s.fire('room:location', location('joint', true));
    s.fire('room:audience', { audio: [], video: [] });
    s.drop();
    status = 'lobby';
    s.connect();
    await settle();
    expect(c.getState()).toMatchObject({ status: 'lobby', location: null, audience: null, caucuses: [], knocks: [] });
  });
});
