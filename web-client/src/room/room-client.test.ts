// RoomClient's state machine against a socket that answers like the server (Node has no WebRTC:
// media setup fails with the "unsupported browser" message, which is itself part of what is checked).
import { describe, expect, it, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import { parseAck, roomRequest, RoomRequestError } from './protocol.ts';
import { FakeSocket, self, settle, fakeTrack, make, installRoomClientHarness } from './room-client.harness.ts';

installRoomClientHarness();

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

  it('an early socket still connecting is not connected again: its own connect brings the one join', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: true, self: self(), status: 'lobby' });
    s.active = true; // early-socket.ts called connect(); the namespace's CONNECT is on its way
    const { c } = make(s);
    c.start();
    await settle();
    expect(s.connects).toBe(0);
    expect(s.count('room:join')).toBe(0);
    s.connected = true;
    s.fire('connect');
    await settle();
    expect(s.count('room:join')).toBe(1);
    expect(c.getState().status).toBe('lobby');
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
