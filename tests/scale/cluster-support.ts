// Shared set-up for the several-node tests: a case with two parties and an agent, clients
// joined through different nodes, and each node's live room state (GET /metrics/rooms).
import type { RoomRole } from '../../signaling/protocol/room.ts';
import { mayReceive, type PolicyState } from '../../signaling/rooms/routing-policy.ts';
import { afterAll, beforeAll } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { produceAudioVideo, readyToReceive, RoomTestClient } from '../support/room-client.ts';
import { addConfirmedParty, seedLeakCase, type StaffClient } from '../support/server.ts';

export interface NodeRooms {
  nodeId: string;
  rooms: Array<{
    caseId: string;
    members: Array<{ peerId: string; status: 'admitted' | 'lobby'; roomRole: RoomRole; side: string; connected: boolean }>;
    caucuses: Array<{ caucusId: string; memberPeerIds: string[]; mediatorPeerIds: string[] }>;
    consumers: Array<{ receiver: string; sender: string | null; kind: string | null; live: boolean }>;
  }>;
}

export async function roomsOf(url: string): Promise<NodeRooms> {
  const res = await fetch(`${url}/metrics/rooms`);
  if (!res.ok) throw new Error(`/metrics/rooms → ${res.status}`);
  return (await res.json()) as NodeRooms;
}

export function policyOf(room: NodeRooms['rooms'][number]): PolicyState {
  return {
    members: room.members.map((m) => ({ peerId: m.peerId, status: m.status, roomRole: m.roomRole })),
    caucuses: room.caucuses.map((c) => ({ id: c.caucusId, memberPeerIds: c.memberPeerIds, mediatorPeerIds: c.mediatorPeerIds })),
  };
}

/** Consumers whose liveness differs from what the routing policy allows, as readable strings. */
export function policyViolations(room: NodeRooms['rooms'][number]): { forbiddenLive: string[]; allowedNotLive: string[] } {
  const state = policyOf(room);
  const forbiddenLive: string[] = [];
  const allowedNotLive: string[] = [];
  for (const c of room.consumers) {
    if (!c.sender) continue;
    const allowed = mayReceive(state, c.receiver, c.sender);
    if (c.live && !allowed) forbiddenLive.push(`${c.sender}→${c.receiver} ${c.kind}`);
    if (!c.live && allowed) allowedNotLive.push(`${c.sender}→${c.receiver} ${c.kind}`);
  }
  return { forbiddenLive, allowedNotLive };
}

export interface ClusterCase {
  caseId: string;
  mediatorId: string;
  mediator: StaffClient;
  mediatorCookie: string;
  /** side A party, side B party, side A agent. */
  parties: Array<{ id: string; token: string; name: string; side: 'A' | 'B' }>;
}

export async function seedClusterCase(cluster: TestCluster): Promise<ClusterCase> {
  const url = cluster.nodes[0]!.url;
  const { mediator, mediatorId, caseId, parties } = await seedLeakCase({ url, admin: cluster.admin });
  const agent = await addConfirmedParty(mediator, caseId, { name: '赵律师', side: 'A', role: 'AGENT', id17: '15020419900101201' });
  return {
    caseId,
    mediatorId,
    mediator,
    mediatorCookie: mediator.cookie,
    parties: [
      { ...parties[0]!, side: 'A' },
      { ...parties[1]!, side: 'B' },
      { ...agent, side: 'A' },
    ],
  };
}

export async function connect(url: string, auth: { token?: string; cookie?: string }): Promise<RoomTestClient> {
  const c = new RoomTestClient(url, auth);
  await c.connected();
  return c;
}

/** Joins, gets admitted by the mediator if needed, publishes audio + video and asks for consumers. */
export async function enterWithMedia(c: RoomTestClient, caseId: string, mediator: RoomTestClient | null, ssrc: number): Promise<string> {
  const joined = await c.ok('room:join', { caseId });
  if (joined.status === 'lobby') {
    await mediator!.ok('mediator:admit', { peerId: joined.self.peerId });
    await c.waitFor('room:admitted');
  }
  await produceAudioVideo(c, ssrc);
  await readyToReceive(c);
  return joined.self.peerId;
}

/** Anything a test opens that must be gone before the cluster stops (sockets, pages, drafting clients). */
export type Closable = { close(): unknown } | { destroy(): unknown };

export interface ClusterFixture {
  readonly cluster: TestCluster;
  readonly kase: ClusterCase;
  /** Closed (in order) after the file's tests, before the cluster stops. */
  closeAfter(...things: Closable[]): void;
}

/**
 * The several-node tests' one set-up: redis-server and the nodes (startCluster) with the seeded
 * case, for the whole file; what the tests registered is closed before the cluster stops.
 */
export function useClusterCase(): ClusterFixture {
  let cluster: TestCluster | undefined;
  let kase: ClusterCase | undefined;
  const opened: Closable[] = [];
  beforeAll(async () => {
    cluster = await startCluster();
    kase = await seedClusterCase(cluster);
  }, 120_000);
  afterAll(async () => {
    for (const thing of opened) await ('close' in thing ? thing.close() : thing.destroy());
    await cluster?.close();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the cluster fixture's ${what} is not ready (used outside a test?)`);
    return value;
  };
  return {
    get cluster() {
      return ready(cluster, 'cluster');
    },
    get kase() {
      return ready(kase, 'case');
    },
    closeAfter: (...things) => void opened.push(...things),
  };
}
