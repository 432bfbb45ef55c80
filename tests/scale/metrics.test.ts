// /metrics against a real server with a live room (real mediasoup) and an open agreement draft:
// the Prometheus text carries rooms, peers, producers, consumers, worker CPU, event-loop lag, Yjs
// documents and memory; it is refused to other hosts without a token, and with METRICS_TOKEN
// set it wants that token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementDocName } from '../../signaling/drafting/index.ts';
import { connectClient, setUpDraftCase, wsUrl, type DraftCase } from '../drafting/sync-support.ts';
import { OPUS_RTP_PARAMETERS, RoomTestClient } from '../support/room-client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** `name{labels} value` lines → map from `name{labels}` to value. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

describe('metrics, loopback only', () => {
  let server: TestServer;
  let k: DraftCase;
  beforeAll(async () => {
    server = await startTestServer();
    k = await setUpDraftCase(server.url, server.admin);
  });
  afterAll(() => server?.close());

  it('reports the live room, its media, the open draft and the process', async () => {
    const m = new RoomTestClient(server.url, { cookie: k.mediator.cookie });
    const a = new RoomTestClient(server.url, { token: k.tokenA });
    const draft = connectClient({ url: wsUrl(server.url), docName: agreementDocName(k.caseId), cookie: k.mediator.cookie });
    try {
      await m.connected();
      await a.connected();
      await m.ok('room:join', { caseId: k.caseId });
      await a.ok('room:join', { caseId: k.caseId }); // waits in the lobby
      const send = await m.ok('media:createTransport', { direction: 'send' });
      await m.ok('media:produce', { transportId: send.id, kind: 'audio', rtpParameters: OPUS_RTP_PARAMETERS, source: 'microphone' });
      await draft.ready;

      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const text = await res.text();
      expect(text).toContain('# TYPE jiefen_consumers gauge');
      const v = parse(text);
      expect(v.get('jiefen_rooms_live')).toBe(1);
      expect(v.get('jiefen_peers{status="admitted"}')).toBe(1);
      expect(v.get('jiefen_peers{status="lobby"}')).toBe(1);
      expect(v.get('jiefen_media_routers')).toBe(1);
      expect(v.get('jiefen_transports')).toBe(1);
      expect(v.get('jiefen_producers')).toBe(1);
      expect(v.get('jiefen_yjs_documents_open')).toBe(1);
      expect(v.get('jiefen_yjs_connections')).toBeGreaterThanOrEqual(1);
      const cpu = [...v.entries()].filter(([key]) => key.startsWith('jiefen_worker_cpu_seconds_total{worker="0"'));
      expect(cpu).toHaveLength(2);
      expect(cpu.every(([, value]) => value >= 0)).toBe(true);
      expect(v.get('jiefen_event_loop_lag_seconds{quantile="0.99"}')).toBeGreaterThanOrEqual(0);
      expect(v.get('jiefen_process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    } finally {
      m.close();
      a.close();
      draft.destroy();
    }
  });

  it('is refused to a request from another host (also the room listing)', async () => {
    for (const url of ['/metrics', '/metrics/rooms']) {
      const res = await server.app.inject({ method: 'GET', url, remoteAddress: '10.1.2.3' });
      expect(res.statusCode).toBe(401);
    }
  });
});

describe('metrics with METRICS_TOKEN', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN: 'metrics-token-0123456789' });
  });
  afterAll(() => server?.close());

  it('wants the bearer token, from anywhere', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics/rooms`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const ok = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '10.1.2.3',
      headers: { authorization: 'Bearer metrics-token-0123456789' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('jiefen_rooms_live 0');
  });
});
