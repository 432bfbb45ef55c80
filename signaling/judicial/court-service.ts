// The courts judicial confirmation can go to: the local one comes from configuration on first
// start (bootstrap.ts), others are added by an administrator. Judges are created against one.
import { staffActor } from '../audit/actors.ts';
import { appendAudit } from '../audit/log.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';

export class CourtService {
  constructor(private readonly ctx: AppContext) {}

  async list() {
    return this.ctx.db.court.findMany({ orderBy: { createdAt: 'asc' } });
  }

  async add(admin: StaffPrincipal, input: { name: string; code: string; region: string }) {
    const name = input.name.trim();
    if (await this.ctx.db.court.findUnique({ where: { name } })) throw new DomainError('COURT_EXISTS', `${input.name} 已存在`);
    return this.ctx.db.$transaction(async (tx) => {
      const c = await tx.court.create({ data: { name, code: input.code, region: input.region.trim() } });
      await appendAudit(tx, staffActor(admin), null, { type: 'COURT_ADDED', data: { courtId: c.id, name: c.name, code: c.code } });
      return c;
    });
  }
}
