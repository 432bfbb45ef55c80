// The jiefen server of the caucus benchmark, in a process of its own as in production: the
// harness (Playwright driving three browsers, the in-page samplers, the analysis) runs in the
// parent, so the server's event loop and the worker's replies are not held up behind harness
// work. The parent drives it over IPC: set-up, admitting the parties, and the switches, which
// are LiveRoom calls — exactly what the `caucus:start` / `caucus:endAll` socket handlers call
// (the mediator's socket hop, ~1 ms on loopback, is left out). Timings are taken here, on the
// wall clock the pages and the harness share.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LiveRoom } from '../../signaling/rooms/live-room.ts';
import { addConfirmedParty, createStaffUser, startTestServer, StaffClient, type TestServer } from '../../tests/support/server.ts';
import { BENCH_PARTIES } from '../lib/party.ts';
import { assertLoopback, sleep, withTimeout } from '../lib/env.ts';
import type { Location, Trio } from './plan.ts';
import type { CommandResult } from './switches.ts';
import type { MediaEvent, ServerReady, ServerRequest } from './jiefen-server.ts';

const MEDIATOR = { username: 'bench-mediator', displayName: '基准调解员', password: 'bench-pass-12345' };
const now = () => performance.timeOrigin + performance.now();

interface SfuCall {
  op: 'pause' | 'resume';
  start: number;
  end: number;
}

let server: TestServer | null = null;
let caseId = '';
let trio: Trio | null = null;
let room: LiveRoom | null = null;
const sfuCalls: SfuCall[] = [];
const media: MediaEvent[] = [];
const pings: Array<{ start: number; ms: number }> = [];
let pinging = false;

async function setUp(webRoot: string): Promise<ServerReady> {
  server = await startTestServer({ RTC_LISTEN_IP: '127.0.0.1', LOG_LEVEL: 'warn', ROOM_RECONNECT_GRACE_SEC: '30' }, { webRoot });
  assertLoopback(server.url);
  const admin = new StaffClient(server.url);
  if (!(await admin.login(server.admin.username, server.admin.password)).ok) throw new Error('admin login failed');
  // The account changes the password the administrator set at its first login.
  const { id: mediatorId, client: mediator } = await createStaffUser(admin, { ...MEDIATOR, role: 'MEDIATOR' });
  caseId = (await mediator.json('POST', '/api/cases', { title: '基准测试：背对背切换', disputeType: 'NEIGHBOUR', summary: '背对背切换耗时基准测试' }, 201)).case
    .id as string;
  const parties: Array<{ id: string; token: string }> = [];
  for (const p of BENCH_PARTIES) parties.push(await addConfirmedParty(mediator, caseId, p));
  trio = { mediator: mediatorId, a: parties[0]!.id, b: parties[1]!.id };
  return {
    url: server.url,
    trio,
    mediatorCookie: mediator.cookie,
    urls: [`${server.url}/cases/${caseId}/room`, `${server.url}/j/${parties[0]!.token}/room`, `${server.url}/j/${parties[1]!.token}/room`],
  };
}

/** Waits for the mediator in the room and both parties in the lobby, then admits them. */
async function admitParties(): Promise<void> {
  const s = server!;
  const t = trio!;
  room = await withTimeout(
    (async () => {
      for (;;) {
        const r = s.rooms.get(caseId);
        if (r && r.member(t.mediator)?.status === 'admitted' && [t.a, t.b].every((id) => r.member(id)?.status === 'lobby')) return r;
        await sleep(100);
      }
    })(),
    30_000,
    'mediator in the room and both parties in the lobby',
  );
  for (const id of [t.a, t.b]) await room.admit(room.member(t.mediator)!, id);
}

/** Times this room's consumer pause/resume requests, and the worker's round trip every 50 ms (diagnosis). */
function instrument(): void {
  const r = room!;
  for (const m of r.members()) {
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
        return original.apply(this, args).finally(() => sfuCalls.push({ op, start, end: now() }));
      };
    }
  }
  for (const m of r.members()) {
    for (const p of m.media?.producers() ?? []) {
      if (p.kind !== 'video') continue;
      const producer = m.media!.getProducer(p.id)!.mediasoupProducer;
      producer.on('trace', (e) => {
        if (e.direction === 'out' && (e.type === 'pli' || e.type === 'fir')) media.push({ t: now(), type: 'keyframe-request', sender: m.peerId });
        else if (e.direction === 'in' && e.type === 'keyframe') media.push({ t: now(), type: 'keyframe-in', sender: m.peerId });
      });
      producer.enableTraceEvent(['pli', 'fir', 'keyframe']).catch((err: unknown) => console.warn('producer trace events not enabled', err));
    }
    for (const c of m.media?.consumers() ?? []) {
      if (c.kind !== 'video') continue;
      const consumer = m.media!.getConsumer(c.id)!;
      const base = { sender: c.producerPeerId, receiver: m.peerId };
      consumer.mediasoupConsumer.on('trace', (e) => {
        if (e.direction === 'out' && e.type === 'keyframe') media.push({ t: now(), type: 'keyframe-out', ...base });
      });
      consumer.on('layerschange', (layers) => media.push({ t: now(), type: 'layers', ...base, spatialLayer: layers?.spatialLayer ?? null }));
      consumer.mediasoupConsumer.enableTraceEvent(['keyframe']).catch((err: unknown) => console.warn('consumer trace events not enabled', err));
    }
  }
  pinging = true;
  void (async () => {
    while (pinging && !r.media.closed) {
      const t = now();
      try {
        await r.media.router.dump();
      } catch {
        break;
      }
      if (pings.length < 100_000) pings.push({ start: t, ms: now() - t });
      await sleep(50);
    }
  })();
}

async function command(to: Location): Promise<CommandResult & { resumeAckMs: number | null }> {
  const r = room!;
  const t0 = trio!;
  const me = r.member(t0.mediator)!;
  sfuCalls.length = 0;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const t = now();
  const { breakMs } = to === 'joint' ? await r.endAllCaucuses(me) : await r.startCaucus(me, [to === 'A' ? t0.a : t0.b]);
  const callMs = now() - t;
  loop.disable();
  const pauses = sfuCalls.filter((c) => c.op === 'pause');
  const resumes = sfuCalls.filter((c) => c.op === 'resume');
  const overlapping = pings.filter((p) => p.start <= t + callMs && p.start + p.ms >= t);
  return {
    breakMs,
    callMs,
    // The consumers' resume requests of this switch, until the worker acknowledged them.
    resumeAckMs: resumes.length ? Math.max(...resumes.map((c) => c.end)) - t : null,
    diag: {
      // How late a 1 ms timer fired during the call (in the server process).
      loopMaxMs: Math.max(0, loop.max / 1e6 - 1),
      pauses: pauses.length,
      firstPauseSentMs: pauses.length ? Math.min(...pauses.map((c) => c.start)) - t : null,
      firstPauseAckMs: pauses.length ? Math.min(...pauses.map((c) => c.end)) - t : null,
      lastPauseAckMs: pauses.length ? Math.max(...pauses.map((c) => c.end)) - t : null,
      workerPingMaxMs: overlapping.length ? Math.max(...overlapping.map((p) => p.ms)) : null,
    },
  };
}

async function handle(req: ServerRequest): Promise<unknown> {
  switch (req.op) {
    case 'setUp':
      return setUp(req.webRoot);
    case 'admitParties':
      return admitParties();
    case 'instrument':
      return instrument();
    case 'command':
      return command(req.to);
    case 'mediaEvents':
      return media.filter((e) => e.t >= req.since);
    case 'pings':
      pinging = false;
      return pings.map((p) => p.ms);
    case 'close':
      pinging = false;
      await server?.close();
      server = null;
      return null;
  }
}

process.on('message', (msg: { id: number; req: ServerRequest }) => {
  handle(msg.req).then(
    (result) => process.send!({ id: msg.id, ok: true, result }),
    (err: unknown) => process.send!({ id: msg.id, ok: false, message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
// The parent went away: do not linger with a server and workers.
process.on('disconnect', () => {
  void (server?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
process.send!({ id: 0, ok: true, result: 'started' });
