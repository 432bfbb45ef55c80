// What lets another node (several nodes) or this server after a restart (one node) carry on
// with a room, and what this room took over. Out: a snapshot (admissions, caucuses, mutes)
// handed to `keep` after every change that alters it — written one after the other, so an older
// snapshot never lands after a newer one, and `kept()` tells when the last one is stored. In: the
// admissions and mutes of a restored snapshot, kept until their members come back or the
// reconnect grace ends.
import type { RoomSnapshot } from '../cluster/room-state-store.ts';
import type { Member } from './member.ts';

type MutedSources = RoomSnapshot['adminMuted'][string];

export class Failover {
  /** From a restored snapshot: admitted before the failover, not back yet. */
  readonly #restoredAdmitted = new Set<string>();
  readonly #restoredMutes = new Map<string, MutedSources>();
  #graceTimer: NodeJS.Timeout | null = null;
  #saved = '';
  readonly #keep: ((snapshot: RoomSnapshot) => Promise<void>) | undefined;
  readonly #report: (what: string, write: () => Promise<void>) => void;
  /** The last write handed on (settled: a failure is reported, not passed on). */
  #written: Promise<void> = Promise.resolve();

  /** `report` runs a write nobody waits for and logs its failure (BackgroundTasks.run). */
  constructor(
    restore: RoomSnapshot | undefined,
    keep: ((snapshot: RoomSnapshot) => Promise<void>) | undefined,
    report: (what: string, write: () => Promise<void>) => void,
  ) {
    this.#keep = keep;
    this.#report = report;
    if (!restore) return;
    for (const id of restore.admittedPeerIds) this.#restoredAdmitted.add(id);
    for (const [peerId, sources] of Object.entries(restore.adminMuted)) this.#restoredMutes.set(peerId, sources);
  }

  /** Admitted before the failover: comes straight in (once). */
  takeAdmission(peerId: string): boolean {
    return this.#restoredAdmitted.delete(peerId);
  }

  /** The sources the mediator had muted before the failover (once). */
  takeMutes(peerId: string): MutedSources {
    const sources = this.#restoredMutes.get(peerId) ?? [];
    this.#restoredMutes.delete(peerId);
    return sources;
  }

  /** Whoever is not back within `ms` counts as gone: `expired` runs then. */
  startGrace(ms: number, expired: () => void): void {
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = null;
      this.#restoredAdmitted.clear();
      this.#restoredMutes.clear();
      expired();
    }, ms);
    this.#graceTimer.unref();
  }

  stop(): void {
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = null;
  }

  /** What another node needs to carry on with this room if this one dies. */
  snapshot(members: readonly Member[], caucuses: RoomSnapshot['caucuses'], startedAt: Date, mutedOf: (m: Member) => MutedSources): RoomSnapshot {
    const adminMuted: RoomSnapshot['adminMuted'] = Object.fromEntries(this.#restoredMutes);
    const admittedPeerIds = new Set(this.#restoredAdmitted);
    for (const m of members) {
      if (m.status !== 'admitted') continue;
      admittedPeerIds.add(m.peerId);
      const muted = mutedOf(m);
      if (muted.length > 0) adminMuted[m.peerId] = muted;
    }
    return { admittedPeerIds: [...admittedPeerIds], caucuses, adminMuted, startedAt: startedAt.toISOString() };
  }

  /** Hands the snapshot on if it changed since the last one, after the writes before it. */
  save(snapshot: () => RoomSnapshot): void {
    const keep = this.#keep;
    if (!keep) return;
    const current = snapshot();
    const json = JSON.stringify(current);
    if (json === this.#saved) return;
    this.#saved = json;
    const write = this.#written.then(() => keep(current));
    this.#written = write.then(
      () => undefined,
      () => undefined,
    );
    this.#report('keep the room state', () => write);
  }

  /** Hands the snapshot on even if unchanged: the store lost what it had (Redis restarted empty). */
  saveAgain(snapshot: () => RoomSnapshot): void {
    this.#saved = '';
    this.save(snapshot);
  }

  /** Resolves once every snapshot handed on so far is stored (or its failure logged). */
  kept(): Promise<void> {
    return this.#written;
  }
}
