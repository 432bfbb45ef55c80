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
    s.server['chat:history'] = () => ({ ok: true, messages: [{ id: 'c1', fromPeerId: 'm1', fromName: '李瑞芳', text: '您好', at: '2026-01-01T00:00:00Z' }] });
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

  it('mediator: roster, lobby arrivals, chat unread and sending', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: true, self: self('mediator'), status: 'admitted' });
    s.server['chat:history'] = () => ({ ok: true, messages: [] });
    s.server['chat:send'] = ({ text }) => ({ ok: true, message: { id: 'c9', fromPeerId: 'm1', fromName: '李瑞芳', text, at: '2026-01-01T00:01:00Z' } });
    s.server['mediator:admit'] = () => ({ ok: false, code: 'PEER_NOT_FOUND', message: '等候区中没有该参与人' });
    const { c, notices } = make(s);
    c.start();
    await settle();
    s.fire('room:lobby', { waiting: [{ peerId: 'p1', displayName: '李某', roleLabel: '申请人', side: 'A', identityConfirmed: true, consentGiven: false, waitingSince: new Date().toISOString() }] });
    s.fire('room:lobby', { waiting: 'garbage' }); // ignored
    expect(c.getState().lobby).toHaveLength(1);
    expect(notices).toContain('李某（申请人）正在等候区等待进入');

    s.fire('chat:message', { id: 'c2', fromPeerId: 'p1', fromName: '李某', text: '在吗', at: '2026-01-01T00:00:30Z' });
    expect(c.getState().chatUnread).toBe(1);
    c.setChatOpen(true);
    expect(c.getState().chatUnread).toBe(0);
    await c.sendChat('在的');
    expect(c.getState().chat.map((m) => m.id)).toEqual(['c2', 'c9']);

    await expect(c.admit('p1')).rejects.toThrow('等候区中没有该参与人');

    const peer = (peerId: string, name: string) => ({ peerId, displayName: name, roomRole: 'party', roleLabel: '申请人', side: 'A', connected: true, producers: [] });
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
    s.fire('media:newConsumer', { consumerId: 'c', producerId: 'p', peerId: 'x', kind: 'video', source: 'camera', rtpParameters: {}, producerPaused: false }, (r: unknown) => replies.push(r));
    s.fire('media:newConsumer', { bad: true }, (r: unknown) => replies.push(r));
    await settle();
    expect(replies).toEqual([
      expect.objectContaining({ ok: false, code: 'TRANSPORT_NOT_FOUND' }),
      expect.objectContaining({ ok: false, code: 'VALIDATION' }),
    ]);
    expect(c.getState().remote).toHaveLength(0);
  });
});
