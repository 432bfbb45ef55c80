// The parties every room benchmark uses; tests/support/server.ts adds them to a case
// (addConfirmedParty: invited, identity confirmed and consent given over the party API).
import type { PartySpec } from '../../tests/support/server.ts';

export const BENCH_PARTIES: readonly PartySpec[] = [
  { name: '李某', side: 'A', role: 'APPLICANT', id17: '15020419750312101' },
  { name: '王某', side: 'B', role: 'RESPONDENT', id17: '15020419800101123' },
];
