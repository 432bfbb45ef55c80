// Synthetic disputes for `npm run bench -- dashboard`: N cases across the centre's 16 units over the
// last 3 years, written straight into the source tables the dashboard projector reads (matters and
// their stage history, cases, chained audit entries, signing rounds, judicial applications,
// obligations, ratings, co-mediators) with prepared statements in one transaction per 5,000 cases.
// Distributions follow what the seed centre reports: most disputes come to the window or online, a
// few units carry most of the load, ~90 % of the closed ones are resolved, cycle times are long-tailed.
import { entryHash, GENESIS_HASH } from '../signaling/audit/chain.ts';
import { openSqlite } from '../signaling/sqlite-binding.ts';

const H = 3600_000;
const DAY = 24 * H;

/** A small deterministic PRNG (mulberry32): the same seed gives the same data set. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick<T>(weighted: readonly (readonly [T, number])[]): T {
      const total = weighted.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [v, w] of weighted) if ((r -= w) < 0) return v;
      return weighted.at(-1)![0];
    },
    /** Long-tailed hours around a median. */
    hours(median: number): number {
      const z = Math.sqrt(-2 * Math.log(next() || 1e-9)) * Math.cos(2 * Math.PI * next());
      return Math.max(0.1, median * Math.exp(0.8 * z));
    },
  };
}

const sqlTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

export interface SeedResult {
  cases: number;
  matters: number;
  rows: number;
  seconds: number;
  caseIds: string[];
}

export async function seedDashboard(databaseFile: string, opts: { cases: number; now: number; seed?: number }): Promise<SeedResult> {
  const started = Date.now();
  const r = rng(opts.seed ?? 16);
  const db = openSqlite(databaseFile);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  const units = db.prepare(`SELECT id, code, centreId FROM Organisation WHERE centreId IS NOT NULL ORDER BY createdAt`).all() as {
    id: string;
    code: string | null;
    centreId: string;
  }[];
  if (units.length < 16) throw new Error(`expected the centre's 16 units, found ${units.length}`);
  const centreId = units[0]!.centreId;
  const office = units.find((u) => u.code === 'centre-office') ?? units[0]!;
  const court = db.prepare(`SELECT id FROM Court LIMIT 1`).get() as { id: string };
  const passwordHash = (db.prepare(`SELECT passwordHash FROM User LIMIT 1`).get() as { passwordHash: string }).passwordHash;

  // A few units carry most of the load (the committee, property, financial, the community); the
  // centre's own window mediates a few itself.
  const unitWeights = units.map((u, i) => [u, u.id === office.id ? 1 : i < 5 ? 12 : i < 9 ? 4 : 1] as const);
  const insertUser = db.prepare(`INSERT INTO User (id, username, displayName, role, passwordHash, orgId, createdAt) VALUES (?, ?, ?, 'MEDIATOR', ?, ?, ?)`);
  const mediators = new Map<string, string[]>();
  const dispatcherId = `benchdisp`;
  db.prepare(
    `INSERT OR IGNORE INTO User (id, username, displayName, role, passwordHash, orgId, createdAt) VALUES (?, 'bench-dispatcher', '压测受理员', 'DISPATCHER', ?, ?, ?)`,
  ).run(dispatcherId, passwordHash, office.id, sqlTime(opts.now));
  for (const [u] of unitWeights) {
    const ids: string[] = [];
    for (let k = 0; k < 5; k++) {
      const id = `benchmed${u.id.slice(-6)}${k}`;
      insertUser.run(id, `bench-${u.id.slice(-6)}-${k}`, `调解员${k + 1}`, passwordHash, u.id, sqlTime(opts.now));
      ids.push(id);
    }
    mediators.set(u.id, ids);
  }

  const channels = [
    ['WINDOW', 30],
    ['ONLINE', 25],
    ['PHONE', 15],
    ['IMPORT', 15],
    ['GRID', 10],
    ['DIRECT', 5],
  ] as const;
  const types = [
    ['NEIGHBOUR', 20],
    ['PROPERTY_SERVICE', 25],
    ['FINANCIAL_LOAN', 20],
    ['PRIVATE_LOAN', 15],
    ['PROPERTY_SALE', 5],
    ['GENERAL', 15],
  ] as const;
  const areas: [string | null, number][] = [[null, 8]];
  for (let s = 1; s <= 10; s++) {
    const street = `150204${String(s).padStart(3, '0')}`;
    areas.push([street, 2]);
    for (let c = 1; c <= 5; c++) areas.push([`${street}${String(c).padStart(3, '0')}`, 1]);
  }

  const ins = {
    matter: db.prepare(
      `INSERT INTO Matter (id, registrationNo, centreId, channel, disputeType, title, summary, areaCode, status, ownerUnitId, ownerUserId, pendingUnitId, stageDueAt, caseId, createdAt, updatedAt)
       VALUES (?, ?, ?, ?, ?, '压测事项', '压测', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    event: db.prepare(`INSERT INTO MatterEvent (matterId, at, type, actorLabel, data) VALUES (?, ?, ?, '压测', ?)`),
    kase: db.prepare(
      `INSERT INTO "Case" (id, number, orgId, title, disputeType, summary, status, mediatorId, dueDate, createdAt, updatedAt) VALUES (?, ?, ?, '压测案件', ?, '压测', ?, ?, ?, ?, ?)`,
    ),
    audit: db.prepare(
      `INSERT INTO AuditEntry (seq, at, caseId, actorType, actorId, actorLabel, type, data, prevHash, hash) VALUES (?, ?, ?, 'system', NULL, '系统', ?, ?, ?, ?)`,
    ),
    round: db.prepare(
      `INSERT INTO SigningRound (id, caseId, versionSeq, contentSha256, snapshot, clauseHashes, status, lockedById, lockedAt, completedAt) VALUES (?, ?, 1, 'x', '{}', '[]', 'COMPLETED', ?, ?, ?)`,
    ),
    judicial: db.prepare(
      `INSERT INTO JudicialApplication (id, caseId, courtId, status, effectiveAt, windowEndsAt, submittedAt, decidedAt, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    obligation: db.prepare(
      `INSERT INTO Obligation (id, caseId, signingRoundId, seq, kind, description, obligorSide, obligeeSide, amountFen, dueDate, status, createdAt, updatedAt)
       VALUES (?, ?, ?, ?, 'PAYMENT', '付款', 'B', 'A', 100000, ?, ?, ?, ?)`,
    ),
    rating: db.prepare(
      `INSERT INTO ServiceRating (id, caseId, participantId, occasion, occasionKey, score, createdAt) VALUES (?, ?, ?, 'CLOSING', 'closing', ?, ?)`,
    ),
    coMediator: db.prepare(`INSERT INTO CaseCoMediator (caseId, userId, assignedById, assignedAt) VALUES (?, ?, ?, ?)`),
  };
  const head = db.prepare(`SELECT seq, hash FROM AuditHead WHERE id = 1`).get() as { seq: number; hash: string } | undefined;
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const audit = (caseId: string, at: number, type: string, data: unknown) => {
    seq += 1;
    const fields = { seq, at: new Date(at), caseId, actorType: 'system', actorId: null, actorLabel: '系统', type, data: JSON.stringify(data), prevHash };
    const hash = entryHash(fields);
    ins.audit.run(seq, sqlTime(at), caseId, type, fields.data, prevHash, hash);
    prevHash = hash;
    rows++;
  };

  let rows = 0;
  let matters = 0;
  const caseIds: string[] = [];
  const span = 3 * 365 * DAY;
  const CHUNK = 5000;
  for (let from = 0; from < opts.cases; from += CHUNK) {
    db.transaction(() => {
      for (let i = from; i < Math.min(opts.cases, from + CHUNK); i++) {
        // More disputes in recent years (the centre grew), none on the last few hours.
        const received = opts.now - 6 * H - Math.floor(span * (1 - Math.sqrt(r.next())));
        const unit = r.pick(unitWeights);
        const mediator = r.pick(mediators.get(unit.id)!.map((m) => [m, 1] as const));
        const channel = r.pick(channels);
        const type = r.pick(types);
        const area = channel === 'DIRECT' ? null : r.pick(areas);
        const caseId = `bc${i.toString(36).padStart(7, '0')}`;
        const matterId = channel === 'DIRECT' ? null : `bm${i.toString(36).padStart(7, '0')}`;
        // Stage times (hours) and their limits (24 / 48 / 24 h; mediation 30 days).
        const reg = r.hours(6);
        const routed = r.hours(10);
        const accepted = r.hours(8);
        const mediation = r.hours(24 * 12);
        let t = received;
        const steps: [number, string, unknown][] = [];
        if (matterId) {
          steps.push([t, 'REGISTERED', { channel }], [t, 'DEADLINE_SET', { stage: 'REGISTERED', dueAt: new Date(t + 24 * H).toISOString() }]);
          t += reg * H;
          steps.push([t, 'ROUTED', { toUnitId: unit.id }], [t, 'DEADLINE_SET', { stage: 'ROUTED', dueAt: new Date(t + 48 * H).toISOString() }]);
          t += routed * H;
          steps.push([t, 'ACCEPTED', { unitId: unit.id }], [t, 'DEADLINE_SET', { stage: 'ACCEPTED', dueAt: new Date(t + 24 * H).toISOString() }]);
          t += accepted * H;
        }
        const openedAt = t;
        const dueAt = openedAt + 30 * DAY;
        const concluded = openedAt + mediation * H;
        const isClosed = concluded < opts.now - H;
        const outcome = isClosed
          ? r.pick([
              ['RESOLVED', 88],
              ['FAILED', 8],
              ['WITHDRAWN', 4],
            ] as const)
          : 'OPEN';
        const mediated = outcome !== 'WITHDRAWN' || r.next() < 0.5;
        const judicial = outcome === 'RESOLVED' && r.next() < 0.2;
        const confirmed = judicial && concluded + 20 * DAY < opts.now;
        const status =
          outcome === 'OPEN'
            ? mediated
              ? 'MEDIATING'
              : 'ACCEPTED'
            : outcome === 'RESOLVED'
              ? judicial
                ? confirmed
                  ? 'CONFIRMED'
                  : 'CONFIRMATION_REQUESTED'
                : 'SIGNED'
              : outcome;
        ins.kase.run(caseId, `B${i}`, unit.id, type, status, mediator, sqlTime(dueAt), sqlTime(openedAt), sqlTime(isClosed ? concluded : openedAt));
        caseIds.push(caseId);
        rows++;
        if (matterId) {
          steps.push([t, 'ASSIGNED', { unitId: unit.id, userId: mediator }], [t, 'DEADLINE_SET', { stage: 'ASSIGNED', dueAt: new Date(dueAt).toISOString() }]);
          steps.push([t, 'CASE_OPENED', { caseId, caseNumber: `B${i}` }]);
          if (outcome === 'WITHDRAWN') steps.push([concluded, 'WITHDRAWN', { reason: '当事人撤回' }]);
          ins.matter.run(
            matterId,
            `压测综受〔${i}〕`,
            centreId,
            channel,
            type,
            area,
            outcome === 'WITHDRAWN' ? 'WITHDRAWN' : 'ASSIGNED',
            unit.id,
            mediator,
            null,
            outcome === 'OPEN' ? sqlTime(dueAt) : null,
            caseId,
            sqlTime(received),
            sqlTime(received),
          );
          matters++;
          rows++;
          for (const [at, kind, data] of steps) ins.event.run(matterId, sqlTime(at), kind, JSON.stringify(data));
          rows += steps.length;
        }
        audit(caseId, openedAt, 'CASE_CREATED', { number: `B${i}`, title: '压测案件', disputeType: type });
        if (mediated) {
          audit(caseId, openedAt + H, 'CASE_TRANSITION', { from: 'ACCEPTED', to: 'TRIAGED' });
          audit(caseId, openedAt + H, 'CASE_TRANSITION', { from: 'TRIAGED', to: 'MEDIATING' });
          // Caucuses in about a third of mediations, 5–40 minutes each.
          if (r.next() < 0.35) {
            const n = 1 + Math.floor(r.next() * 3);
            for (let k = 0; k < n; k++) {
              const at = openedAt + (2 + k) * H;
              const sec = Math.round(300 + r.next() * 2100);
              audit(caseId, at, 'CAUCUS_STARTED', { caucusId: `${caseId}-${k}`, sides: ['A'], names: ['甲'], mediators: ['调解员'] });
              audit(caseId, at + sec * 1000, 'CAUCUS_ENDED', { caucusId: `${caseId}-${k}`, sides: ['A'], names: ['甲'], durationSec: sec, reason: 'ended' });
            }
          }
        }
        if (outcome === 'RESOLVED') {
          audit(caseId, concluded - H, 'CASE_TRANSITION', { from: 'MEDIATING', to: 'AGREED' });
          audit(caseId, concluded, 'CASE_TRANSITION', { from: 'AGREED', to: 'SIGNED' });
          const roundId = `br${i.toString(36)}`;
          ins.round.run(roundId, caseId, mediator, sqlTime(concluded - H), sqlTime(concluded));
          rows++;
          const instalments = 1 + Math.floor(r.next() * 3);
          for (let k = 0; k < instalments; k++) {
            const due = concluded + (k + 1) * 30 * DAY;
            const st =
              due > opts.now
                ? r.next() < 0.1
                  ? 'PERFORMED'
                  : 'NOT_DUE'
                : r.pick([
                    ['PERFORMED', 80],
                    ['PARTIAL', 8],
                    ['OVERDUE', 12],
                  ] as const);
            ins.obligation.run(`bo${i.toString(36)}-${k}`, caseId, roundId, k + 1, sqlTime(due), st, sqlTime(concluded), sqlTime(concluded));
            rows++;
          }
          if (judicial) {
            const submitted = concluded + 3 * DAY;
            audit(caseId, submitted, 'CASE_TRANSITION', { from: 'SIGNED', to: 'CONFIRMATION_REQUESTED' });
            const decided = confirmed ? submitted + r.hours(24 * 10) * H : null;
            if (decided) audit(caseId, decided, 'CASE_TRANSITION', { from: 'CONFIRMATION_REQUESTED', to: 'CONFIRMED' });
            ins.judicial.run(
              `bj${i.toString(36)}`,
              caseId,
              court.id,
              confirmed ? 'CONFIRMED' : 'SUBMITTED',
              sqlTime(concluded),
              sqlTime(concluded + 30 * DAY),
              sqlTime(submitted),
              decided ? sqlTime(decided) : null,
              sqlTime(submitted),
            );
            rows++;
          }
        } else if (outcome === 'FAILED' || outcome === 'WITHDRAWN') {
          audit(caseId, concluded, 'CASE_TRANSITION', { from: mediated ? 'MEDIATING' : 'ACCEPTED', to: outcome });
        }
        if (outcome !== 'OPEN' && r.next() < 0.6) {
          const score = r.pick([
            [5, 60],
            [4, 25],
            [3, 8],
            [2, 4],
            [1, 3],
          ] as const);
          ins.rating.run(`bt${i.toString(36)}`, caseId, `bp${i.toString(36)}`, score, sqlTime(concluded + DAY));
          rows++;
        }
        // 联合调解 in about 5 % of cases, with a mediator of another unit.
        if (r.next() < 0.05) {
          const other = r.pick(unitWeights);
          if (other.id !== unit.id) {
            ins.coMediator.run(caseId, mediators.get(other.id)![0]!, mediator, sqlTime(openedAt));
            rows++;
          }
        }
      }
    })();
  }
  db.prepare(`INSERT INTO AuditHead (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`).run(
    seq,
    prevHash,
  );
  db.close();
  return { cases: opts.cases, matters, rows, seconds: (Date.now() - started) / 1000, caseIds };
}
