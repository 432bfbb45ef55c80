// Test networks that are not loopback, built from Linux network namespaces (root only):
//
//   root ns (server, coturn)  ── veth ──  middle ns (relay only, no forwarding)  ── veth ──  client ns (Chromium)
//        10.77.<n>.1                        10.77.<n>.2 | 10.77.<m>.1, .3                       10.77.<m>.2
//
// The client reaches nothing but the TCP ports the relay in the middle listens on. Everything is
// torn down by `close()` (and namespaces are named after the test process, so a crashed run's
// leftovers never collide with a new one).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RelayRoute {
  listen: { host: string; port: number };
  target: { host: string; port: number };
}

export interface Topology {
  /** The server's address on the root side (listen here). */
  serverIp: string;
  /** Addresses in the middle namespace the client can reach (relay listeners). */
  edgeIps: [string, string];
  clientNs: string;
  /** The middle namespace (relays run there) and the two ends of the middle ↔ client link (for `tc`). */
  midNs: string;
  clientLink: { inClient: string; inMid: string };
  /** A Chromium executable that runs inside the client namespace. */
  chromiumInClient: string;
  /** TCP relays in the middle namespace; `delayMs` holds each chunk that long each way. */
  startRelay(routes: RelayRoute[], options?: { delayMs?: number }): Promise<void>;
  close(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function buildTopology(index: number): Topology {
  const tag = `${process.pid % 10000}${index}`;
  const ns = { mid: `jfm${tag}`, client: `jfc${tag}` };
  const net = { inner: 70 + index * 2, outer: 71 + index * 2 };
  const veth = { root: `jr${tag}`, midIn: `jmi${tag}`, midOut: `jmo${tag}`, client: `jc${tag}` };
  const dir = mkdtempSync(path.join(tmpdir(), 'jiefen-netns-'));
  let relay: ChildProcess | null = null;
  const close = () => {
    relay?.stdin?.end();
    relay?.kill('SIGKILL');
    for (const n of [ns.mid, ns.client]) {
      try {
        ip('netns', 'del', n);
      } catch {
        // not created
      }
    }
    try {
      ip('link', 'del', veth.root);
    } catch {
      // gone with the namespace
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    ip('netns', 'add', ns.mid);
    ip('netns', 'add', ns.client);
    ip('link', 'add', veth.root, 'type', 'veth', 'peer', 'name', veth.midIn);
    ip('link', 'set', veth.midIn, 'netns', ns.mid);
    ip('link', 'add', veth.midOut, 'type', 'veth', 'peer', 'name', veth.client);
    ip('link', 'set', veth.midOut, 'netns', ns.mid);
    ip('link', 'set', veth.client, 'netns', ns.client);
    ip('addr', 'add', `10.77.${net.inner}.1/24`, 'dev', veth.root);
    ip('link', 'set', veth.root, 'up');
    ip('-n', ns.mid, 'addr', 'add', `10.77.${net.inner}.2/24`, 'dev', veth.midIn);
    ip('-n', ns.mid, 'addr', 'add', `10.77.${net.outer}.1/24`, 'dev', veth.midOut);
    ip('-n', ns.mid, 'addr', 'add', `10.77.${net.outer}.3/24`, 'dev', veth.midOut);
    ip('-n', ns.client, 'addr', 'add', `10.77.${net.outer}.2/24`, 'dev', veth.client);
    for (const [n, dev] of [
      [ns.mid, veth.midIn],
      [ns.mid, veth.midOut],
      [ns.mid, 'lo'],
      [ns.client, veth.client],
      [ns.client, 'lo'],
    ] as const)
      ip('-n', n, 'link', 'set', dev, 'up');
  } catch (err) {
    close();
    throw err;
  }
  const chromiumInClient = path.join(dir, 'chromium-in-client.sh');
  writeFileSync(chromiumInClient, `#!/bin/sh\nexec ip netns exec ${ns.client} /usr/bin/chromium "$@"\n`);
  chmodSync(chromiumInClient, 0o755);
  return {
    serverIp: `10.77.${net.inner}.1`,
    edgeIps: [`10.77.${net.outer}.1`, `10.77.${net.outer}.3`],
    clientNs: ns.client,
    midNs: ns.mid,
    clientLink: { inClient: veth.client, inMid: veth.midOut },
    chromiumInClient,
    async startRelay(routes, options) {
      const args = routes.map((r) => `${r.listen.host}:${r.listen.port}=${r.target.host}:${r.target.port}`);
      if (options?.delayMs) args.unshift(`--delay-ms=${options.delayMs}`);
      relay = spawn('ip', ['netns', 'exec', ns.mid, process.execPath, path.resolve('tests/network/tcp-relay.mjs'), ...args], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        relay!.stdout!.once('data', () => resolve());
        relay!.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
      });
    },
    close,
  };
}
