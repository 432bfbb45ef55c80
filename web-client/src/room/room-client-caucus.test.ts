// RoomClient in 背对背 (caucus): moves between rooms, chat history per room, knocks, notepads.
import { describe, expect, it } from 'vitest';
import { FakeSocket, self, settle, make, installRoomClientHarness } from './room-client.harness.ts';

installRoomClientHarness();

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

  it('a late answer to loading a never-saved notepad does not undo a save made meanwhile', async () => {
    const s = new FakeSocket();
    s.server['room:join'] = () => ({ ok: true, self: self(), status: 'admitted' });
    s.server['chat:history'] = () => ({ ok: true, messages: [] });
    let answerLoad!: () => void;
    const loaded = new Promise<void>((r) => (answerLoad = r));
    s.server['notepad:get'] = async ({ side }) => {
      await loaded;
      return { ok: true, side, content: '', updatedAt: null, updatedBy: null };
    };
    s.server['notepad:update'] = ({ side, content }) => ({ ok: true, side, content, updatedAt: at(10), updatedBy: '张三' });
    const { c } = make(s);
    c.start();
    await settle();
    // The sheet opened (load asked), the party typed, the autosave answered before the load did.
    const load = c.loadNotepad('A');
    await c.saveNotepad('A', '底线：八千元');
    answerLoad();
    await load;
    expect(c.getState().notepads.A).toMatchObject({ content: '底线：八千元', updatedBy: '张三' });
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
