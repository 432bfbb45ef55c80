// Screening of a matter being registered, in its transaction: the early-warning flags it is
// registered with, and the possible duplicates the dispatcher is shown (intake/screening/).
import type { Tx } from '../db.ts';
import { findDuplicates, normalizePlace, priorReportsOf, type PossibleDuplicate } from '../intake/screening/duplicates.ts';
import { riskFlagsOf, type RiskFlag } from '../intake/screening/risk-flags.ts';
import type { ScreeningRules } from '../intake/screening/rules.ts';

/** A party as screened: values already normalised (intake-desk/parties.ts). */
export interface ScreenedParty {
  role: string;
  name?: string | undefined;
  phone?: string | undefined;
  idNumber?: string | undefined;
}

export interface ScreeningProbe {
  centreId: string;
  disputeType: string;
  title: string;
  summary: string;
  place?: string | undefined;
  parties: readonly ScreenedParty[];
  at: Date;
  /** Count the applicant's earlier reports (not for a batch import: there the institution is the applicant of every row). */
  countRepeats: boolean;
}

export interface Screening {
  flags: RiskFlag[];
  duplicates: PossibleDuplicate[];
}

/**
 * The early-warning flags a matter is registered with. Alone for a channel whose duplicates are
 * shown later, on the matter (an online application: the person applying never sees them).
 */
export async function riskFlagsFor(tx: Tx, rules: ScreeningRules, probe: Omit<ScreeningProbe, 'disputeType' | 'place'>): Promise<RiskFlag[]> {
  const applicant = probe.parties.find((p) => p.role === 'APPLICANT');
  const priorReports = probe.countRepeats ? await priorReportsOf(tx, probe.centreId, applicant, rules.risks.repeated.periodDays, probe.at) : 0;
  return riskFlagsOf({ ...probe, priorReports }, rules);
}

export async function screen(tx: Tx, rules: ScreeningRules, probe: ScreeningProbe, excludeMatterId?: string): Promise<Screening> {
  const flags = await riskFlagsFor(tx, rules, probe);
  const place = probe.place ? normalizePlace(probe.place) : undefined;
  const duplicates = await findDuplicates(tx, { ...probe, place, excludeMatterId }, rules);
  return { flags, duplicates };
}
