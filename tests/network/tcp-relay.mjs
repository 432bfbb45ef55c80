// A user-space TCP relay, run inside a test's middle network namespace (plain Node, no deps):
//   node tcp-relay.mjs LISTEN_HOST:PORT=TARGET_HOST:PORT …
// It is the only way from the client namespace to the server: the middle namespace does not
// forward packets, so whatever is not relayed here (UDP, other ports) cannot get through.
// Prints "ready" once every listener is up; exits when its parent closes stdin.
import net from 'node:net';

const routes = process.argv.slice(2).map((arg) => {
  const [from, to] = arg.split('=');
  const split = (hp) => {
    const i = hp.lastIndexOf(':');
    return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
  };
  return { from: split(from), to: split(to) };
});

let listening = 0;
for (const { from, to } of routes) {
  const server = net.createServer((client) => {
    const upstream = net.connect(to.port, to.host);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
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
