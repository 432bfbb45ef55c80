// A user-space UDP relay that can make a link lossy and slow (this kernel has no netem), run inside
// a test's middle network namespace (plain Node, no deps):
//   node udp-relay.mjs LISTEN_HOST:PORT=TARGET_HOST:PORT
// Each client address gets its own upstream socket (like a NAT), so the media server answers
// every client flow separately. Commands on stdin, one per line, each answered "ok":
//   impair PREFIX LOSS_PERCENT DELAY_MS   datagrams of clients whose address starts with PREFIX
//                                          (both directions) are dropped at LOSS_PERCENT and each
//                                          delayed DELAY_MS (so the round trip grows by twice that)
//   clear                                  no more loss or delay
//   counts                                 prints the datagram counts as JSON
// Prints "ready" once listening; exits when its parent closes stdin, and after 15 minutes anyway.
import dgram from 'node:dgram';
import readline from 'node:readline';

const [from, to] = process.argv[2].split('=');
const split = (hp) => {
  const i = hp.lastIndexOf(':');
  return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
};
const listen = split(from);
const target = split(to);

/** A small seeded generator: the same run drops the same datagrams. */
let seed = 0x2f6b1d;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

let impairment = null; // { prefix, loss, delayMs }
/** All datagrams forwarded; those an impairment applied to, and of them those dropped. */
const counts = { forwarded: 0, impaired: 0, dropped: 0 };

/** Sends now, or later and maybe never, as the impairment of this client says. */
function pass(clientAddress, send) {
  const rule = impairment && clientAddress.startsWith(impairment.prefix) ? impairment : null;
  if (!rule) {
    counts.forwarded++;
    return send();
  }
  counts.impaired++;
  if (random() < rule.loss) {
    counts.dropped++;
    return;
  }
  counts.forwarded++;
  if (rule.delayMs > 0) setTimeout(send, rule.delayMs);
  else send();
}

const front = dgram.createSocket('udp4');
const flows = new Map(); // "ip:port" → upstream socket

front.on('message', (msg, client) => {
  const key = `${client.address}:${client.port}`;
  let upstream = flows.get(key);
  if (!upstream) {
    upstream = dgram.createSocket('udp4');
    upstream.on('message', (reply) => pass(client.address, () => front.send(reply, client.port, client.address)));
    upstream.on('error', () => flows.delete(key));
    upstream.bind(0);
    flows.set(key, upstream);
  }
  const up = upstream;
  pass(client.address, () => up.send(msg, target.port, target.host));
});
front.bind(listen.port, listen.host, () => process.stdout.write('ready\n'));

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [cmd, prefix, loss, delay] = line.trim().split(/\s+/);
  if (cmd === 'impair') impairment = { prefix, loss: Number(loss) / 100, delayMs: Number(delay) };
  else if (cmd === 'clear') impairment = null;
  else if (cmd === 'counts') process.stdout.write(`${JSON.stringify(counts)}\n`);
  process.stdout.write('ok\n');
});
lines.on('close', () => process.exit(0));
setTimeout(() => process.exit(0), 15 * 60_000).unref();
