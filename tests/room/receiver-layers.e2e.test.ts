// Each receiver's simulcast cap follows its downlink only while the downlink is what holds its video
// back (receiver-layers.ts), in two real Chromium pages on a real mediasoup worker. The downlink is
// narrowed with the receive transport's maxOutgoingBitrate, which caps the worker's own estimate:
// when the receiver asked for the low layer itself, a low estimate holds nothing back and must not
// lower its cap (an application-limited estimate says nothing of the link — on loopback it sank
// below the threshold while a caucus paused half of a member's video); when the receiver wants the
// high layer and the worker keeps forwarding the low one, two rounds of it lower the cap; a wide
// downlink lifts it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaConsumer } from '../../sfu/index.ts';
import type { LiveRoom } from '../../signaling/rooms/live-room.ts';
import { RECEIVER_LAYER_POLICY } from '../../signaling/rooms/receiver-layers.ts';
import { expectReceivingFrom, openRoomPage, type RoomPage } from '../support/room-pages.ts';
import { seedLeakCase, startTestServer, type SeededParty, type TestServer } from '../support/server.ts';
import { eventually, sleep } from '../support/wait.ts';

describe('a receiver’s simulcast cap follows its downlink only while the downlink holds its video back', () => {
  let server: TestServer;
  let mediatorId: string;
  let party: SeededParty;
  let pages: RoomPage[] = [];
  let room: LiveRoom;
  let fromParty: MediaConsumer;

  beforeAll(async () => {
    server = await startTestServer();
    let mediator;
    let caseId: string;
    let parties: SeededParty[];
    ({ mediator, mediatorId, caseId, parties } = await seedLeakCase(server));
    party = parties[0]!;
    pages.push(await openRoomPage(`${server.url}/cases/${caseId}/room`, mediator));
    pages.push(await openRoomPage(`${server.url}/j/${party.token}/room`));
    await eventually(async () => expect(server.rooms.get(caseId)?.member(party.id)?.status).toBe('lobby'));
    room = server.rooms.get(caseId)!;
    await room.admit(room.member(mediatorId)!, party.id);
    await expectReceivingFrom(pages[0]!.page, [party.id]);
    const mediator_ = room.member(mediatorId)!;
    const camera = room
      .member(party.id)!
      .media!.producers()
      .find((p) => p.kind === 'video')!;
    fromParty = mediator_.media!.getConsumer(mediator_.consumers.get(camera.id)!.consumerId)!;
  }, 120_000);

  afterAll(async () => {
    for (const p of pages) await p.close();
    pages = [];
    await server?.close();
  });

  const mediatorDownlink = () => {
    const m = room.member(mediatorId)!;
    return { estimate: () => m.media!.downlinkEstimate(m.recvTransportId!), transport: m.media!.getTransport(m.recvTransportId!)!.mediasoupTransport };
  };
  /** Rounds of the policy as its timer runs them, a little apart. */
  const rounds = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await room.receiverLayers.tick();
      await sleep(500);
    }
  };

  it('on a wide downlink the high layer flows and nothing is held back', async () => {
    await eventually(async () => expect(fromParty.currentLayers?.spatialLayer).toBe(1), 20_000);
    expect(fromParty.heldBack).toBe(false);
    await rounds(2);
    expect(room.receiverLayers.downlinkLayer(mediatorId)).toBe(1);
  });

  it('the receiver asked for the low layer: a low estimate holds nothing back and lowers no cap', async () => {
    await room.setPreferredLayers(mediatorId, fromParty.id, 0);
    // Room for the low layer's base (its lowest frame rate takes a few tens of kbit/s).
    await mediatorDownlink().transport.setMaxOutgoingBitrate(100_000);
    await eventually(async () => expect(await mediatorDownlink().estimate()).toBeLessThan(RECEIVER_LAYER_POLICY.lowBelowBps), 10_000);
    await eventually(async () => expect(fromParty.currentLayers?.spatialLayer).toBe(0), 10_000);
    await rounds(3);
    expect(fromParty.heldBack).toBe(false);
    expect(room.receiverLayers.downlinkLayer(mediatorId)).toBe(1);
  });

  it('the receiver wants the high layer and the narrow downlink keeps it on the low one: two rounds lower the cap', async () => {
    // The least the worker allows: below what Chromium sends the high layer at, even at its lowest frame rate.
    await mediatorDownlink().transport.setMaxOutgoingBitrate(30_000);
    await room.setPreferredLayers(mediatorId, fromParty.id, 1);
    await sleep(1_000);
    expect(fromParty.currentLayers?.spatialLayer ?? -1).toBeLessThan(1);
    expect(fromParty.heldBack).toBe(true);
    await room.receiverLayers.tick();
    await sleep(500);
    await room.receiverLayers.tick();
    expect(room.receiverLayers.downlinkLayer(mediatorId)).toBe(0);
    expect(fromParty.mediasoupConsumer.preferredLayers?.spatialLayer).toBe(0);
    await rounds(2);
    expect(room.receiverLayers.downlinkLayer(mediatorId)).toBe(0);
  });

  it('a wide downlink again lifts the cap and the high layer comes back', async () => {
    await mediatorDownlink().transport.setMaxOutgoingBitrate(0);
    await eventually(async () => {
      await room.receiverLayers.tick();
      expect(room.receiverLayers.downlinkLayer(mediatorId)).toBe(1);
    }, 30_000);
    await eventually(async () => expect(fromParty.currentLayers?.spatialLayer).toBe(1), 20_000);
  });
});
