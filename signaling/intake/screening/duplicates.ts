// The duplicate check: other matters of the centre with the same parties (by the blind indexes of
// name, phone and ID number) or the same place and dispute type, within the rules' period. Shown
// to the dispatcher before registering (a probe), in the registration's answer and on the matter.
import type { Tx } from '../../db.ts';
import type { ScreeningRules } from './rules.ts';

export interface DuplicateProbe {
  centreId: string;
  disputeType: string;
  /** Normalised (normalizePlace). */
  place?: string | undefined;
  parties: readonly { name?: string | undefined; phone?: string | undefined; idNumber?: string | undefined }[];
  /** The instant the window is centred on: now for a probe, the matter's registration for a matter. */
  at: Date;
  /** The matter itself, when checking a registered one. */
  excludeMatterId?: string | undefined;
}

export interface PossibleDuplicate {
  matterId: string;
  registrationNo: string;
  title: string;
  status: string;
  channel: string;
  createdAt: Date;
  /** Why (the rules' labels). */
  reasons: string[];
}

const DAY_MS = 24 * 3600_000;
const MAX_SHOWN = 20;

/** One spelling of a place: full-width forms folded (NFKC), spaces and trailing punctuation dropped. */
export function normalizePlace(place: string): string {
  return place
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[。，,.;；]+$/, '');
}

type Db = Pick<Tx, 'matter' | 'matterParty'>;

export async function findDuplicates(db: Db, probe: DuplicateProbe, rules: ScreeningRules): Promise<PossibleDuplicate[]> {
  const { periodDays, partyRules, placeRule } = rules.duplicates;
  const window = { gte: new Date(probe.at.getTime() - periodDays * DAY_MS), lte: new Date(probe.at.getTime() + periodDays * DAY_MS) };
  const inScope = { centreId: probe.centreId, createdAt: window, ...(probe.excludeMatterId ? { id: { not: probe.excludeMatterId } } : {}) };
  const reasons = new Map<string, Set<string>>();
  const note = (matterId: string, label: string) => reasons.set(matterId, (reasons.get(matterId) ?? new Set()).add(label));

  for (const rule of partyRules) {
    for (const party of probe.parties) {
      const values = rule.fields.map((f) => party[f]?.trim());
      if (values.some((v) => !v)) continue;
      const where = Object.fromEntries(rule.fields.map((f, i) => [f, values[i]!]));
      const hits = await db.matterParty.findMany({ where: { ...where, matter: inScope }, select: { matterId: true }, take: MAX_SHOWN });
      for (const h of hits) note(h.matterId, rule.label);
    }
  }
  if (placeRule && probe.place) {
    const hits = await db.matter.findMany({
      where: { ...inScope, place: probe.place, ...(placeRule.sameDisputeType ? { disputeType: probe.disputeType } : {}) },
      select: { id: true },
      take: MAX_SHOWN,
    });
    for (const h of hits) note(h.id, placeRule.label);
  }
  if (reasons.size === 0) return [];
  const matters = await db.matter.findMany({
    where: { id: { in: [...reasons.keys()] } },
    select: { id: true, registrationNo: true, title: true, status: true, channel: true, createdAt: true },
    orderBy: { createdAt: 'desc' },
    take: MAX_SHOWN,
  });
  return matters.map((m) => ({
    matterId: m.id,
    registrationNo: m.registrationNo,
    title: m.title,
    status: m.status,
    channel: m.channel,
    createdAt: m.createdAt,
    reasons: [...reasons.get(m.id)!],
  }));
}

/** Matters the same applicant (same phone or ID number) reported within `periodDays` before `at`. */
export async function priorReportsOf(
  db: Db,
  centreId: string,
  applicant: { phone?: string | undefined; idNumber?: string | undefined } | undefined,
  periodDays: number,
  at: Date,
): Promise<number> {
  const same = [applicant?.phone ? { phone: applicant.phone } : null, applicant?.idNumber ? { idNumber: applicant.idNumber } : null].filter((w) => w !== null);
  if (same.length === 0) return 0;
  const rows = await db.matterParty.findMany({
    where: { role: 'APPLICANT', OR: same, matter: { centreId, createdAt: { gte: new Date(at.getTime() - periodDays * DAY_MS), lte: at } } },
    select: { matterId: true },
  });
  return new Set(rows.map((r) => r.matterId)).size;
}
