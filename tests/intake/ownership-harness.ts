// 首接负责 over random sequences: a matter is registered, then random moves (route, accept, return,
// transfer, withdraw, assign, reassign) by random staff — mostly plausible ones, sometimes the wrong
// role or unit, sometimes two at once — are made through the real services on the real SQLite
// database. After every step: exactly one unit and one person are responsible (ownershipViolations
// empty, the owner active staff of the owning unit, the status's own rules), a refused move changed
// nothing, and an accepted one wrote exactly its steps to the history. Used by
// tests/intake/ownership-property.test.ts (a moderate number of runs) and `npm run bench -- ownership`.
import fc from 'fast-check';
import type { StaffPrincipal } from '../../signaling/context.ts';
import type { Db } from '../../signaling/db.ts';
import { DomainError } from '../../signaling/errors.ts';
import { ownershipViolations } from '../../signaling/intake/ownership.ts';
import type { MatterMoves } from '../../signaling/routing/matter-moves.ts';
import { addUnitStaff, registerTestMatter, type UnitStaff } from './routing-support.ts';

export const MOVE_KINDS = ['route', 'accept', 'return', 'transfer', 'assign', 'reassign', 'withdraw'] as const;
type MoveKind = (typeof MOVE_KINDS)[number];

export interface Command {
  kind: MoveKind;
  /** Below 70: the move is replaced by one that fits the matter's stage (so sequences get far); else as drawn. */
  aim: number;
  /** Picks the actor: usually among those whose role fits the move, every seventh time anyone. */
  who: number;
  unit: number;
  mediator: number;
}
export interface Step {
  command: Command;
  /** A second move made at the same moment (two people acting on one matter at once). */
  atOnce: Command | null;
}

/** Withdrawal ends a matter's story, so it is drawn less often than the other moves. */
const KIND_WEIGHTS: Record<MoveKind, number> = { route: 4, accept: 4, return: 2, transfer: 3, assign: 3, reassign: 2, withdraw: 1 };
const kindArb = fc.oneof(...MOVE_KINDS.map((k) => ({ arbitrary: fc.constant(k), weight: KIND_WEIGHTS[k] })));
const commandArb: fc.Arbitrary<Command> = fc.record({ kind: kindArb, aim: fc.nat(99), who: fc.nat(50), unit: fc.nat(10), mediator: fc.nat(10) });
export const sequenceArb: fc.Arbitrary<Step[]> = fc.array(fc.record({ command: commandArb, atOnce: fc.option(commandArb, { freq: 6 }) }), {
  minLength: 1,
  maxLength: 14,
});

export interface World {
  db: Db;
  moves: MatterMoves;
  dispatchers: UnitStaff[];
  heads: UnitStaff[];
  mediators: UnitStaff[];
  everyone: UnitStaff[];
  /** Units that can receive a matter, and one that cannot (no head), to be refused. */
  unitIds: string[];
}

/** Staff of three receiving units and the centre's office, made once per database. */
export async function buildWorld(db: Db, moves: MatterMoves, tag = ''): Promise<World> {
  const dispatchers = [
    await addUnitStaff(db, 'centre-office', 'DISPATCHER', `pd1${tag}`, '受理甲'),
    await addUnitStaff(db, 'centre-office', 'DISPATCHER', `pd2${tag}`, '受理乙'),
  ];
  const heads = [
    await addUnitStaff(db, 'property', 'UNIT_HEAD', `ph1${tag}`, '物业负责甲'),
    await addUnitStaff(db, 'property', 'UNIT_HEAD', `ph2${tag}`, '物业负责乙'),
    await addUnitStaff(db, 'financial', 'UNIT_HEAD', `fh1${tag}`, '金融负责'),
    await addUnitStaff(db, 'lawyers', 'UNIT_HEAD', `lh1${tag}`, '律调负责'),
  ];
  const mediators = [
    await addUnitStaff(db, 'property', 'MEDIATOR', `pm1${tag}`, '物业调解甲'),
    await addUnitStaff(db, 'property', 'MEDIATOR', `pm2${tag}`, '物业调解乙'),
    await addUnitStaff(db, 'financial', 'MEDIATOR', `fm1${tag}`, '金融调解'),
    await addUnitStaff(db, 'lawyers', 'MEDIATOR', `lm1${tag}`, '律调调解'),
    await addUnitStaff(db, 'committee', 'MEDIATOR', `cm1${tag}`, '委员会调解'),
  ];
  const unitIds = [...new Set(heads.map((h) => h.orgId)), (await db.organisation.findFirstOrThrow({ where: { code: 'family' } })).id];
  return { db, moves, dispatchers, heads, mediators, everyone: [...dispatchers, ...heads, ...mediators], unitIds };
}

const principal = (u: UnitStaff): StaffPrincipal => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  orgId: u.orgId,
  courtId: null,
});

type State = { status: string; ownerUnitId: string; pendingUnitId: string | null };

/** Moves that can succeed at each stage (withdrawal, which ends the story, only as drawn). */
const FITTING: Record<string, MoveKind[]> = {
  REGISTERED: ['route'],
  ROUTED: ['accept', 'accept', 'return', 'transfer'],
  ACCEPTED: ['assign', 'assign', 'transfer'],
  ASSIGNED: ['reassign'],
};

function kindFor(c: Command, s: State): MoveKind {
  const fitting = FITTING[s.status];
  return c.aim < 70 && fitting ? fitting[c.who % fitting.length]! : c.kind;
}

/** Usually someone it makes sense to ask given where the matter is (so sequences get far); every fifth time anyone at all. */
function actorFor(w: World, c: Command, s: State): UnitStaff {
  if (c.who % 5 === 0) return w.everyone[c.who % w.everyone.length]!;
  const headsOf = (unitId: string | null) => w.heads.filter((h) => h.orgId === unitId);
  const fits =
    c.kind === 'route'
      ? w.dispatchers
      : c.kind === 'accept' || c.kind === 'return'
        ? headsOf(s.pendingUnitId)
        : c.kind === 'transfer' || c.kind === 'withdraw'
          ? [...w.dispatchers, ...headsOf(s.ownerUnitId)]
          : headsOf(s.ownerUnitId);
  const pool = fits.length > 0 ? fits : w.heads;
  return pool[c.who % pool.length]!;
}

function mediatorFor(w: World, c: Command, s: State): UnitStaff {
  const ofUnit = w.mediators.filter((m) => m.orgId === s.ownerUnitId);
  const pool = c.mediator % 5 === 0 || ofUnit.length === 0 ? w.mediators : ofUnit;
  return pool[c.mediator % pool.length]!;
}

/** The history steps an accepted move writes (besides its deadline). */
const STEPS_OF: Record<MoveKind, string[]> = {
  route: ['ROUTED'],
  accept: ['ACCEPTED'],
  return: ['RETURNED'],
  transfer: ['TRANSFERRED'],
  assign: ['ASSIGNED', 'CASE_OPENED'],
  reassign: ['ASSIGNED'],
  withdraw: ['WITHDRAWN'],
};

async function apply(w: World, matterId: string, drawn: Command, s: State, at: Date): Promise<MoveKind | null> {
  const c = { ...drawn, kind: kindFor(drawn, s) };
  const actor = principal(actorFor(w, c, s));
  const unitId = w.unitIds[c.unit % w.unitIds.length]!;
  const mediatorId = mediatorFor(w, c, s).id;
  try {
    switch (c.kind) {
      case 'route':
        await w.moves.route(actor, matterId, unitId, at);
        break;
      case 'accept':
        await w.moves.accept(actor, matterId, at);
        break;
      case 'return':
        await w.moves.return(actor, matterId, '不属于本单位受理范围', at);
        break;
      case 'transfer':
        await w.moves.transfer(actor, matterId, unitId, '宜由其他单位办理', at);
        break;
      case 'assign':
        await w.moves.assign(actor, matterId, mediatorId, at);
        break;
      case 'reassign':
        await w.moves.reassign(actor, matterId, mediatorId, at);
        break;
      case 'withdraw':
        await w.moves.withdraw(actor, matterId, '申请人撤回', at);
        break;
    }
    return c.kind;
  } catch (err) {
    // A refusal is one of the table's codes; anything else is a bug.
    if (err instanceof DomainError) return null;
    throw err;
  }
}

async function snapshot(db: Db, matterId: string) {
  const m = await db.matter.findUniqueOrThrow({ where: { id: matterId } });
  const events = await db.matterEvent.findMany({ where: { matterId, type: { not: 'DEADLINE_SET' } }, orderBy: { id: 'asc' }, select: { type: true } });
  return {
    status: m.status,
    ownerUnitId: m.ownerUnitId,
    ownerUserId: m.ownerUserId,
    pendingUnitId: m.pendingUnitId,
    caseId: m.caseId,
    ownerships: await db.matterOwnership.count({ where: { matterId } }),
    steps: events.map((e) => e.type),
  };
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** What must hold after every step; returns the problems found (empty: 首接负责 holds). */
async function invariantProblems(w: World, matterId: string, s: Snapshot): Promise<string[]> {
  const problems = (await ownershipViolations(w.db, matterId)).map((v) => v.problem);
  const owner = await w.db.user.findUniqueOrThrow({ where: { id: s.ownerUserId } });
  if (owner.orgId !== s.ownerUnitId || !owner.active) problems.push('the owner is not active staff of the owning unit');
  const want = (ok: boolean, what: string) => ok || problems.push(`${s.status}: ${what}`);
  switch (s.status) {
    case 'REGISTERED':
      want(s.pendingUnitId === null && owner.role === 'DISPATCHER', 'a dispatcher owns it and no unit is asked');
      break;
    case 'ROUTED':
      want(s.pendingUnitId !== null && s.pendingUnitId !== s.ownerUnitId, 'another unit is asked while the owner stays');
      want(owner.role === 'DISPATCHER' || owner.role === 'UNIT_HEAD', 'a dispatcher or a head stays responsible');
      break;
    case 'ACCEPTED':
      want(s.pendingUnitId === null && owner.role === 'UNIT_HEAD', "the unit's head owns it");
      break;
    case 'ASSIGNED': {
      const kase = s.caseId ? await w.db.case.findUnique({ where: { id: s.caseId } }) : null;
      want(kase !== null && kase.mediatorId === s.ownerUserId && kase.orgId === s.ownerUnitId, "the case's mediator, of the owning unit, owns it");
      break;
    }
    case 'WITHDRAWN':
      want(s.pendingUnitId === null, 'no unit is asked');
      break;
    default:
      problems.push(`unexpected status ${s.status}`);
  }
  return problems;
}

export interface SequenceResult {
  steps: number;
  moved: number;
  refused: number;
  violations: string[];
}

/** Registers a matter and plays the steps; stops at the first violation (returned, with the step). */
export async function playSequence(w: World, steps: Step[], start: Date): Promise<SequenceResult> {
  const dispatcher = w.dispatchers[steps.length % w.dispatchers.length]!;
  const matter = await registerTestMatter(w.db, dispatcher, {}, start);
  let clock = start.getTime();
  let moved = 0;
  let refused = 0;
  let before = await snapshot(w.db, matter.id);
  for (const [i, step] of steps.entries()) {
    const at = new Date((clock += 60_000));
    const commands = step.atOnce ? [step.command, step.atOnce] : [step.command];
    const outcomes = await Promise.all(commands.map((c) => apply(w, matter.id, c, before, at)));
    const after = await snapshot(w.db, matter.id);
    const problems = await invariantProblems(w, matter.id, after);
    const accepted = outcomes.filter((k): k is MoveKind => k !== null);
    moved += accepted.length;
    refused += commands.length - accepted.length;
    if (accepted.length === 0) {
      if (JSON.stringify(after) !== JSON.stringify(before)) problems.push('a refused move changed the matter');
    } else {
      // The history grew by exactly the steps of the accepted moves, in some order.
      const added = after.steps.slice(before.steps.length);
      const expected = accepted.flatMap((k) => STEPS_OF[k]);
      if (after.steps.length !== before.steps.length + expected.length || [...added].sort().join() !== [...expected].sort().join())
        problems.push(`history: expected ${expected.join('+')} added, found ${added.join('+')}`);
      if (JSON.stringify(after.steps.slice(0, before.steps.length)) !== JSON.stringify(before.steps)) problems.push('history rewritten');
    }
    if (problems.length > 0) {
      return { steps: i + 1, moved, refused, violations: problems.map((p) => `step ${i + 1} (${commands.map((c) => c.kind).join(' ∥ ')}): ${p}`) };
    }
    before = after;
  }
  return { steps: steps.length, moved, refused, violations: [] };
}
