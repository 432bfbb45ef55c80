// What nodes send each other to serve a client whose room is elsewhere (room-forwarding.ts):
// the schema of each method's arguments, checked on arrival (after the signature) so a message
// that is authentic but malformed is dropped instead of reaching the room.
import { USER_ROLES } from '../domain/vocabulary.ts';
import { z } from 'zod';
import { ClientRequests, type ClientRequestName } from '../protocol/room.ts';

const SocketId = z.string().min(1).max(64);
const EventName = z.string().min(1).max(64);

const StaffPrincipal = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  displayName: z.string(),
  role: z.enum(USER_ROLES),
  orgId: z.string().min(1),
  courtId: z.string().nullable(),
});

export const Principal = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('staff'), user: StaffPrincipal }),
  z.object({ kind: z.literal('party'), token: z.string().min(1).max(1024) }),
]);

const requestNames = Object.keys(ClientRequests) as [ClientRequestName, ...ClientRequestName[]];

export const ForwardedRequest = z.object({
  socketId: SocketId,
  principal: Principal,
  address: z.string().max(128),
  userAgent: z.string().max(1024),
  event: z.enum(requestNames),
  /** Checked by the request's own schema when served. */
  payload: z.unknown(),
});
export type ForwardedRequest = z.infer<typeof ForwardedRequest>;

export const ClientGone = z.object({ socketId: SocketId });
export const ClientEmit = z.object({ socketId: SocketId, event: EventName, payload: z.unknown() });
export const ClientRequest = z.object({ socketId: SocketId, event: EventName, payload: z.unknown(), timeoutMs: z.number().int().min(1).max(60_000) });

/** Access taken away on one node, relayed to the others (access-events.ts). */
export const AccessRevokedMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('link'), caseId: z.string().min(1), invitationId: z.string().min(1), participantId: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('user'), userId: z.string().min(1), why: z.enum(['deactivated', 'password-reset']) }).strict(),
  z.object({ kind: z.literal('participant'), caseId: z.string().min(1), participantId: z.string().min(1), invitationIds: z.array(z.string().min(1)) }).strict(),
  z.object({ kind: z.literal('co-mediator'), caseId: z.string().min(1), userId: z.string().min(1) }).strict(),
]);
