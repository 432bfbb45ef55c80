// A party behind a network that lets only TCP 443 out (an office firewall): two parties' Chromium
// run in a network namespace whose only way out is a TCP relay on port 443 — to the web server on
// one address and to coturn's TLS listener on another. No UDP and no other port gets through, so
// the media can only flow relayed by TURN over TLS. Without TURN the same join gets no media: the
// control that shows the network really blocks the direct paths.
import { afterEach, describe, expect, it } from 'vitest';
import { expectReceivingFrom, inboundStats, totals } from '../support/room-pages.ts';
import { sleep, eventually } from '../support/wait.ts';
import { joinFromClientNetwork, remotePeers, setUp, tearDown, type Setup } from './tcp443-network.ts';

let current: Setup | null = null;

afterEach(async () => {
  if (current) await tearDown(current);
  current = null;
});

describe('a network that allows only TCP 443', () => {
  it('joins and hears and sees the other party through TURN over TLS', async () => {
    current = await setUp(0, true);
    const a = await joinFromClientNetwork(current, current.parties[0]!.token);
    const b = await joinFromClientNetwork(current, current.parties[1]!.token);
    for (const page of [a, b]) {
      await eventually(async () => expect(await remotePeers(page)).toHaveLength(1), 60_000);
      // Audio and video from the other party keep arriving.
      await expectReceivingFrom(page, await remotePeers(page));
    }
  }, 240_000);

  it('with UDP blocked, media flows over TCP to the media server (ICE-TCP), no TURN needed', async () => {
    current = await setUp(2, false, 'udp-blocked');
    const a = await joinFromClientNetwork(current, current.parties[0]!.token);
    const b = await joinFromClientNetwork(current, current.parties[1]!.token);
    for (const page of [a, b]) {
      await eventually(async () => expect(await remotePeers(page)).toHaveLength(1), 60_000);
      await expectReceivingFrom(page, await remotePeers(page));
    }
  }, 240_000);

  it('without TURN the same join gets no media (the network really blocks direct paths)', async () => {
    current = await setUp(1, false);
    const a = await joinFromClientNetwork(current, current.parties[0]!.token);
    await joinFromClientNetwork(current, current.parties[1]!.token);
    // Long enough for ICE over a working path several times over (loopback joins take < 2 s).
    await sleep(20_000);
    const frames = [...totals(await inboundStats(a), 'framesDecoded').values()].reduce((x, y) => x + y, 0);
    const packets = [...totals(await inboundStats(a), 'packetsReceived').values()].reduce((x, y) => x + y, 0);
    expect({ frames, packets }).toEqual({ frames: 0, packets: 0 });
  }, 240_000);
});
