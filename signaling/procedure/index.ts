// The procedure area (/api/procedure): what a 调委会 and a court expect around the mediation —
// 权利义务告知书 acknowledged before the room (notice.ts; the room's gate is in
// rooms/room-admission.ts), 回避 (recusal-service.ts), ending the mediation and the 调解终结告知书
// (termination-service.ts), the 调解笔录 (minutes-service.ts). Texts are templates in
// agreement-templates/ (rights-notice, termination-notice, mediation-minutes).
import type { AppContext } from '../context.ts';
import type { ApiArea } from '../http/api-area.ts';
import { isCaseStatus } from '../domain/case-status.ts';
import type { TemplateCatalog } from '../agreement/template-schema.ts';
import type { SigningIdentity } from '../signing/org-identity.ts';
import type { SigningCodes } from '../signing/signing-codes.ts';
import { MinutesService } from './minutes-service.ts';
import { acknowledgedAt, acknowledgeNotice, NOTICE_ROLES, renderNotice } from './notice.ts';
import { RecusalService } from './recusal-service.ts';
import { procedureRoutes } from './routes.ts';
import type { ProcedureViewT } from './schemas.ts';
import { ENDABLE, TerminationService } from './termination-service.ts';

type Party = { id: string; caseId: string; name: string; role: string };

export class ProcedureServices {
  readonly recusal: RecusalService;
  readonly termination: TerminationService;
  readonly minutes: MinutesService;

  constructor(
    private readonly ctx: AppContext,
    private readonly templates: TemplateCatalog,
    identity: SigningIdentity,
    codes: SigningCodes,
  ) {
    this.recusal = new RecusalService(ctx);
    this.termination = new TerminationService(ctx, templates, identity);
    this.minutes = new MinutesService(ctx, templates, identity, codes);
  }

  acknowledge(p: Party, sha256: string): Promise<Date> {
    return acknowledgeNotice(this.ctx, p, sha256, this.templates);
  }

  /** The procedure as `party` (null: staff) sees it. */
  async view(caseId: string, party: Party | null): Promise<ProcedureViewT> {
    const c = await this.ctx.db.case.findUniqueOrThrow({ where: { id: caseId }, select: { status: true } });
    const status = isCaseStatus(c.status) ? c.status : 'ACCEPTED';
    const notice = await renderNotice(this.ctx, caseId, this.templates);
    const mine = party ? await acknowledgedAt(this.ctx, party, notice.sha256) : null;
    const acknowledgements = party
      ? []
      : await Promise.all(
          (await this.ctx.db.participant.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' }, select: { id: true, name: true, role: true } }))
            .filter((p) => NOTICE_ROLES.has(p.role))
            .map(async (p) => ({
              participantId: p.id,
              name: p.name,
              acknowledgedAt: (await acknowledgedAt(this.ctx, p, notice.sha256))?.toISOString() ?? null,
            })),
        );
    return {
      caseStatus: status,
      notice,
      acknowledgedAt: mine?.toISOString() ?? null,
      mustAcknowledge: party !== null && NOTICE_ROLES.has(party.role) && mine === null,
      acknowledgements,
      recusal: await this.recusal.view(caseId, party),
      termination: await this.termination.view(caseId),
      endable: ENDABLE.has(status),
    };
  }
}

export function procedureArea(
  ctx: AppContext,
  templates: TemplateCatalog,
  identity: SigningIdentity,
  codes: SigningCodes,
): ApiArea & { procedure: ProcedureServices } {
  const procedure = new ProcedureServices(ctx, templates, identity, codes);
  return { name: 'procedure', routes: [{ prefix: '/procedure', plugin: procedureRoutes(procedure) }], procedure };
}
