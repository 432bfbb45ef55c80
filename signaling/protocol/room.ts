// The live-room socket protocol: one runtime schema per event, shared by the server and the
// web client. Requests from the client are answered with an ack: `{ ok: true, ...data }` or
// `{ ok: false, code, message }`. Server-to-client events are listed in ServerEvents.
import { z } from 'zod';
import type { ErrorCode } from '../errors.ts';

export const ROOM_NAMESPACE = '/room';

// mediasoup parameter objects are validated structurally here; mediasoup checks the rest.
const Loose = z.looseObject({});
export const RtpCapabilitiesSchema = z.looseObject({ codecs: z.array(Loose).max(64).optional(), headerExtensions: z.array(Loose).max(64).optional() });
export const RtpParametersSchema = z.looseObject({ codecs: z.array(Loose).min(1).max(16), encodings: z.array(Loose).max(8).optional() });
export const DtlsParametersSchema = z.looseObject({
  fingerprints: z
    .array(z.looseObject({ algorithm: z.string(), value: z.string() }))
    .min(1)
    .max(8),
  role: z.enum(['auto', 'client', 'server']).optional(),
});

const ObjectId = z.string().min(1).max(64);
export const MediaKind = z.enum(['audio', 'video']);
export const MediaSource = z.enum(['microphone', 'camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSource>;

/**
 * `mediator`: the case's mediator (or an administrator). `judge`: a judge of the court reviewing
 * the case's judicial-confirmation application, questioning the parties. Both lead the room
 * (lobby, mute, remove, caucuses, end); only mediators use the sides' notepads and carry between them.
 */
export const RoomRole = z.enum(['mediator', 'judge', 'party']);
export type RoomRole = z.infer<typeof RoomRole>;

/** Leads the room: admits, mutes, removes, runs caucuses, ends — and keeps parties from waiting. */
export function leadsRoom(role: RoomRole): boolean {
  return role === 'mediator' || role === 'judge';
}

/**
 * How a member takes part, as its own client reports it: with camera and microphone, voice only,
 * camera only (speaks by chat), or chat only (文字模式). Leaders see it on the member's tile.
 */
export const MediaMode = z.enum(['av', 'audio', 'video', 'chat']);
export type MediaMode = z.infer<typeof MediaMode>;

/** A participant as everyone in the room sees them. */
export const PeerInfoSchema = z.object({
  peerId: z.string(),
  displayName: z.string(),
  roomRole: RoomRole,
  /** 申请人/被申请人/代理人/翻译/其他 for parties, 调解员 or 法官 for staff. */
  roleLabel: z.string(),
  side: z.enum(['A', 'B', 'NEUTRAL']),
  connected: z.boolean(),
  /** null until the member's client said (or for clients that do not). */
  mode: MediaMode.nullable(),
  /**
   * 仅语音 (audio-first): the member's client sends and receives no video right now — chosen by
   * the participant ('manual') or by its client on a weak link ('auto'). Absent = no.
   */
  audioOnly: z.enum(['manual', 'auto']).nullable().optional(),
  producers: z.array(z.object({ producerId: z.string(), kind: MediaKind, source: MediaSource, paused: z.boolean(), adminMuted: z.boolean() })),
});
export type PeerInfo = z.infer<typeof PeerInfoSchema>;

/** Someone waiting in the lobby, as mediators see them. */
export const LobbyEntrySchema = z.object({
  peerId: z.string(),
  displayName: z.string(),
  roleLabel: z.string(),
  side: z.enum(['A', 'B', 'NEUTRAL']),
  identityConfirmed: z.boolean(),
  consentGiven: z.boolean(),
  waitingSince: z.string(),
});
export type LobbyEntry = z.infer<typeof LobbyEntrySchema>;

/** `scope`: 'joint', or 'caucus:<id>' for a message written in a caucus. */
export const ChatMessageSchema = z.object({
  id: z.string(),
  fromPeerId: z.string(),
  fromName: z.string(),
  text: z.string(),
  at: z.string(),
  scope: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const RemovalReason = z.enum(['removed', 'replaced', 'link-revoked', 'access-revoked']);
export type RemovalReason = z.infer<typeof RemovalReason>;

/** A TURN server with short-lived credentials (TURN REST scheme: signaling/rtc/turn.ts). */
export const IceServerSchema = z.object({ urls: z.array(z.string()), username: z.string(), credential: z.string() });
export const TransportParamsSchema = z.object({
  id: z.string(),
  iceParameters: Loose,
  iceCandidates: z.array(Loose),
  dtlsParameters: Loose,
  /** Present when the server has TURN configured. */
  iceServers: z.array(IceServerSchema).optional(),
});

export const ConsumerParamsSchema = z.object({
  consumerId: z.string(),
  producerId: z.string(),
  peerId: z.string(),
  kind: MediaKind,
  source: MediaSource,
  rtpParameters: Loose,
  producerPaused: z.boolean(),
});
export type ConsumerParams = z.infer<typeof ConsumerParamsSchema>;

export const SelfSchema = z.object({
  peerId: z.string(),
  displayName: z.string(),
  roleLabel: z.string(),
  roomRole: RoomRole,
  side: z.enum(['A', 'B', 'NEUTRAL']),
  caseNumber: z.string(),
  caseTitle: z.string(),
});

const Empty = z.object({}).strict();

export const NotepadSide = z.enum(['A', 'B']);
export const NotepadSchema = z.object({ side: NotepadSide, content: z.string(), updatedAt: z.string().nullable(), updatedBy: z.string().nullable() });
export type Notepad = z.infer<typeof NotepadSchema>;

/** Where a participant is: the joint session or one caucus. `waiting`: nobody to talk to (a caucus elsewhere). */
export const LocationSchema = z.object({
  room: z.union([z.literal('joint'), z.string()]),
  waiting: z.boolean(),
  /** When the current state began (for the elapsed-time display). */
  since: z.string(),
  /** What a waiting participant is told — never who or what is being discussed. */
  message: z.string().nullable(),
});
export type Location = z.infer<typeof LocationSchema>;

/** `mediatorPeerIds`: who leads the caucus (mediators or the judge). */
export const CaucusInfoSchema = z.object({
  caucusId: z.string(),
  memberPeerIds: z.array(z.string()),
  mediatorPeerIds: z.array(z.string()),
  startedAt: z.string(),
});
export type CaucusInfo = z.infer<typeof CaucusInfoSchema>;

export const AudienceSchema = z.object({
  audio: z.array(z.object({ peerId: z.string(), displayName: z.string() })),
  video: z.array(z.object({ peerId: z.string(), displayName: z.string() })),
});
export type Audience = z.infer<typeof AudienceSchema>;

/** Client → server requests: payload schema and the data of a successful ack. */
export const ClientRequests = {
  'room:join': {
    request: z.object({ caseId: ObjectId, mode: MediaMode.optional() }).strict(),
    /** `rtpCapabilities`: the router's, when admitted — the client loads its Device without asking again. */
    response: z.object({ self: SelfSchema, status: z.enum(['lobby', 'admitted']), rtpCapabilities: Loose.optional() }),
  },
  'room:leave': { request: Empty, response: z.object({}) },
  'media:getRouterRtpCapabilities': { request: Empty, response: z.object({ rtpCapabilities: Loose }) },
  'media:createTransport': { request: z.object({ direction: z.enum(['send', 'recv']) }).strict(), response: TransportParamsSchema },
  /**
   * Both WebRTC transports in one round trip: the receive transport always, the send transport
   * when `send` (a member with neither camera nor microphone only receives). Each carries its
   * own fresh TURN credentials when the server has TURN configured.
   */
  'media:createTransports': {
    request: z.object({ send: z.boolean() }).strict(),
    response: z.object({ send: TransportParamsSchema.optional(), recv: TransportParamsSchema }),
  },
  'media:connectTransport': { request: z.object({ transportId: ObjectId, dtlsParameters: DtlsParametersSchema }).strict(), response: z.object({}) },
  /**
   * Load testing only (server started with LOAD_TEST_PLAIN_RTP=1, media on loopback; else
   * FORBIDDEN): a plain RTP transport with rtcp-mux, no ICE/DTLS. A send transport takes RTP at
   * `ip:port` and learns the sender from its first packet; a recv one sends where
   * `media:connectPlainTransport` says. It replaces the peer's transport of that direction.
   */
  'media:createPlainTransport': {
    request: z.object({ direction: z.enum(['send', 'recv']) }).strict(),
    response: z.object({ id: z.string(), ip: z.string(), port: z.number().int() }),
  },
  'media:connectPlainTransport': {
    request: z
      .object({
        transportId: ObjectId,
        ip: z.ipv4().refine((ip) => ip.startsWith('127.'), 'must be a loopback address'),
        port: z.number().int().min(1).max(65535),
      })
      .strict(),
    response: z.object({}),
  },
  'media:restartIce': { request: z.object({ transportId: ObjectId }).strict(), response: z.object({ iceParameters: Loose }) },
  /** Sent once the recv transport exists: the server then creates consumers for everything the client may receive. */
  'media:ready': { request: z.object({ rtpCapabilities: RtpCapabilitiesSchema }).strict(), response: z.object({}) },
  /** `paused`: publish muted (joining with mic/camera off) without a visible on→off flicker. */
  'media:produce': {
    request: z
      .object({ transportId: ObjectId, kind: MediaKind, rtpParameters: RtpParametersSchema, source: MediaSource, paused: z.boolean().optional() })
      .strict(),
    response: z.object({ producerId: z.string() }),
  },
  'media:closeProducer': { request: z.object({ producerId: ObjectId }).strict(), response: z.object({}) },
  'media:setProducerPaused': { request: z.object({ producerId: ObjectId, paused: z.boolean() }).strict(), response: z.object({}) },
  /**
   * 仅语音 on or off for this member: the server stops (or restarts) sending it video — its video
   * consumers are paused on the server — and shows it to the others. The client pauses its own
   * camera producer itself (media:setProducerPaused).
   */
  'media:setAudioOnly': { request: z.object({ audioOnly: z.boolean(), automatic: z.boolean() }).strict(), response: z.object({}) },
  'media:setPreferredLayers': { request: z.object({ consumerId: ObjectId, spatialLayer: z.number().int().min(0).max(2) }).strict(), response: z.object({}) },
  'chat:send': {
    request: z.object({ text: z.string().trim().min(1, '消息不能为空').max(2000, '消息不能超过2000字') }).strict(),
    response: z.object({ message: ChatMessageSchema }),
  },
  'chat:history': { request: Empty, response: z.object({ messages: z.array(ChatMessageSchema) }) },
  /** Waiting party: ask the mediator to come back ("请求调解员"). */
  'caucus:knock': { request: Empty, response: z.object({}) },
  /** The private notepad of one side (mediators: any side; parties: their own side only; the judge: none). */
  'notepad:get': { request: z.object({ side: NotepadSide }).strict(), response: NotepadSchema },
  /** `baseUpdatedAt` (optional): the `updatedAt` the edit started from; if the notepad changed since, CONFLICT. */
  'notepad:update': {
    request: z
      .object({ side: NotepadSide, content: z.string().max(20_000, '记事内容不能超过20000字'), baseUpdatedAt: z.string().nullable().optional() })
      .strict(),
    response: NotepadSchema,
  },
  // For those who lead the room (mediators, the judge) — except caucus:carry, mediators only.
  /**
   * Starts a caucus (背对背) with the given participants, atomically moving them and the
   * mediators (default: the caller) out of wherever they are — so starting side B's caucus
   * while in side A's is a direct switch. Caucuses left without a mediator end.
   */
  'caucus:start': {
    request: z.object({ peerIds: z.array(ObjectId).min(1).max(32), mediatorPeerIds: z.array(ObjectId).max(8).optional() }).strict(),
    response: z.object({ caucusId: z.string() }),
  },
  'caucus:end': { request: z.object({ caucusId: ObjectId }).strict(), response: z.object({}) },
  /** Everyone back to the joint session. */
  'caucus:endAll': { request: Empty, response: z.object({}) },
  /** Carries a note or proposal from one side's notepad to the other's (logged). */
  'caucus:carry': {
    request: z.object({ fromSide: NotepadSide, toSide: NotepadSide, text: z.string().trim().min(1, '转达内容不能为空').max(5000) }).strict(),
    response: NotepadSchema,
  },
  'mediator:admit': { request: z.object({ peerId: ObjectId }).strict(), response: z.object({}) },
  'mediator:deny': { request: z.object({ peerId: ObjectId, reason: z.string().max(200).optional() }).strict(), response: z.object({}) },
  'mediator:mute': { request: z.object({ peerId: ObjectId, kind: MediaKind, muted: z.boolean() }).strict(), response: z.object({}) },
  'mediator:remove': { request: z.object({ peerId: ObjectId }).strict(), response: z.object({}) },
  'mediator:end': { request: Empty, response: z.object({}) },
} as const;

export type ClientRequestName = keyof typeof ClientRequests;
export type RequestOf<E extends ClientRequestName> = z.input<(typeof ClientRequests)[E]['request']>;
export type ResponseOf<E extends ClientRequestName> = z.infer<(typeof ClientRequests)[E]['response']>;

/** Refusal codes are the one table in signaling/errors.ts. */
export type AckErrorCode = ErrorCode;

export type Ack<T> = ({ ok: true } & T) | { ok: false; code: AckErrorCode; message: string };

/** Server → client events and their payloads. */
export const ServerEvents = {
  /** Admitted participants this receiver may know about: everyone for those who lead the room, co-located peers for parties. */
  'room:peers': z.object({ peers: z.array(PeerInfoSchema) }),
  /** To those who lead the room (mediators, the judge): who is waiting. */
  'room:lobby': z.object({ waiting: z.array(LobbyEntrySchema) }),
  /** `rtpCapabilities`: the router's, so the client sets its media up without asking for them. */
  'room:admitted': z.object({ rtpCapabilities: Loose.optional() }),
  'room:denied': z.object({ message: z.string() }),
  /**
   * `replaced`: the same link or account entered from another window or device. `link-revoked`:
   * the link it entered with was revoked. `access-revoked`: the account was deactivated or its
   * password reset, or the participant was deleted from the case.
   */
  'room:removed': z.object({ message: z.string(), reason: RemovalReason }),
  'room:ended': z.object({ message: z.string() }),
  /**
   * The room's media moved to another media worker (the one under it died): set up transports,
   * producers and `media:ready` again, staying in the room (no re-join, no lobby).
   */
  'media:restart': z.object({ message: z.string() }),
  /** This server is stopping (SIGTERM): the socket closes next; the client reconnects by itself. */
  'server:restarting': z.object({ message: z.string() }),
  'room:activeSpeaker': z.object({ peerId: z.string().nullable() }),
  /** Server-initiated consumer; the client creates it and acks, then the server resumes it. */
  'media:newConsumer': ConsumerParamsSchema,
  'media:consumerClosed': z.object({ consumerId: z.string() }),
  'media:consumerPaused': z.object({ consumerId: z.string(), paused: z.boolean() }),
  /** To the owner: a mediator muted/unmuted one of its producers (the owner cannot undo it). */
  'media:adminMuted': z.object({ producerId: z.string(), kind: MediaKind, muted: z.boolean() }),
  'chat:message': ChatMessageSchema,
  /** To each participant: where they are now. */
  'room:location': LocationSchema,
  /** To those who lead the room: the caucuses in progress. */
  'room:caucuses': z.object({ caucuses: z.array(CaucusInfoSchema) }),
  /** To those who lead the room: a waiting participant asks for them. */
  'room:knock': z.object({ peerId: z.string(), displayName: z.string(), at: z.string() }),
  /** To each participant: who currently receives their audio and video (derived on the server). */
  'room:audience': AudienceSchema,
  'notepad:updated': NotepadSchema,
} as const;

export type ServerEventName = keyof typeof ServerEvents;
export type ServerEventPayload<E extends ServerEventName> = z.infer<(typeof ServerEvents)[E]>;

/** The first validation problem as a readable sentence (Chinese for user-facing fields). */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return '参数无效';
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return `参数无效：${where}${issue.message}`;
}
