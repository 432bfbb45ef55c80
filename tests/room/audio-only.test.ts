// 仅语音 (audio-first, #18 item 3) through the socket protocol against a real server (real
// mediasoup, real SQLite): a member in audio-only mode receives no video — its video consumers are
// paused on the server — while audio keeps flowing; the others see the badge in the roster; leaving
// the mode never reopens media the caucus rules forbid. And each receiver's simulcast layer: the
// client's wish, capped by the receiver's downlink estimate (receiver-layers.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { layerForDownlink, preferredLayer, RECEIVER_LAYER_POLICY } from '../../signaling/rooms/receiver-layers.ts';
import { freshRoom, joinAll, sendAndReceive, settleConsumers, setUpRoomCase, type RoomCase } from '../support/room-case.ts';
import { RoomTestClient } from '../support/room-client.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let mediatorId: string;
let caseId: string;
let party: RoomCase<'A' | 'B'>['party'];
let rc: RoomCase<'A' | 'B'>;
const clients: RoomTestClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ ROOM_RECONNECT_GRACE_SEC: '30' });
  rc = await setUpRoomCase(server, {
    mediator: { username: 'voice', displayName: '李瑞芳' },
    case: { title: '王某家漏水纠纷', summary: '直饮水管道漏水' },
    parties: {
      A: { name: '李某', side: 'A', role: 'APPLICANT', id17: '15020419750312101' },
      B: { name: '王某', side: 'B', role: 'RESPONDENT', id17: '15020419800101123' },
    },
  });
  ({ mediatorId, caseId, party } = rc);
});
afterEach(() => freshRoom(server, caseId, clients));
afterAll(() => server?.close());

/** The mediator and both parties in the room, each with a microphone and a two-layer camera. */
const room3 = () => joinAll(server, rc, ['A', 'B'], clients, sendAndReceive(20_000, { simulcast: true }));
const settle = () => settleConsumers(server, caseId);

/** `peerId/kind` of every consumer `peerId` receives right now (resumed on the server). */
function receiving(peerId: string): string[] {
  const room = server.rooms.get(caseId)!;
  const member = room.member(peerId)!;
  const out: string[] = [];
  for (const [producerId, c] of member.consumers) {
    const live = member.media!.getConsumer(c.consumerId);
    if (!c.resumed || !live || live.paused) continue;
    const owner = room.members().find((x) => x.media?.producers().some((p) => p.id === producerId))!;
    out.push(`${owner.peerId}/${live.kind}`);
  }
  return out.sort();
}

const both = (...ids: string[]) => ids.flatMap((id) => [`${id}/audio`, `${id}/video`]).sort();
const audioOf = (...ids: string[]) => ids.map((id) => `${id}/audio`).sort();

describe('仅语音', () => {
  it('stops the video a member receives (paused on the server), keeps its audio, and others see the badge', async () => {
    const c = await room3();
    expect(receiving(party.A.id)).toEqual(both(mediatorId, party.B.id));

    await c.A.ok('media:setAudioOnly', { audioOnly: true, automatic: false });
    // Acknowledged after the server paused the video: nothing more to wait for.
    expect(receiving(party.A.id)).toEqual(audioOf(mediatorId, party.B.id));
    expect(receiving(party.B.id)).toEqual(both(mediatorId, party.A.id));
    const seen = await c.B.waitFor('room:peers', (e) =>
      e.peers.some((p: { peerId: string; audioOnly?: string }) => p.peerId === party.A.id && p.audioOnly === 'manual'),
    );
    expect(seen.peers.find((p: { peerId: string }) => p.peerId === party.A.id).audioOnly).toBe('manual');
    // The mediator's own audience list no longer has A for video.
    await c.m.waitFor('room:audience', (a) => !a.video.some((p: { peerId: string }) => p.peerId === party.A.id));

    // The link policy's automatic mode is told apart; off again resumes video.
    await c.A.ok('media:setAudioOnly', { audioOnly: true, automatic: true });
    await c.m.waitFor('room:peers', (e) => e.peers.some((p: { peerId: string; audioOnly?: string }) => p.peerId === party.A.id && p.audioOnly === 'auto'));
    await c.A.ok('media:setAudioOnly', { audioOnly: false, automatic: false });
    await settle();
    expect(receiving(party.A.id)).toEqual(both(mediatorId, party.B.id));
    await c.B.waitFor('room:peers', (e) => e.peers.some((p: { peerId: string; audioOnly?: string | null }) => p.peerId === party.A.id && p.audioOnly === null));
  });

  it('is refused with a validation error for a malformed request, changing nothing', async () => {
    const c = await room3();
    expect(await c.A.request('media:setAudioOnly', { audioOnly: 'yes', automatic: false })).toMatchObject({ ok: false, code: 'VALIDATION' });
    expect(await c.A.request('media:setAudioOnly', { audioOnly: true })).toMatchObject({ ok: false, code: 'VALIDATION' });
    expect(server.rooms.get(caseId)!.member(party.A.id)!.audioOnly).toBeNull();
    expect(receiving(party.A.id)).toEqual(both(mediatorId, party.B.id));
  });

  it('leaving 仅语音 during a caucus never reopens media across it', async () => {
    const c = await room3();
    await c.A.ok('media:setAudioOnly', { audioOnly: true, automatic: false });
    await c.m.ok('caucus:start', { peerIds: [party.B.id] });
    // A waits in the joint session: nothing at all, audio included.
    expect(receiving(party.A.id)).toEqual([]);
    await c.A.ok('media:setAudioOnly', { audioOnly: false, automatic: false });
    await settle();
    expect(receiving(party.A.id)).toEqual([]);
    expect(receiving(party.B.id)).toEqual(both(mediatorId));
    // And a member in 仅语音 inside the caucus still gets only what the caucus allows.
    await c.B.ok('media:setAudioOnly', { audioOnly: true, automatic: true });
    expect(receiving(party.B.id)).toEqual(audioOf(mediatorId));
    await c.m.ok('caucus:endAll', {});
    await settle();
    expect(receiving(party.A.id)).toEqual(both(mediatorId, party.B.id));
    expect(receiving(party.B.id)).toEqual(audioOf(mediatorId, party.A.id));
  });

  it('a re-join starts with audio and video (a reloaded page does not stay in 仅语音 unseen)', async () => {
    const c = await room3();
    await c.A.ok('media:setAudioOnly', { audioOnly: true, automatic: false });
    const again = new RoomTestClient(server.url, { token: party.A.token });
    clients.push(again);
    await again.connected();
    await again.ok('room:join', { caseId });
    expect(server.rooms.get(caseId)!.member(party.A.id)!.audioOnly).toBeNull();
  });
});

describe('simulcast layers per receiver', () => {
  it('the downlink estimate picks the layer, with hysteresis, and unknown keeps it', () => {
    expect(layerForDownlink(1, 2_000_000, true)).toBe(1);
    expect(layerForDownlink(1, RECEIVER_LAYER_POLICY.lowBelowBps - 1, true)).toBe(0);
    expect(layerForDownlink(0, RECEIVER_LAYER_POLICY.lowBelowBps + 50_000, true)).toBe(0);
    expect(layerForDownlink(0, RECEIVER_LAYER_POLICY.highAtBps, false)).toBe(1);
    expect(layerForDownlink(0, null, true)).toBe(0);
    expect(layerForDownlink(1, null, true)).toBe(1);
  });

  it('a low estimate lowers the layer only while it holds the video back (an application-limited one says nothing of the link)', () => {
    expect(layerForDownlink(1, RECEIVER_LAYER_POLICY.lowBelowBps - 1, false)).toBe(1);
    expect(layerForDownlink(1, 100_000, false)).toBe(1);
    expect(layerForDownlink(0, RECEIVER_LAYER_POLICY.lowBelowBps - 1, false)).toBe(0);
  });

  it('the client’s wish is capped by a weak downlink, never raised by it', () => {
    expect(preferredLayer(undefined, 1)).toBe(RECEIVER_LAYER_POLICY.highest);
    expect(preferredLayer(0, 1)).toBe(0);
    expect(preferredLayer(1, 0)).toBe(0);
    expect(preferredLayer(undefined, 0)).toBe(0);
  });

  it('a receiver’s wish reaches its simulcast consumer on the media server; a round without an estimate changes nothing', async () => {
    const c = await room3();
    const room = server.rooms.get(caseId)!;
    const a = room.member(party.A.id)!;
    const fromB = [...a.consumers.values()].map((s) => a.media!.getConsumer(s.consumerId)!).find((x) => x.kind === 'video' && x.producerPeerId === party.B.id)!;
    expect(fromB.type).toBe('simulcast');
    await c.A.ok('media:setPreferredLayers', { consumerId: fromB.id, spatialLayer: 0 });
    expect(fromB.mediasoupConsumer.preferredLayers?.spatialLayer).toBe(0);
    // No DTLS here, so no bandwidth estimate: the round keeps the client's wish.
    await room.receiverLayers.tick();
    expect(room.receiverLayers.downlinkLayer(party.A.id)).toBe(1);
    expect(fromB.mediasoupConsumer.preferredLayers?.spatialLayer).toBe(0);
    await c.A.ok('media:setPreferredLayers', { consumerId: fromB.id, spatialLayer: 1 });
    expect(fromB.mediasoupConsumer.preferredLayers?.spatialLayer).toBe(1);
  });
});
