// `join --link`: the join benchmark over a phone-like link (#18 item 7) — every page's Chromium
// runs in a network namespace of its own whose only path to the servers is 1 Mbit/s each way
// (`tc tbf` on both ends of its veth) with 100 ms round trip (user-space relays in the middle
// namespace delay each direction by 50 ms: this kernel has no netem). Built on the test
// networks of tests/network/namespaces.ts, one per page, as three devices each on its own link:
//
//   root ns: servers on 10.77.90.1  ─ veth ─  middle ns k (relays; 10.77.99.1)  ─ tbf veth tbf ─  client ns k (Chromium k)
//
// Every middle namespace carries the same edge address (10.77.99.1: the servers' public URL and
// the media address they announce), so all pages open the same links; the middle namespaces
// reach the servers' address through their own veth. Nothing listens outside these namespaces
// and loopback, and `close()` removes everything (also on error and Ctrl-C, through the bench's
// clean-up).
//
// How the delay acts: TCP (the web server, socket.io) goes through tcp-relay.mjs, which holds
// each chunk 50 ms each way; UDP (the media) through udp-relay.mjs, which holds each datagram
// 50 ms each way. TCP's congestion window therefore sees the shaped link but not the delay; at
// 1 Mbit/s × 100 ms the path holds 12.5 KB, less than a fresh connection's initial window
// (10 segments ≈ 14.6 KB), so slow start would not have held anything up at the real RTT either.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../tests/drafting/persistence-kill9.ts';
import { buildTopology, type Topology } from '../../tests/network/namespaces.ts';
import { PreflightError, withTimeout } from '../lib/env.ts';
import type { BenchContext } from '../lib/types.ts';

export const LINK = { rateKbit: 1000, rttMs: 100 } as const;
/** #18 item 7: link → first remote frame p50 over this link. */
export const LINK_TARGET_P50_MS = 3000;
/** The address every client namespace reaches its own middle namespace at. */
const EDGE_IP = '10.77.99.1';
/** Public web port on the edge (as in production). */
const EDGE_WEB_PORT = 443;
/** Topology indices 10… → subnets 10.77.90–95, clear of the e2e tests' 10.77.70–79. */
const FIRST_INDEX = 10;

/** Where the servers of one run listen, and how a page reaches them. */
export interface LinkNetwork {
  /** Root-namespace address the web/baseline server and its mediasoup worker listen on. */
  serverIp: string;
  httpPort: number;
  /** The single mediasoup port (one worker): relayed as UDP. */
  rtcPort: number;
  /** What the servers announce for media, and the host of `publicUrl`. */
  announcedAddress: string;
  /** Origin the pages open (http on the edge: treated as secure by the pages' Chromium flag). */
  publicUrl: string;
  /** Page `i` (0…pages-1) runs this Chromium, inside its own client namespace. */
  browser(i: number): { executablePath: string; extraArgs: string[] };
}

export interface Links extends LinkNetwork {
  close(): void;
}

/** Runs a set-up command; a failure (no tbf, no CAP_NET_ADMIN …) stops the bench with what the tool said. */
function setUp(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const said = err && typeof err === 'object' && 'stderr' in err ? String(err.stderr).trim() : String(err);
    throw new PreflightError(`join --link could not set up its links: \`${command} ${args.join(' ')}\`: ${said}`);
  }
}
const tc = (ns: string, ...args: string[]) => setUp('ip', ['netns', 'exec', ns, 'tc', ...args]);
const ip = (...args: string[]) => setUp('ip', args);

function preflight(): void {
  if (process.getuid?.() !== 0) throw new PreflightError('join --link needs root (network namespaces, veth pairs and tc); run it as root');
  for (const tool of ['ip', 'tc']) {
    try {
      execFileSync(tool, ['-V'], { stdio: 'ignore' });
    } catch {
      throw new PreflightError(`join --link needs \`${tool}\` (iproute2)`);
    }
  }
  const taken = execFileSync('ip', ['-4', '-o', 'addr', 'show'], { encoding: 'utf8' });
  if (/inet 10\.77\.9[0-5]\./.test(taken))
    throw new PreflightError(
      'join --link: 10.77.90–95.x is already in use here (another `join --link` running, or left over from a killed one: `ip netns list`)',
    );
}

/** Waits for a relay's "ready" (bounded: a relay that cannot start fails the bench, it does not hang it). */
function started(child: ChildProcess, what: string): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
    }),
    10_000,
    what,
  );
}

/**
 * Builds `pages` shaped paths (one client namespace each) and starts their relays. Registers its
 * own clean-up with the bench; `close()` may be called more than once.
 */
export async function openLinks(ctx: BenchContext, pages: number): Promise<Links> {
  preflight();
  const topologies: Topology[] = [];
  const udpRelays: ChildProcess[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const r of udpRelays) {
      r.stdin?.end();
      r.kill('SIGKILL');
    }
    for (const t of topologies) t.close();
  };
  const unregister = ctx.onCleanup(close);
  try {
    const ports = { http: await freePort(), rtc: await freePort() };
    for (let i = 0; i < pages; i++) {
      try {
        topologies.push(buildTopology(FIRST_INDEX + i));
      } catch (err) {
        const message = err instanceof Error && 'stderr' in err ? String((err as { stderr: unknown }).stderr).trim() : String(err);
        throw new PreflightError(`join --link could not build its network namespaces: ${message}`);
      }
    }
    const serverIp = topologies[0]!.serverIp;
    for (const t of topologies) {
      const midIn = t.serverIp.replace(/\.1$/, '.2');
      // The edge address the client reaches; the servers' address through this path's own veth.
      ip('-n', t.midNs, 'addr', 'add', `${EDGE_IP}/32`, 'dev', t.clientLink.inMid);
      ip('-n', t.clientNs, 'route', 'add', `${EDGE_IP}/32`, 'via', t.edgeIps[0]);
      if (t.serverIp !== serverIp) ip('-n', t.midNs, 'route', 'add', `${serverIp}/32`, 'via', t.serverIp, 'src', midIn);
      // 1 Mbit/s each way: a token bucket on both ends of the client's veth (queue ≤ 200 ms).
      for (const [ns, dev] of [
        [t.clientNs, t.clientLink.inClient],
        [t.midNs, t.clientLink.inMid],
      ] as const)
        tc(ns, 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${LINK.rateKbit}kbit`, 'burst', '4000', 'latency', '200ms');
      const oneWay = LINK.rttMs / 2;
      await withTimeout(
        t.startRelay([{ listen: { host: EDGE_IP, port: EDGE_WEB_PORT }, target: { host: serverIp, port: ports.http } }], { delayMs: oneWay }),
        10_000,
        'TCP relay',
      );
      const udp = spawn(
        'ip',
        ['netns', 'exec', t.midNs, process.execPath, path.resolve('tests/network/udp-relay.mjs'), `${EDGE_IP}:${ports.rtc}=${serverIp}:${ports.rtc}`],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      udpRelays.push(udp);
      await started(udp, 'UDP relay');
      // No loss; every datagram of every client held 50 ms each way.
      udp.stdin!.write(`impair 10. 0 ${oneWay}\n`);
    }
    const publicUrl = `http://${EDGE_IP}:${EDGE_WEB_PORT}`;
    return {
      serverIp,
      httpPort: ports.http,
      rtcPort: ports.rtc,
      announcedAddress: EDGE_IP,
      publicUrl,
      browser: (i) => ({
        executablePath: topologies[i]!.chromiumInClient,
        // Plain http on a non-local address: let the page use the camera as it would over https.
        extraArgs: [`--unsafely-treat-insecure-origin-as-secure=${publicUrl}`],
      }),
      close() {
        unregister();
        close();
      },
    };
  } catch (err) {
    unregister();
    close();
    throw err;
  }
}

/** The `--link` fields of the JSON line, from the join report's result. */
export function linkResult(result: Record<string, unknown>): Record<string, unknown> {
  const p50 = typeof result.p50_ms === 'number' ? result.p50_ms : null;
  return {
    link: { rate_kbit: LINK.rateKbit, rtt_ms: LINK.rttMs, shaping: 'tc tbf both ways + user-space relay delay', pages_each_own_link: true },
    link_p50_ms: p50,
    link_target_p50_ms: LINK_TARGET_P50_MS,
    target_met: p50 !== null && p50 <= LINK_TARGET_P50_MS,
  };
}
