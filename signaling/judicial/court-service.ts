// The courts judicial confirmation can go to: the local one comes from configuration on first
// start (bootstrap.ts), others are added by an administrator. Judges are created against one.
import { staffActor } from '../audit/actors.ts';
import { appendAudit } from '../audit/log.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';
import type { CourtIdentities } from './court-identity.ts';
import type { CourtDirectory } from './jurisdiction.ts';

export class CourtService {
  constructor(
    private readonly ctx: AppContext,
    private readonly identities: CourtIdentities,
    /** A court listed in court-rules/courts.json (by its code) takes its area and level from there. */
    private readonly directory: CourtDirectory,
  ) {}

  async list() {
    return this.ctx.db.court.findMany({ orderBy: { createdAt: 'asc' } });
  }

  async add(admin: StaffPrincipal, input: { name: string; code: string; region: string }) {
    const name = input.name.trim();
    if (await this.ctx.db.court.findUnique({ where: { name } })) throw new DomainError('COURT_EXISTS', `${input.name} 已存在`);
    // Production: a court is added only once its own keys are in COURT_KEYS_DIR (never generated for it).
    const keyProblem = this.identities.problem({ id: '', name, code: input.code });
    if (keyProblem) throw new DomainError('COURT_KEY_MISSING', keyProblem);
    return this.ctx.db.$transaction(async (tx) => {
      const listed = this.directory.find((d) => d.code === input.code);
      const c = await tx.court.create({
        data: { name, code: input.code, region: input.region.trim(), ...(listed ? { areaCode: listed.areaCodes[0]!, level: listed.level } : {}) },
      });
      await appendAudit(tx, staffActor(admin), null, { type: 'COURT_ADDED', data: { courtId: c.id, name: c.name, code: c.code } });
      return c;
    });
  }
}
