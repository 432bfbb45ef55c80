// Who may receive whose media, chat and presence — a pure function of room state.
//
// Rules:
// - only admitted participants take part; nobody receives themselves;
// - sender and receiver must be in the same room (the joint session or one caucus);
// - while any caucus is running, the joint session has no leader (a mediator or the questioning
//   judge) unless one stayed there: participants left in a joint session without a leader are
//   *waiting* and receive nothing (背对背: the other side neither sees nor hears anyone until the
//   mediator — or the judge — comes back).
import { leadsRoom, type RoomRole } from '../protocol/room.ts';

export interface PolicyMember {
  peerId: string;
  status: 'lobby' | 'admitted';
  roomRole: RoomRole;
}

export interface PolicyCaucus {
  id: string;
  memberPeerIds: readonly string[];
  mediatorPeerIds: readonly string[];
}

export interface PolicyState {
  members: readonly PolicyMember[];
  caucuses: readonly PolicyCaucus[];
}

export const JOINT = 'joint';

/** The room a participant is in: 'joint' or a caucus id. */
export function roomOf(state: PolicyState, peerId: string): string {
  for (const c of state.caucuses) if (c.memberPeerIds.includes(peerId) || c.mediatorPeerIds.includes(peerId)) return c.id;
  return JOINT;
}

/** In the joint session while caucuses run and nobody who leads the room is in the joint session. */
export function isWaiting(state: PolicyState, peerId: string): boolean {
  if (state.caucuses.length === 0 || roomOf(state, peerId) !== JOINT) return false;
  const member = state.members.find((m) => m.peerId === peerId);
  if (!member || leadsRoom(member.roomRole)) return false;
  return !state.members.some((m) => leadsRoom(m.roomRole) && m.status === 'admitted' && roomOf(state, m.peerId) === JOINT);
}

export function mayReceive(state: PolicyState, receiverId: string, senderId: string): boolean {
  if (receiverId === senderId) return false;
  const receiver = state.members.find((m) => m.peerId === receiverId);
  const sender = state.members.find((m) => m.peerId === senderId);
  if (!receiver || !sender || receiver.status !== 'admitted' || sender.status !== 'admitted') return false;
  if (roomOf(state, receiverId) !== roomOf(state, senderId)) return false;
  return !isWaiting(state, receiverId) && !isWaiting(state, senderId);
}

/** Whom a participant may see in the roster: those who lead the room see everyone admitted; others, who they may receive. */
export function mayKnowOf(state: PolicyState, viewerId: string, otherId: string): boolean {
  if (viewerId === otherId) return true;
  const viewer = state.members.find((m) => m.peerId === viewerId);
  if (viewer && leadsRoom(viewer.roomRole) && viewer.status === 'admitted') return true;
  return mayReceive(state, viewerId, otherId);
}
