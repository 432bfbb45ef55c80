// 背对背: the room's caucuses — who is in which, and the leaders' moves (start, switch, end,
// end all), the waiting side's knock, and their audit rows. A caucus never runs without a
// participant and a leader (a mediator or the judge); one left without either ends. Who may
// then receive whom is the routing policy's business, applied by the room's transition.
import { randomUUID } from 'node:crypto';
import type { RoomSnapshot } from '../cluster/room-state-store.ts';
import { DomainError } from '../errors.ts';
import { leadsRoom, type CaucusInfo } from '../protocol/room.ts';
import type { Member } from './member.ts';
import type { RoomAudit } from './room-ports.ts';
import { isWaiting, type PolicyCaucus, type PolicyState } from './routing-policy.ts';

export interface Caucus {
  id: string;
  memberPeerIds: Set<string>;
  mediatorPeerIds: Set<string>;
  startedAt: Date;
}

/** Why a caucus ended (recorded in CAUCUS_ENDED). */
export type CaucusEndReason = 'ended' | 'switched' | 'mediator-disconnected';

const WAITING_MESSAGE = '调解员正在与对方单独沟通，请稍候';
const WAITING_MESSAGE_JUDGE = '法官正在与对方单独沟通，请稍候';
const KNOCK_COOLDOWN_MS = 10_000;

/** What the caucuses need from the room. */
export interface CaucusPort {
  member(peerId: string): Member | undefined;
  members(): Member[];
  /** An admitted member of an open room (throws NOT_JOINED / NOT_ADMITTED / ROOM_ENDED). */
  admitted(peerId: string): Member;
  assertOpen(): void;
  policyState(): PolicyState;
  /** Applies a change of who is where: media first (break before make), then presence and locations. */
  transition(): Promise<{ breakMs: number }>;
  audit: RoomAudit;
}

export class Caucuses {
  readonly #caucuses = new Map<string, Caucus>();
  readonly #port: CaucusPort;

  constructor(port: CaucusPort, restored: RoomSnapshot['caucuses'] = []) {
    this.#port = port;
    for (const c of restored) {
      this.#caucuses.set(c.id, {
        id: c.id,
        memberPeerIds: new Set(c.memberPeerIds),
        mediatorPeerIds: new Set(c.mediatorPeerIds),
        startedAt: new Date(c.startedAt),
      });
    }
  }

  get size(): number {
    return this.#caucuses.size;
  }

  policy(): PolicyCaucus[] {
    return [...this.#caucuses.values()].map((c) => ({ id: c.id, memberPeerIds: [...c.memberPeerIds], mediatorPeerIds: [...c.mediatorPeerIds] }));
  }

  info(): CaucusInfo[] {
    return [...this.#caucuses.values()].map((c) => ({
      caucusId: c.id,
      memberPeerIds: [...c.memberPeerIds],
      mediatorPeerIds: [...c.mediatorPeerIds],
      startedAt: c.startedAt.toISOString(),
    }));
  }

  snapshot(): RoomSnapshot['caucuses'] {
    return [...this.#caucuses.values()].map((c) => ({
      id: c.id,
      memberPeerIds: [...c.memberPeerIds],
      mediatorPeerIds: [...c.mediatorPeerIds],
      startedAt: c.startedAt.toISOString(),
    }));
  }

  /** Who the waiting are told is away: the judge when only judges lead the caucuses, else the mediator. */
  waitingMessage(): string {
    const leaders = [...this.#caucuses.values()].flatMap((c) => [...c.mediatorPeerIds]).map((id) => this.#port.member(id));
    return leaders.length > 0 && leaders.every((m) => m?.roomRole === 'judge') ? WAITING_MESSAGE_JUDGE : WAITING_MESSAGE;
  }

  // ── the leaders' moves ────────────────────────────────────────────────────────

  /**
   * Moves the given participants and mediators into a new caucus in one transition. They leave
   * any caucus they were in; caucuses left without a mediator or without participants end.
   */
  async start(by: Member, peerIds: string[], mediatorPeerIds: string[] = [by.peerId]): Promise<{ caucusId: string; breakMs: number }> {
    this.#port.assertOpen();
    const parties = [...new Set(peerIds)];
    const mediators = [...new Set(mediatorPeerIds)];
    for (const id of parties) {
      const m = this.#port.member(id);
      if (!m || m.status !== 'admitted') throw new DomainError('PEER_NOT_FOUND', '所选参与人不在调解室中');
      if (m.roomRole !== 'party') throw new DomainError('VALIDATION', '调解员或法官请通过“调解员”一项指派');
    }
    // Led by mediators or the judge (a judge questions one side alone, without the mediator).
    for (const id of mediators) {
      const m = this.#port.member(id);
      if (!m || m.status !== 'admitted' || !leadsRoom(m.roomRole)) throw new DomainError('PEER_NOT_FOUND', '所指派的调解员不在调解室中');
    }
    const moving = new Set([...parties, ...mediators]);
    for (const c of this.#caucuses.values()) {
      for (const id of moving) {
        c.memberPeerIds.delete(id);
        c.mediatorPeerIds.delete(id);
      }
    }
    const caucus: Caucus = { id: randomUUID().slice(0, 8), memberPeerIds: new Set(parties), mediatorPeerIds: new Set(mediators), startedAt: new Date() };
    const ended = [...this.#caucuses.values()].filter((c) => c.memberPeerIds.size === 0 || c.mediatorPeerIds.size === 0);
    for (const c of ended) this.#caucuses.delete(c.id);
    this.#caucuses.set(caucus.id, caucus);
    const { breakMs } = await this.#port.transition();
    await this.recordEnded(by, ended, 'switched');
    await this.#port.audit(by, {
      type: 'CAUCUS_STARTED',
      data: { caucusId: caucus.id, ...this.#describe(caucus), mediators: mediators.map((id) => this.#port.member(id)!.displayName) },
    });
    return { caucusId: caucus.id, breakMs };
  }

  async end(by: Member, caucusId: string): Promise<{ breakMs: number }> {
    const c = this.#caucuses.get(caucusId);
    if (!c) throw new DomainError('CAUCUS_ENDED');
    return this.#end(c, 'ended', by);
  }

  async endAll(by: Member): Promise<{ breakMs: number }> {
    const all = [...this.#caucuses.values()];
    this.#caucuses.clear();
    const result = await this.#port.transition();
    await this.recordEnded(by, all, 'ended');
    return result;
  }

  /** A caucus never continues without someone connected to lead it: its members go back to the joint session. */
  async leaderDisconnected(leader: Member): Promise<void> {
    const connected = (id: string) => Boolean(this.#port.member(id)?.socket);
    const leaderless = [...this.#caucuses.values()].filter((c) => c.mediatorPeerIds.has(leader.peerId) && ![...c.mediatorPeerIds].some(connected));
    if (leaderless.length === 0) return;
    for (const c of leaderless) this.#caucuses.delete(c.id);
    await this.#port.transition();
    await this.recordEnded(leader, leaderless, 'mediator-disconnected');
  }

  /** The waiting side asks for the mediator (at most once per cooldown). */
  async knock(peerId: string): Promise<void> {
    const m = this.#port.admitted(peerId);
    if (!isWaiting(this.#port.policyState(), peerId)) throw new DomainError('NOT_WAITING');
    if (Date.now() - m.lastKnockAt < KNOCK_COOLDOWN_MS) return;
    m.lastKnockAt = Date.now();
    const payload = { peerId, displayName: m.displayName, at: new Date().toISOString() };
    for (const x of this.#port.members()) if (leadsRoom(x.roomRole)) x.socket?.emit('room:knock', payload);
    await this.#port.audit(m, { type: 'CAUCUS_KNOCK', data: { peerId, name: m.displayName } });
  }

  // ── members going away ────────────────────────────────────────────────────────

  /**
   * A member left the room: out of its caucus at once. Returns the caucuses that ended because
   * of it; the caller records them (recordEnded) once it may await.
   */
  memberGone(peerId: string): Caucus[] {
    const ended: Caucus[] = [];
    for (const c of [...this.#caucuses.values()]) {
      c.memberPeerIds.delete(peerId);
      c.mediatorPeerIds.delete(peerId);
      if (c.memberPeerIds.size === 0 || c.mediatorPeerIds.size === 0) {
        this.#caucuses.delete(c.id);
        ended.push(c);
      }
    }
    return ended;
  }

  /**
   * After a failover's grace: whoever is not back leaves its caucus, and a caucus left without
   * participants or without a connected leader ends. Returns those that ended (not yet recorded).
   */
  pruneAbsent(): Caucus[] {
    const ended: Caucus[] = [];
    for (const c of [...this.#caucuses.values()]) {
      for (const id of [...c.memberPeerIds, ...c.mediatorPeerIds]) {
        if (this.#port.member(id)) continue;
        c.memberPeerIds.delete(id);
        c.mediatorPeerIds.delete(id);
      }
      const leaderConnected = [...c.mediatorPeerIds].some((id) => this.#port.member(id)?.socket);
      if (c.memberPeerIds.size === 0 || !leaderConnected) {
        this.#caucuses.delete(c.id);
        ended.push(c);
      }
    }
    return ended;
  }

  /** Writes CAUCUS_ENDED for each, in order. */
  async recordEnded(by: Member | null, ended: readonly Caucus[], reason: CaucusEndReason): Promise<void> {
    for (const c of ended) {
      await this.#port.audit(by, {
        type: 'CAUCUS_ENDED',
        data: { caucusId: c.id, ...this.#describe(c), durationSec: Math.round((Date.now() - c.startedAt.getTime()) / 1000), reason },
      });
    }
  }

  async #end(c: Caucus, reason: CaucusEndReason, by: Member): Promise<{ breakMs: number }> {
    if (!this.#caucuses.delete(c.id)) return { breakMs: 0 };
    const result = await this.#port.transition();
    await this.recordEnded(by, [c], reason);
    return result;
  }

  #describe(c: Caucus): { sides: string[]; names: string[] } {
    const members = [...c.memberPeerIds].map((id) => this.#port.member(id)).filter((m): m is Member => m !== undefined);
    return { sides: [...new Set(members.map((m) => m.side))].sort(), names: members.map((m) => m.displayName) };
  }
}
