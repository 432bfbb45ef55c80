// jiefen half of the caucus benchmark: a real jiefen server (real SQLite, real mediasoup) in a
// process of its own (jiefen-server.child.ts), a case with two parties, and three real room
// pages — the mediator at /cases/:id/room (session cookie), the parties at /j/<token>/room —
// admitted into the joint session. Switches are LiveRoom calls made in the server process,
// exactly what the `caucus:start` / `caucus:endAll` socket handlers call: `breakMs` = command
// received → every forbidden consumer paused and acknowledged by the worker; the call's whole
// duration is timed too, and the consumers' resume acknowledgements give the server side of
// "allowed media resumes".
import type { BenchContext } from '../lib/types.ts';
import { JiefenServerProcess, type MediaEvent } from './jiefen-server.ts';
import { PageSet, VIEWPORTS } from './pages.ts';
import type { Location } from './plan.ts';
import type { CommandResult, Half, SwitchRecord } from './switches.ts';

export interface JiefenSetup {
  half: Half;
  /** Same transports and ICE connected at the end as at the start, no ICE restart (checked at close). */
  check(): Promise<string[]>;
  /** The server process (its mediasoup workers are its children). */
  serverPid: number;
  /** Worker round trips (router dump every 50 ms) over the whole switching phase, ms. */
  workerPings(): number[];
  close(): Promise<void>;
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

/** The parts of the room client's debug handle (web-client/src/room/room-debug.ts) used here. */
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
  const server = new JiefenServerProcess((line) => ctx.log(line));
  let pages: PageSet | undefined;
  const unregister = ctx.onCleanup(() => server.close());
  let pings: number[] = [];
  const close = async () => {
    await pages?.close();
    unregister();
    await server.close();
  };
  try {
    await server.started;
    const ready = await server.setUp(webRoot);
    const { trio } = ready;
    pages = await PageSet.launch(ctx, [
      { peerId: trio.mediator, label: 'mediator', viewport: VIEWPORTS[0], cookies: browserCookies(ready.mediatorCookie, ready.url) },
      { peerId: trio.a, label: 'party A', viewport: VIEWPORTS[1] },
      { peerId: trio.b, label: 'party B', viewport: VIEWPORTS[2] },
    ]);
    // The mediator first (the room opens with them), then both parties into the lobby.
    for (const [i, p] of pages.pages.entries()) {
      await p.page.goto(ready.urls[i]!);
      await p.page.getByTestId('prejoin-join').click({ timeout: 30_000 });
    }
    await server.admitParties();
    await pages.startSampling(sampleMs);
    await pages.untilFlowing(1_500, 60_000);
    await server.instrument();

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
    const resumeAcks = new Map<number, number | null>();

    const half: Half = {
      name: 'jiefen',
      trio,
      pages: ps,
      reconnects: false,
      async command(to: Location): Promise<CommandResult> {
        const { resumeAckMs, ...result } = await server.command(to);
        resumeAcks.set(resumeAcks.size, resumeAckMs);
        return result;
      },
      async afterSwitch(rec: SwitchRecord) {
        rec.server.makeMs = resumeAcks.get(resumeAcks.size - 1) ?? null;
        const events = (await server.mediaEvents(rec.cmd)).filter((e) => e.t <= rec.cmd + rec.settledMs);
        const first = (pick: (e: MediaEvent) => boolean) => {
          const hit = events.find(pick);
          return hit ? hit.t - rec.cmd : null;
        };
        rec.keyFrames = rec.plan.newlyAllowed.map(({ receiver, sender }) => ({
          receiver,
          sender,
          requestedMs: first((e) => e.type === 'keyframe-request' && e.sender === sender),
          receivedMs: first((e) => e.type === 'keyframe-in' && e.sender === sender),
          forwardedMs: first((e) => e.type === 'keyframe-out' && e.sender === sender && e.receiver === receiver),
        }));
        rec.continuingLayerChanges = events.filter(
          (e) => e.type === 'layers' && rec.plan.continuing.some((p) => p.receiver === e.receiver && p.sender === e.sender),
        ).length;
      },
    };
    return {
      half,
      serverPid: server.pid,
      workerPings: () => pings,
      async check() {
        pings = await server.pings();
        const problems: string[] = [];
        const final = await debugAll();
        for (const [i, p] of ps.pages.entries()) {
          const a = initial[i]!;
          const b = final[i]!;
          if (a.send !== b.send || a.recv !== b.recv) problems.push(`${p.spec.label}: transports changed during the switches`);
          if (b.iceRestarts !== a.iceRestarts) problems.push(`${p.spec.label}: ${b.iceRestarts - a.iceRestarts} ICE restart(s) during the switches`);
          if (!/connected|completed/.test(b.ice.send ?? '') || !/connected|completed/.test(b.ice.recv ?? ''))
            problems.push(`${p.spec.label}: transports ${b.ice.send}/${b.ice.recv} at the end`);
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
