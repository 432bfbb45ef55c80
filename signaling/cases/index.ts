// The cases area: cases (受理, editing, the workflow by hand), their participants, invitation
// links, co-mediators and audit trail, served on /api/cases.
import type { ApiArea } from '../http/api-area.ts';
import type { AppContext } from '../context.ts';
import type { SealVerdict } from '../audit/seals.ts';
import { CaseService } from './case-service.ts';
import { CoMediatorService } from './co-mediator-service.ts';
import { InvitationService } from './invitation-service.ts';
import { ParticipantService, type AgreementPartiesSync } from './participant-service.ts';
import { PartyDocuments } from './party-documents.ts';
import { caseRoutes } from './routes.ts';

export interface CaseServices {
  cases: CaseService;
  participants: ParticipantService;
  invitations: InvitationService;
  coMediators: CoMediatorService;
  partyDocuments: PartyDocuments;
}

export function casesArea(
  ctx: AppContext,
  agreement: AgreementPartiesSync,
  options: { verifySeals?: () => Promise<SealVerdict> } = {},
): ApiArea & CaseServices {
  const services: CaseServices = {
    cases: new CaseService(ctx, options.verifySeals),
    participants: new ParticipantService(ctx, agreement),
    invitations: new InvitationService(ctx),
    coMediators: new CoMediatorService(ctx),
    partyDocuments: new PartyDocuments(ctx),
  };
  return { name: 'cases', routes: [{ prefix: '/cases', plugin: caseRoutes(services) }], ...services };
}
