// What a switch should do, from the routing policy itself (signaling/rooms/routing-policy.ts,
// pure): for three participants — a mediator M and parties A and B — in the joint session, a
// caucus with A, or a caucus with B, which streams (receiver ← sender, audio and video) must
// stop, which must start and which must keep flowing.
import { mayReceive, roomOf, type PolicyState } from '../../signaling/rooms/routing-policy.ts';

export type Location = 'joint' | 'A' | 'B';

/** joint → A → B → joint → …: every kind of move a mediator makes in 背对背. */
export const CYCLE: readonly Location[] = ['joint', 'A', 'B'];

export interface Trio {
  mediator: string;
  a: string;
  b: string;
}

export interface Pair {
  receiver: string;
  sender: string;
}

export interface SwitchPlan {
  from: Location;
  to: Location;
  /** Allowed before, forbidden after: must stop (cut-off). */
  forbidden: Pair[];
  /** Forbidden before, allowed after: must start (resume). */
  newlyAllowed: Pair[];
  /** Allowed before and after: must keep flowing (jiefen) — a reconnecting baseline interrupts them. */
  continuing: Pair[];
  /** Participants whose room changes (the baseline reconnects exactly these). */
  moving: string[];
}

export function policyState(loc: Location, t: Trio): PolicyState {
  const members = [
    { peerId: t.mediator, status: 'admitted' as const, roomRole: 'mediator' as const },
    { peerId: t.a, status: 'admitted' as const, roomRole: 'party' as const },
    { peerId: t.b, status: 'admitted' as const, roomRole: 'party' as const },
  ];
  if (loc === 'joint') return { members, caucuses: [] };
  return { members, caucuses: [{ id: `caucus-${loc}`, memberPeerIds: [loc === 'A' ? t.a : t.b], mediatorPeerIds: [t.mediator] }] };
}

export function plan(from: Location, to: Location, t: Trio): SwitchPlan {
  const before = policyState(from, t);
  const after = policyState(to, t);
  const ids = [t.mediator, t.a, t.b];
  const out: SwitchPlan = { from, to, forbidden: [], newlyAllowed: [], continuing: [], moving: ids.filter((id) => roomOf(before, id) !== roomOf(after, id)) };
  for (const receiver of ids) {
    for (const sender of ids) {
      if (receiver === sender) continue;
      const was = mayReceive(before, receiver, sender);
      const is = mayReceive(after, receiver, sender);
      if (was && !is) out.forbidden.push({ receiver, sender });
      else if (!was && is) out.newlyAllowed.push({ receiver, sender });
      else if (was && is) out.continuing.push({ receiver, sender });
    }
  }
  return out;
}

export const transitionName = (p: Pick<SwitchPlan, 'from' | 'to'>) => `${p.from}→${p.to}`;
