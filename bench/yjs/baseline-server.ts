// The baseline of `npm run bench -- yjs`: the stock y-websocket server (@y/websocket-server's
// setupWSConnection on a bare HTTP server, as its own bin does), in its own process like ours.
// No auth, no persistence. Prints READY <port>.
import http from 'node:http';
import { setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT);
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('y-websocket baseline');
});
const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => setupWSConnection(ws, request)));
server.listen(port, '127.0.0.1', () => process.stdout.write(`READY ${port}\n`));
process.once('SIGTERM', () => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
});
