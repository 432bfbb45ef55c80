// Plain RTP transports (LOAD_TEST_PLAIN_RTP, for the load benchmark): refused unless the server
// was started with the option, which itself is refused unless the media server is on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../signaling/config.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { seedLeakCase, startTestServer, type TestServer } from '../support/server.ts';

async function joinedMediator(server: TestServer): Promise<RoomTestClient> {
  const { mediator, caseId } = await seedLeakCase(server);
  const m = new RoomTestClient(server.url, { cookie: mediator.cookie });
  await m.connected();
  await m.ok('room:join', { caseId });
  return m;
}

describe('plain RTP transports, option off (the default)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('refuses to create or connect one', async () => {
    const m = await joinedMediator(server);
    try {
      expect(await m.request('media:createPlainTransport', { direction: 'send' })).toMatchObject({ ok: false, code: 'PLAIN_RTP_DISABLED' });
      expect(await m.request('media:connectPlainTransport', { transportId: 'x', ip: '127.0.0.1', port: 5000 })).toMatchObject({
        ok: false,
        code: 'PLAIN_RTP_DISABLED',
      });
      expect(server.rooms.rooms()[0]!.media.counts().transports).toBe(0);
    } finally {
      m.close();
    }
  });
});

describe('plain RTP transports, LOAD_TEST_PLAIN_RTP=1', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ LOAD_TEST_PLAIN_RTP: '1' });
  });
  afterAll(() => server?.close());

  it('creates them on loopback and connects recv ones to loopback sinks only', async () => {
    const m = await joinedMediator(server);
    try {
      const send = await m.ok('media:createPlainTransport', { direction: 'send' });
      expect(send).toMatchObject({ ip: '127.0.0.1' });
      expect(send.port).toBeGreaterThan(0);
      const recv = await m.ok('media:createPlainTransport', { direction: 'recv' });
      expect(await m.request('media:connectPlainTransport', { transportId: recv.id, ip: '10.1.2.3', port: 5000 })).toMatchObject({
        ok: false,
        code: 'VALIDATION',
      });
      expect(await m.request('media:connectPlainTransport', { transportId: send.id, ip: '127.0.0.1', port: 5000 })).toMatchObject({
        ok: false,
        code: 'INVALID_STATE',
      });
      await m.ok('media:connectPlainTransport', { transportId: recv.id, ip: '127.0.0.1', port: 5000 });
      expect(server.rooms.rooms()[0]!.media.counts().transports).toBe(2);
    } finally {
      m.close();
    }
  });
});

describe('LOAD_TEST_PLAIN_RTP in the configuration', () => {
  it('is refused unless the media server listens on loopback', () => {
    expect(() => loadConfig({ LOAD_TEST_PLAIN_RTP: '1', RTC_LISTEN_IP: '0.0.0.0' })).toThrow(ConfigError);
    expect(loadConfig({ LOAD_TEST_PLAIN_RTP: '1', RTC_LISTEN_IP: '127.0.0.1' }).loadTestPlainRtp).toBe(true);
    expect(loadConfig({}).loadTestPlainRtp).toBe(false);
    expect(() => loadConfig({ LOAD_TEST_PLAIN_RTP: 'yes' })).toThrow(/LOAD_TEST_PLAIN_RTP must be 0 or 1/);
  });
});
