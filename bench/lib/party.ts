// A benchmark party ready to enter the room: added to the case, invited, identity confirmed and
// consent given over the party API — the steps a real party takes on its link page first.
import { makeIdNumber, type StaffClient } from '../../tests/support/server.ts';

export interface BenchPartySpec {
  name: string;
  side: 'A' | 'B';
  role: 'APPLICANT' | 'RESPONDENT' | 'AGENT';
  /** First 17 digits of the ID number (the check digit is computed). */
  id17: string;
}

/** The two parties every room benchmark uses. */
export const BENCH_PARTIES: readonly BenchPartySpec[] = [
  { name: '李某', side: 'A', role: 'APPLICANT', id17: '15020419750312101' },
  { name: '王某', side: 'B', role: 'RESPONDENT', id17: '15020419800101123' },
];

/** Added to the case and invited; identity and consent still to do. */
export async function addInvitedParty(mediator: StaffClient, caseId: string, p: BenchPartySpec): Promise<{ peerId: string; token: string; idNumber: string }> {
  const idNumber = makeIdNumber(p.id17);
  const participant = (await mediator.json('POST', `/api/cases/${caseId}/participants`, { role: p.role, side: p.side, name: p.name, phone: '13800138000', idNumber }, 201)).participant;
  const url = (await mediator.json('POST', `/api/cases/${caseId}/invitations`, { participantId: participant.id }, 201)).invitation.url as string;
  return { peerId: participant.id as string, token: url.split('/j/')[1]!, idNumber };
}

export async function addReadyParty(baseUrl: string, mediator: StaffClient, caseId: string, p: BenchPartySpec): Promise<{ peerId: string; token: string }> {
  const { peerId, token, idNumber } = await addInvitedParty(mediator, caseId, p);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  for (const [path, body] of [
    ['/api/party/confirm-identity', { name: p.name, idLast4: idNumber.slice(-4) }],
    ['/api/party/consent', { consent: true }],
  ] as const) {
    const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path} → ${res.status}: ${await res.text()}`);
  }
  return { peerId, token };
}
