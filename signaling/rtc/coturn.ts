// The TURN server started with jiefen (TURN_EMBEDDED=1): Debian's coturn as a child process with a
// generated configuration — TCP and UDP on TURN_PORT, TLS on TURN_TLS_PORT (443 in production, so
// networks that allow only web traffic get through), the TURN REST shared secret, and relaying
// allowed only to the media server's own address (it must not become an open proxy into the LAN).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createConnection } from 'node:net';

export interface EmbeddedTurnSettings {
  listenIp: string;
  port: number;
  /** 0: no TLS listener. */
  tlsPort: number;
  certFile: string | undefined;
  keyFile: string | undefined;
  /** The address clients reach TURN at, when it differs from listenIp (behind NAT). */
  externalIp: string | undefined;
  minPort: number;
  maxPort: number;
}

export interface CoturnInput {
  turn: EmbeddedTurnSettings;
  secret: string;
  /** The media server's address: the only peer TURN relays to. */
  mediaIp: string;
  realm: string;
}

export function coturnConfig({ turn, secret, mediaIp, realm }: CoturnInput, dbFile: string): string {
  const loopback = mediaIp.startsWith('127.') || mediaIp === '::1';
  const lines = [
    `listening-ip=${turn.listenIp}`,
    `relay-ip=${turn.listenIp}`,
    `listening-port=${turn.port}`,
    ...(turn.externalIp ? [`external-ip=${turn.externalIp}`] : []),
    // TLS versions follow the system OpenSSL policy (coturn's no-tlsv1/no-tlsv1_1 stopped every TLS
    // handshake with Debian 12's OpenSSL 3, whose default security level already refuses 1.0/1.1).
    ...(turn.tlsPort > 0 ? [`tls-listening-port=${turn.tlsPort}`, `cert=${turn.certFile}`, `pkey=${turn.keyFile}`] : ['no-tls']),
    'no-dtls',
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `realm=${realm}`,
    'fingerprint',
    `min-port=${turn.minPort}`,
    `max-port=${turn.maxPort}`,
    // Relay to the media server only.
    'no-multicast-peers',
    'denied-peer-ip=0.0.0.0-255.255.255.255',
    'denied-peer-ip=::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    `allowed-peer-ip=${mediaIp}`,
    ...(loopback ? ['allow-loopback-peers'] : []),
    'no-cli',
    'no-software-attribute',
    'log-file=stdout',
    'simple-log',
    'pidfile=/dev/null',
    // Its own database file (the TURN REST scheme stores nothing, but coturn opens one anyway).
    `userdb=${dbFile}`,
  ];
  return `${lines.join('\n')}\n`;
}

export interface RunningCoturn {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts coturn and resolves once it accepts TCP connections on its port (or rejects when it exits first). */
export async function startCoturn(input: CoturnInput, dataDir: string, log: (line: string) => void): Promise<RunningCoturn> {
  const dir = path.join(dataDir, 'turn');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'turnserver.conf');
  // Holds the shared secret: readable by this user only.
  writeFileSync(file, coturnConfig(input, path.join(dir, 'turndb')), { mode: 0o600 });
  const child = spawn('turnserver', ['-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (b: Buffer) => b.toString().split('\n').filter(Boolean).forEach(log));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err) => reject(new Error(`TURN_EMBEDDED: cannot start turnserver (install Debian's coturn): ${err.message}`))),
  );
  const ready = waitForPort(input.turn.listenIp, input.turn.port, 10_000);
  await Promise.race([ready, spawnError, exited.then((code) => Promise.reject(new Error(`turnserver exited with ${code} at start (see its log above)`)))]);
  return {
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000).unref())]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`turnserver did not listen on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
