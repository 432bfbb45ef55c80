// tcp-relay.mjs with --delay-ms (the 100 ms round trip of `npm run bench -- join --link`): every
// byte arrives, in order, both ways, each request/answer round trip at least twice the delay
// longer (a lower bound: only the relay's timers can make it), and a side that sends and closes
// still delivers everything before the other side is closed. Run on loopback, no namespace needed.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../drafting/persistence-kill9.ts';

const DELAY_MS = 60;
const children: ChildProcess[] = [];
const servers: net.Server[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const s of servers.splice(0)) s.close();
});

async function target(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer(onConnection);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function relay(targetPort: number, delayMs: number): Promise<number> {
  const port = await freePort();
  const args = [path.resolve('tests/network/tcp-relay.mjs'), ...(delayMs ? [`--delay-ms=${delayMs}`] : []), `127.0.0.1:${port}=127.0.0.1:${targetPort}`];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
  });
  return port;
}

/** Connects, sends `request`, collects the answer until the far side closes; ms from send to the first answer byte. */
function exchange(port: number, request: Buffer): Promise<{ answer: Buffer; firstByteMs: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let sentAt = 0;
    let firstByteMs = -1;
    socket.on('connect', () => {
      sentAt = performance.now();
      socket.write(request);
    });
    socket.on('data', (chunk) => {
      if (firstByteMs < 0) firstByteMs = performance.now() - sentAt;
      chunks.push(chunk);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ answer: Buffer.concat(chunks), firstByteMs }));
  });
}

const request = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
/** Once the whole request is in: answers with it reversed, then 300 KB more, and closes. */
const REPLY_TAIL = Buffer.alloc(300 * 1024, 7);
function echoReversed(socket: net.Socket) {
  const got: Buffer[] = [];
  let n = 0;
  socket.on('data', (c) => {
    got.push(c);
    n += c.length;
    if (n === request.length) socket.end(Buffer.concat([Buffer.from(Buffer.concat(got)).reverse(), REPLY_TAIL]));
  });
}

describe('tcp-relay.mjs --delay-ms', () => {
  const expected = Buffer.concat([Buffer.from(request).reverse(), REPLY_TAIL]);

  it('delivers every byte in order both ways, and a closing side’s last bytes, at least 2 × delay later', async () => {
    const port = await relay(await target(echoReversed), DELAY_MS);
    const { answer, firstByteMs } = await exchange(port, request);
    expect(answer.length).toBe(expected.length);
    expect(answer.equals(expected)).toBe(true);
    expect(firstByteMs).toBeGreaterThanOrEqual(2 * DELAY_MS);
  });

  it('without --delay-ms relays as before (the control: same bytes)', async () => {
    const port = await relay(await target(echoReversed), 0);
    const { answer } = await exchange(port, request);
    expect(answer.equals(expected)).toBe(true);
  });
});
