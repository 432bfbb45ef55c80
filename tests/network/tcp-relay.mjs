// A user-space TCP relay, run inside a test's middle network namespace (plain Node, no deps):
//   node tcp-relay.mjs [--delay-ms=N] LISTEN_HOST:PORT=TARGET_HOST:PORT …
// It is the only way from the client namespace to the server: the middle namespace does not
// forward packets, so whatever is not relayed here (UDP, other ports) cannot get through.
// --delay-ms holds every chunk N ms in each direction (the round trip grows by 2 N; this kernel
// has no netem), order kept; a closed side closes the other once what it sent has passed.
// Prints "ready" once every listener is up; exits when its parent closes stdin.
import net from 'node:net';

const args = process.argv.slice(2);
const delayMs = args[0]?.startsWith('--delay-ms=') ? Number(args.shift().slice('--delay-ms='.length)) : 0;
const routes = args.map((arg) => {
  const [from, to] = arg.split('=');
  const split = (hp) => {
    const i = hp.lastIndexOf(':');
    return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
  };
  return { from: split(from), to: split(to) };
});

/** from → to, each chunk delayed by delayMs (timers of equal delay fire in order). */
function forward(from, to) {
  if (!delayMs) return void from.pipe(to);
  from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), delayMs));
  from.on('end', () => setTimeout(() => to.destroyed || to.end(), delayMs));
}

let listening = 0;
for (const { from, to } of routes) {
  const server = net.createServer((client) => {
    const upstream = net.connect(to.port, to.host);
    if (delayMs) for (const s of [client, upstream]) s.setNoDelay(true);
    forward(client, upstream);
    forward(upstream, client);
    const destroy = () => {
      client.destroy();
      upstream.destroy();
    };
    const end = () => (delayMs ? setTimeout(destroy, delayMs) : destroy());
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  server.listen(from.port, from.host, () => {
    if (++listening === routes.length) process.stdout.write('ready\n');
  });
}
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
