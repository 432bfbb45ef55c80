// jiefen half of the caucus benchmark: a real jiefen server (real SQLite, real mediasoup) in
// this process, a case with two parties, and three real room pages — the mediator at
// /cases/:id/room (session cookie), the parties at /j/<token>/room — admitted into the joint
// session. Switches are LiveRoom calls made in-process, exactly what the `caucus:start` /
// `caucus:endAll` socket handlers call (the mediator's socket hop, ~1 ms on loopback, is left
// out): `startCaucus(mediator, [party])` returns `breakMs` = command received → every forbidden
// consumer paused and acknowledged by the worker; the call's whole duration is timed too, and
// the consumers' resume acknowledgements (wrapped on this room's MediaPeer instances) give the
// server side of "allowed media resumes".
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { makeIdNumber, startTestServer, StaffClient, type TestServer } from '../../tests/support/server.ts';
import type { LiveRoom } from '../../signaling/rooms/live-room.ts';
import { assertLoopback, sleep, withTimeout } from '../lib/env.ts';
import type { BenchContext } from '../lib/types.ts';
import { now, PageSet, VIEWPORTS } from './pages.ts';
import type { Location, Trio } from './plan.ts';
import type { CommandResult, Half, SwitchRecord } from './switches.ts';

const MEDIATOR = { username: 'bench-mediator', displayName: '基准调解员', password: 'bench-mediator-pass-1' };
const PARTIES = [
  { name: '李某', side: 'A', role: 'APPLICANT', id17: '15020419750312101' },
  { name: '王某', side: 'B', role: 'RESPONDENT', id17: '15020419800101123' },
] as const;

export interface JiefenSetup {
  half: Half;
  /** Same transports and ICE connected at the end as at the start, no ICE restart (checked at close). */
  check(): Promise<string[]>;
  /** Worker round trips (router dump every 50 ms) over the whole switching phase, ms. */
  workerPings(): number[];
  close(): Promise<void>;
}

interface SfuCall {
  op: 'pause' | 'resume';
  start: number;
  end: number;
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

/** The parts of the room client's debug handle (web-client/src/room/room-client.ts) used here. */
interface DebugHandle {
  sendTransportId: string | null;
  recvTransportId: string | null;
  iceRestarts: number;
  iceStates(): Promise<{ send: string | null; recv: string | null }>;
}

interface PageDebug {
  send: string | null;
  recv: string | null;
  iceRestarts: number;
  ice: { send: string | null; recv: string | null };
}

export async function setUpJiefen(ctx: BenchContext, webRoot: string, sampleMs: number): Promise<JiefenSetup> {
  let server: TestServer | undefined;
  let pages: PageSet | undefined;
  const unregister = ctx.onCleanup(() => server?.close());
  let stop = () => {};
  const close = async () => {
    stop();
    await pages?.close();
    unregister();
    await server?.close();
  };
  try {
    server = await startTestServer({ RTC_LISTEN_IP: '127.0.0.1', LOG_LEVEL: 'warn', ROOM_RECONNECT_GRACE_SEC: '30' }, { webRoot });
    assertLoopback(server.url);
    const admin = new StaffClient(server.url);
    if (!(await admin.login(server.admin.username, server.admin.password)).ok) throw new Error('admin login failed');
    const mediatorId = (await admin.json('POST', '/api/users', { ...MEDIATOR, role: 'MEDIATOR' }, 201)).user.id as string;
    const mediator = new StaffClient(server.url);
    if (!(await mediator.login(MEDIATOR.username, MEDIATOR.password)).ok) throw new Error('mediator login failed');
    const caseId = (await mediator.json('POST', '/api/cases', { title: '基准测试：背对背切换', disputeType: 'NEIGHBOUR', summary: '背对背切换耗时基准测试' }, 201)).case.id as string;
    const parties: Array<{ peerId: string; token: string }> = [];
    for (const p of PARTIES) {
      const idNumber = makeIdNumber(p.id17);
      const participant = (await mediator.json('POST', `/api/cases/${caseId}/participants`, { role: p.role, side: p.side, name: p.name, phone: '13800138000', idNumber }, 201)).participant;
      const url = (await mediator.json('POST', `/api/cases/${caseId}/invitations`, { participantId: participant.id }, 201)).invitation.url as string;
      const token = url.split('/j/')[1]!;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      for (const [path, body] of [
        ['/api/party/confirm-identity', { name: p.name, idLast4: idNumber.slice(-4) }],
        ['/api/party/consent', { consent: true }],
      ] as const) {
        const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
        if (!res.ok) throw new Error(`${path} → ${res.status}: ${await res.text()}`);
      }
      parties.push({ peerId: participant.id as string, token });
    }
    const trio: Trio = { mediator: mediatorId, a: parties[0]!.peerId, b: parties[1]!.peerId };
    const urls = [`${server.url}/cases/${caseId}/room`, `${server.url}/j/${parties[0]!.token}/room`, `${server.url}/j/${parties[1]!.token}/room`];

    pages = await PageSet.launch(ctx, [
      { peerId: trio.mediator, label: 'mediator', viewport: VIEWPORTS[0], cookies: browserCookies(mediator.cookie, server.url) },
      { peerId: trio.a, label: 'party A', viewport: VIEWPORTS[1] },
      { peerId: trio.b, label: 'party B', viewport: VIEWPORTS[2] },
    ]);
    // The mediator first (the room opens with them), then both parties into the lobby.
    for (const [i, p] of pages.pages.entries()) {
      await p.page.goto(urls[i]!);
      await p.page.getByTestId('prejoin-join').click({ timeout: 30_000 });
    }
    const s = server;
    const room = await withTimeout(
      (async () => {
        for (;;) {
          const r = s.rooms.get(caseId);
          if (r && r.member(trio.mediator)?.status === 'admitted' && [trio.a, trio.b].every((id) => r.member(id)?.status === 'lobby')) return r;
          await sleep(100);
        }
      })(),
      30_000,
      'mediator in the room and both parties in the lobby',
    );
    for (const id of [trio.a, trio.b]) await room.admit(room.member(trio.mediator)!, id);
    await pages.startSampling(sampleMs);
    await pages.untilFlowing(1_500, 60_000);

    const sfuCalls: SfuCall[] = [];
    wrapSfuCalls(room, sfuCalls);
    // Diagnosis: the worker's round trip for a trivial request (router dump), every 50 ms.
    const pings: Array<{ start: number; ms: number }> = [];
    let pinging = true;
    void (async () => {
      while (pinging && !room.media.closed) {
        const t = now();
        try {
          await room.media.router.dump();
        } catch {
          break;
        }
        if (pings.length < 100_000) pings.push({ start: t, ms: now() - t });
        await sleep(50);
      }
    })();
    const stopPings = () => (pinging = false);
    stop = stopPings;
    const debugAll = () =>
      Promise.all(
        pages!.pages.map(
          (p) =>
            p.page.evaluate(async () => {
              const d = (window as unknown as { __jiefenRoom: DebugHandle }).__jiefenRoom;
              return { send: d.sendTransportId, recv: d.recvTransportId, iceRestarts: d.iceRestarts, ice: await d.iceStates() };
            }) as Promise<PageDebug>,
        ),
      );
    const initial = await debugAll();
    const ps = pages;

    const half: Half = {
      name: 'jiefen',
      trio,
      pages: ps,
      reconnects: false,
      async command(to: Location): Promise<CommandResult> {
        const me = room.member(trio.mediator)!;
        sfuCalls.length = 0;
        const loop = monitorEventLoopDelay({ resolution: 1 });
        loop.enable();
        const t = now();
        const { breakMs } = to === 'joint' ? await room.endAllCaucuses(me) : await room.startCaucus(me, [to === 'A' ? trio.a : trio.b]);
        const callMs = now() - t;
        loop.disable();
        const pauses = sfuCalls.filter((c) => c.op === 'pause');
        // Worker round trips that overlapped the call (started within it, or before and ended in it).
        const overlapping = pings.filter((p) => p.start <= t + callMs && p.start + p.ms >= t);
        return {
          breakMs,
          callMs,
          diag: {
            // How late a 1 ms timer fired during the call (this process hosts the server).
            loopMaxMs: Math.max(0, loop.max / 1e6 - 1),
            pauses: pauses.length,
            firstPauseSentMs: pauses.length ? Math.min(...pauses.map((c) => c.start)) - t : null,
            firstPauseAckMs: pauses.length ? Math.min(...pauses.map((c) => c.end)) - t : null,
            lastPauseAckMs: pauses.length ? Math.max(...pauses.map((c) => c.end)) - t : null,
            workerPingMaxMs: overlapping.length ? Math.max(...overlapping.map((p) => p.ms)) : null,
          },
        };
      },
      async afterSwitch(rec: SwitchRecord) {
        // The consumers' resume requests made for this switch, until the worker acknowledged them.
        const resumes = sfuCalls.filter((c) => c.op === 'resume' && c.start >= rec.cmd && c.start <= rec.cmd + rec.server.callMs);
        rec.server.makeMs = resumes.length ? Math.max(...resumes.map((c) => c.end)) - rec.cmd : null;
      },
    };
    return {
      half,
      workerPings: () => pings.map((p) => p.ms),
      async check() {
        stopPings();
        const problems: string[] = [];
        const final = await debugAll();
        for (const [i, p] of ps.pages.entries()) {
          const a = initial[i]!;
          const b = final[i]!;
          if (a.send !== b.send || a.recv !== b.recv) problems.push(`${p.spec.label}: transports changed during the switches`);
          if (b.iceRestarts !== a.iceRestarts) problems.push(`${p.spec.label}: ${b.iceRestarts - a.iceRestarts} ICE restart(s) during the switches`);
          if (!/connected|completed/.test(b.ice.send ?? '') || !/connected|completed/.test(b.ice.recv ?? '')) problems.push(`${p.spec.label}: transports ${b.ice.send}/${b.ice.recv} at the end`);
        }
        return problems;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Times this room's consumer pause/resume requests to the worker (diagnosis; the room's own MediaPeer instances). */
function wrapSfuCalls(room: LiveRoom, sink: SfuCall[]): void {
  for (const m of room.members()) {
    const media = m.media as unknown as Record<string, unknown> | null;
    if (!media) continue;
    for (const [method, op] of [
      ['pauseConsumer', 'pause'],
      ['resumeConsumer', 'resume'],
    ] as const) {
      const original = media[method] as (...args: unknown[]) => Promise<unknown>;
      if (typeof original !== 'function') continue;
      media[method] = function (this: unknown, ...args: unknown[]) {
        const start = now();
        return original.apply(this, args).finally(() => sink.push({ op, start, end: now() }));
      };
    }
  }
}
