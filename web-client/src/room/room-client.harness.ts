// What the RoomClient unit tests share: a socket that answers like the server would (the real
// server is exercised by tests/room), a session's self, and clients destroyed after each test.
import { afterEach, beforeAll, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import { RoomClient } from './room-client.ts';

export type Handler = (payload: any) => unknown;

export class FakeSocket {
  connected = false;
  /** As in socket.io-client: true from connect() (trying, or connected) until disconnect(). */
  active = false;
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
  /** How often connect() was called. */
  connects = 0;
  connect() {
    this.connects++;
    this.active = true;
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

export const self = (roomRole: 'party' | 'mediator' = 'party') => ({
  peerId: roomRole === 'party' ? 'p1' : 'm1',
  displayName: roomRole === 'party' ? '李某' : '李瑞芳',
  roleLabel: roomRole === 'party' ? '申请人' : '调解员',
  roomRole,
  side: roomRole === 'party' ? ('A' as const) : ('NEUTRAL' as const),
  caseNumber: '青山调〔2026〕第1号',
  caseTitle: '漏水纠纷',
});

const tick = () => new Promise((r) => setTimeout(r, 0));
export async function settle() {
  for (let i = 0; i < 10; i++) await tick();
}

export const fakeTrack = () => ({ enabled: true, readyState: 'live', kind: 'audio' }) as unknown as MediaStreamTrack;

let clients: RoomClient[] = [];
export function make(sock: FakeSocket, opts: Partial<ConstructorParameters<typeof RoomClient>[0]> = {}) {
  const c = new RoomClient({ caseId: 'case1', audioTrack: null, videoTrack: null, socket: sock as unknown as Socket, ...opts });
  const notices: string[] = [];
  c.onNotice((t) => notices.push(t));
  clients.push(c);
  return { c, notices };
}

/** Call once at the top of a test file: a window for the client and cleanup after each test. */
export function installRoomClientHarness(): void {
  beforeAll(() => {
    (globalThis as any).window ??= globalThis;
    vi.spyOn(console, 'warn').mockImplementation(() => undefined); // expected "[room] ignored …" lines
  });
  afterEach(() => {
    for (const c of clients) c.destroy();
    clients = [];
  });
}
