// jiefen half of the join benchmark: a real jiefen server (fresh per run, real SQLite, real
// mediasoup), a fresh case with two parties, and three real room pages opened at once — the
// mediator at /cases/:id/room (session cookie from the API login) and both parties at
// /j/<token>/room. Identity and consent are done beforehand over the party API, so the timed
// part is only opening the room link. An auto-admitting co-mediator (a second mediator assigned
// to the case, as a Node socket.io client) lets each party in the moment it appears in the
// lobby, so the figure measures our signaling, not a human's reaction.
import { RoomTestClient } from '../../tests/support/room-client.ts';
import { addConfirmedParty, createStaffUser, startTestServer, StaffClient } from '../../tests/support/server.ts';
import { prioritiseServer } from '../lib/priority.ts';
import { assertLoopback, withTimeout } from '../lib/env.ts';
import { BENCH_PARTIES } from '../lib/party.ts';
import type { BenchContext } from '../lib/types.ts';
import type { LinkNetwork } from './link.ts';
import { measurePages, type Measurement } from './pages.ts';
import { VIEWPORTS, type RunOptions } from './shared.ts';

const MEDIATOR = { username: 'bench-mediator', displayName: '基准调解员', password: 'bench-pass-12345' };
const CO_MEDIATOR = { username: 'bench-co-mediator', displayName: '基准协办调解员', password: 'bench-pass-67890' };
export interface AdmitTiming {
  /** ms after the pages started opening: the lobby entry reached the co-mediator… */
  seen: number;
  /** …and the admit was acknowledged. */
  acked: number;
}

/** One LiveRoom call as the server handled it (diagnosis: server time vs the page's round trip). */
export interface ServerCall {
  method: string;
  /** ms after the pages started opening */
  start: number;
  ms: number;
}

export interface JiefenRun extends Measurement {
  /** Per party page label. */
  admits: Record<string, AdmitTiming>;
  serverCalls: ServerCall[];
}

// LiveRoom methods behind the socket requests of a join (room-socket.ts maps each request to one).
const TIMED_ROOM_METHODS = ['join', 'admit', 'rtpCapabilities', 'createTransport', 'connectTransport', 'produce', 'ready', 'setPreferredLayers', 'chatHistory'];

/**
 * Wraps the live room's methods with timers, on this one instance, for the report's
 * "server" column. Diagnosis only: a few performance.now() calls per request.
 */
function timeRoomCalls(room: object, sink: ServerCall[], since: () => number): void {
  const target = room as Record<string, unknown>;
  for (const method of TIMED_ROOM_METHODS) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    target[method] = function (this: unknown, ...args: unknown[]) {
      const wall = Date.now();
      const t = performance.now();
      const done = () => since() > 0 && sink.push({ method, start: wall - since(), ms: performance.now() - t });
      const result: unknown = original.apply(this, args);
      if (result instanceof Promise) return result.finally(done);
      done();
      return result;
    };
  }
}

/** `jf_session=…; other=…` → cookies for the browser context. */
function browserCookies(header: string, url: string) {
  return header
    .split('; ')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      return { name: pair.slice(0, i), value: pair.slice(i + 1), url, httpOnly: true, sameSite: 'Strict' as const };
    });
}

/** With `link`, the pages open the link's public URL from their namespaces (`join --link`). */
export async function runJiefen(ctx: BenchContext, options: RunOptions, webRoot: string, link?: LinkNetwork): Promise<JiefenRun> {
  const linkEnv: Record<string, string> = link
    ? {
        HOST: link.serverIp,
        PORT: String(link.httpPort),
        RTC_LISTEN_IP: link.serverIp,
        RTC_PORT: String(link.rtcPort),
        RTC_ANNOUNCED_ADDRESS: link.announcedAddress,
        MEDIASOUP_WORKERS: '1',
      }
    : {};
  const server = await startTestServer({ RTC_LISTEN_IP: '127.0.0.1', LOG_LEVEL: 'warn', ...linkEnv }, { webRoot });
  const unregisterServer = ctx.onCleanup(() => server.close());
  prioritiseServer(options.serverNice, options.serverRt);
  let coMediator: RoomTestClient | undefined;
  try {
    if (!link) assertLoopback(server.url);
    // Links and the origin check follow the address the pages use.
    if (link) server.ctx.config.publicUrl = link.publicUrl;
    const pageUrl = link?.publicUrl ?? server.url;
    // ── set-up (not timed) ─────────────────────────────────────────────────────
    const admin = new StaffClient(server.url);
    if (!(await admin.login(server.admin.username, server.admin.password)).ok) throw new Error('admin login failed');
    // The accounts change the password the administrator set at their first login.
    const { client: mediator } = await createStaffUser(admin, { ...MEDIATOR, role: 'MEDIATOR' });
    const { id: coMediatorId, client: coLogin } = await createStaffUser(admin, { ...CO_MEDIATOR, role: 'MEDIATOR' });
    const caseId = (
      await mediator.json('POST', '/api/cases', { title: '基准测试：相邻关系纠纷', disputeType: 'NEIGHBOUR', summary: '加入调解室耗时基准测试' }, 201)
    ).case.id as string;

    const parties: Array<{ label: string; peerId: string; token: string }> = [];
    for (const [i, p] of BENCH_PARTIES.entries()) {
      const { id, token } = await addConfirmedParty(mediator, caseId, p);
      parties.push({ label: `party ${i + 1}`, peerId: id, token });
    }

    // The auto-admitting co-mediator: in the room before anyone opens a page.
    await mediator.json('POST', `/api/cases/${caseId}/co-mediators`, { userId: coMediatorId });
    coMediator = new RoomTestClient(server.url, { cookie: coLogin.cookie });
    const co = coMediator;
    await withTimeout(co.connected(), 10_000, 'co-mediator socket');
    await co.ok('room:join', { caseId });
    let t0 = 0;
    const serverCalls: ServerCall[] = [];
    const room = server.rooms.get(caseId);
    if (room) timeRoomCalls(room, serverCalls, () => t0);
    const admits: Record<string, AdmitTiming> = {};
    const requested = new Set<string>();
    co.socket.on('room:lobby', ({ waiting }: { waiting: Array<{ peerId: string }> }) => {
      for (const { peerId } of waiting) {
        if (requested.has(peerId)) continue;
        requested.add(peerId);
        const seen = Date.now() - t0;
        const label = parties.find((p) => p.peerId === peerId)?.label ?? peerId;
        void co.request('mediator:admit', { peerId }).then((res) => {
          if (res.ok) admits[label] = { seen, acked: Date.now() - t0 };
        });
      }
    });

    // ── timed: three pages open their links at once ───────────────────────────
    const measurement = await measurePages(
      ctx,
      [
        { label: 'mediator', url: `${pageUrl}/cases/${caseId}/room`, viewport: VIEWPORTS[0], cookies: browserCookies(mediator.cookie, pageUrl) },
        ...parties.map((p, i) => ({ label: p.label, url: `${pageUrl}/j/${p.token}/room`, viewport: VIEWPORTS[i + 1]! })),
      ].map((spec, i) => (link ? { ...spec, browser: link.browser(i) } : spec)),
      { timeoutMs: options.pageTimeoutMs, settleMs: options.settleMs, onStart: (t) => (t0 = t) },
    );
    return { ...measurement, admits, serverCalls };
  } finally {
    coMediator?.close();
    unregisterServer();
    await server.close();
  }
}
