// A participant of a live room as the server tracks it, and the views others get of it.
import type { LobbyEntry, MediaMode, PeerInfo, RoomRole } from '../protocol/room.ts';
import type { MediaPeer } from '../../sfu/index.ts';

export interface MemberSocket {
  readonly id: string;
  emit(event: string, payload: unknown): void;
  /** Resolves with the client's ack, or rejects after the timeout. */
  request(event: string, payload: unknown, timeoutMs: number): Promise<unknown>;
  /** Detach from the room (the socket itself may stay open to show a message). */
  detach(): void;
}

export interface Member {
  readonly peerId: string;
  readonly roomRole: RoomRole;
  readonly displayName: string;
  readonly roleLabel: string;
  readonly side: 'A' | 'B' | 'NEUTRAL';
  readonly identityConfirmed: boolean;
  readonly consentGiven: boolean;
  status: 'lobby' | 'admitted';
  /** How the member's client takes part (reported at each join); null when it did not say. */
  mode: MediaMode | null;
  /** 仅语音: the member receives no video (its video consumers stay paused on the server). */
  audioOnly: 'manual' | 'auto' | null;
  socket: MemberSocket | null;
  waitingSince: Date;
  graceTimer: NodeJS.Timeout | null;
  media: MediaPeer | null;
  sendTransportId: string | null;
  recvTransportId: string | null;
  /** Set by `media:ready`; until then the member receives no consumers. */
  rtpCapabilities: unknown | null;
  /** producerId → this member's consumer of it (created only while allowed; paused by the server when not). */
  consumers: Map<string, ConsumerState>;
  /** Last location/audience sent, to emit only changes. */
  sentLocation: string | null;
  sentAudience: string | null;
  locationSince: Date;
  lastKnockAt: number;
}

export interface ConsumerState {
  consumerId: string;
  /** The client has created it (acked `media:newConsumer`). */
  acked: boolean;
  /** Resumed on the server (media flows unless the producer is paused). */
  resumed: boolean;
}

export type MemberIdentity = Pick<Member, 'peerId' | 'roomRole' | 'displayName' | 'roleLabel' | 'side' | 'identityConfirmed' | 'consentGiven'>;

export function newMember(identity: MemberIdentity, status: Member['status']): Member {
  return {
    ...identity,
    status,
    mode: null,
    audioOnly: null,
    socket: null,
    waitingSince: new Date(),
    graceTimer: null,
    media: null,
    sendTransportId: null,
    recvTransportId: null,
    rtpCapabilities: null,
    consumers: new Map(),
    sentLocation: null,
    sentAudience: null,
    locationSince: new Date(),
    lastKnockAt: 0,
  };
}

export function peerInfo(m: Member): PeerInfo {
  return {
    peerId: m.peerId,
    displayName: m.displayName,
    roomRole: m.roomRole,
    roleLabel: m.roleLabel,
    side: m.side,
    connected: m.socket !== null,
    mode: m.mode,
    audioOnly: m.audioOnly,
    producers: (m.media?.producers() ?? []).map((p) => ({ producerId: p.id, kind: p.kind, source: p.source, paused: p.paused, adminMuted: p.adminMuted })),
  };
}

export function lobbyEntry(m: Member): LobbyEntry {
  return {
    peerId: m.peerId,
    displayName: m.displayName,
    roleLabel: m.roleLabel,
    side: m.side,
    identityConfirmed: m.identityConfirmed,
    consentGiven: m.consentGiven,
    waitingSince: m.waitingSince.toISOString(),
  };
}
