// The mediator's shared screen is one more video producer (source 'screen') and the routing policy
// decides who receives it, as for any video: a party the caucus leaves outside gets no consumer of
// it at all, gets it once everyone is back together, and loses it when the sharing stops. Only
// whoever leads the room may share a screen. Real server, real mediasoup, real SQLite.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OPUS_RTP_PARAMETERS, RoomTestClient, vp8RtpParameters } from '../support/room-client.ts';
import { freshRoom, joinAll, sendAndReceive, settleConsumers, setUpRoomCase, type RoomCase } from '../support/room-case.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';

let server: TestServer;
let mediatorId: string;
let caseId: string;
let party: RoomCase<'A' | 'B'>['party'];
let rc: RoomCase<'A' | 'B'>;
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  rc = await setUpRoomCase(server, {
    mediator: { username: 'zhoujm', displayName: '周建明' },
    case: { title: '装修款纠纷', summary: '装修尾款争议' },
    parties: {
      A: { name: '刘某', side: 'A', role: 'APPLICANT', id17: '15020419750312101' },
      B: { name: '陈某', side: 'B', role: 'RESPONDENT', id17: '15020419800101123' },
    },
  });
  ({ mediatorId, caseId, party } = rc);
});
afterEach(() => freshRoom(server, caseId, clients));
afterAll(() => server?.close());

/** The mediator and both parties in the room with microphones and cameras; the mediator's send transport too. */
async function room3() {
  const sends = new Map<RoomTestClient, string>();
  const media = sendAndReceive(40_000);
  const c = await joinAll(server, rc, ['A', 'B'], clients, async (x) => sends.set(x, await media(x)));
  return { c, mediatorSend: sends.get(c.m)! };
}
const settle = () => settleConsumers(server, caseId);

/** The receiver's consumer of this producer on the server: absent, or whether it flows. */
function consumerOf(receiverId: string, producerId: string): 'none' | 'paused' | 'flowing' {
  const member = server.rooms.get(caseId)!.member(receiverId)!;
  const c = member.consumers.get(producerId);
  if (!c) return 'none';
  const live = member.media!.getConsumer(c.consumerId);
  if (!live) return 'none';
  return c.resumed && !live.paused ? 'flowing' : 'paused';
}

/** A second video on the same send transport needs its own MID. */
/** SSRCs for the screens and extra microphones the tests publish themselves (the room's own media start at 40,000). */
let ssrc = 60_000;
const screenRtp = () => ({ ...vp8RtpParameters(ssrc++), mid: '2', rtcp: { cname: 'test-screen' } });

const screenOffers = (c: RoomTestClient) => c.events.filter((e) => e.event === 'media:newConsumer' && e.payload.source === 'screen');

describe('screen sharing', () => {
  it('a screen shared during a caucus reaches only the caucus; the party outside gets no consumer until everyone is back', async () => {
    const { c, mediatorSend } = await room3();
    await c.m.ok('caucus:start', { peerIds: [party.A.id] });
    await c.B.waitFor('room:location', (l) => l.waiting);

    const { producerId: screen } = await c.m.ok('media:produce', { transportId: mediatorSend, kind: 'video', rtpParameters: screenRtp(), source: 'screen' });
    await settle();
    expect(consumerOf(party.A.id, screen)).toBe('flowing');
    expect(consumerOf(party.B.id, screen)).toBe('none');
    expect(screenOffers(c.B)).toEqual([]);
    const offered = await c.A.waitFor('media:newConsumer', (p) => p.producerId === screen);
    expect(offered).toMatchObject({ source: 'screen', kind: 'video', peerId: mediatorId });
    // The roster B is shown does not even name the mediator's screen.
    expect(JSON.stringify(c.B.last('room:peers'))).not.toContain(screen);

    await c.m.ok('caucus:endAll', {});
    await settle();
    expect(consumerOf(party.B.id, screen)).toBe('flowing');
    expect((await c.B.waitFor('media:newConsumer', (p) => p.producerId === screen)).source).toBe('screen');

    // Sharing stops: every consumer of the screen goes, the camera stays.
    await c.m.ok('media:closeProducer', { producerId: screen });
    await waitFor(() => consumerOf(party.A.id, screen) === 'none' && consumerOf(party.B.id, screen) === 'none', 5000, 'screen consumers closed');
    await c.B.waitFor('media:consumerClosed', (e) => e.consumerId === screenOffers(c.B)[0]!.payload.consumerId);
    const camera = server.rooms
      .get(caseId)!
      .member(mediatorId)!
      .media!.producers()
      .find((p) => p.source === 'camera')!;
    expect(consumerOf(party.B.id, camera.id)).toBe('flowing');
  });

  it('a screen shared before a caucus is paused for the party left outside and resumed after', async () => {
    const { c, mediatorSend } = await room3();
    const { producerId: screen } = await c.m.ok('media:produce', { transportId: mediatorSend, kind: 'video', rtpParameters: screenRtp(), source: 'screen' });
    await settle();
    expect(consumerOf(party.B.id, screen)).toBe('flowing');
    await c.m.ok('caucus:start', { peerIds: [party.A.id] });
    // Break before make: by the acknowledgement B's screen consumer no longer flows.
    expect(consumerOf(party.B.id, screen)).toBe('paused');
    expect(consumerOf(party.A.id, screen)).toBe('flowing');
    await c.m.ok('caucus:endAll', {});
    await settle();
    expect(consumerOf(party.B.id, screen)).toBe('flowing');
  });

  it('a party cannot share a screen, and a leader shares one screen at a time', async () => {
    const { c, mediatorSend } = await room3();
    const aSend = (await c.A.ok('media:createTransport', { direction: 'send' })).id;
    const refused = await c.A.request('media:produce', { transportId: aSend, kind: 'video', rtpParameters: screenRtp(), source: 'screen' });
    expect(refused).toMatchObject({ ok: false, code: 'SCREEN_SHARE_NOT_ALLOWED' });
    expect(
      server.rooms
        .get(caseId)!
        .member(party.A.id)!
        .media!.producers()
        .some((p) => p.source === 'screen'),
    ).toBe(false);

    await c.m.ok('media:produce', { transportId: mediatorSend, kind: 'video', rtpParameters: screenRtp(), source: 'screen' });
    const second = await c.m.request('media:produce', { transportId: mediatorSend, kind: 'video', rtpParameters: screenRtp(), source: 'screen' });
    expect(second.ok).toBe(false);
    // A screen is video: audio labelled 'screen' is refused by the schema check.
    const audioScreen = await c.m.request('media:produce', {
      transportId: mediatorSend,
      kind: 'audio',
      rtpParameters: { ...OPUS_RTP_PARAMETERS, encodings: [{ ssrc: ssrc++ }] },
      source: 'screen',
    });
    expect(audioScreen).toMatchObject({ ok: false, code: 'VALIDATION' });
  });
});
