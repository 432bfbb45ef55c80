// The mediation committee's own record: its details and the seal image printed on agreements.
import { createHash } from 'node:crypto';
import { staffActor } from '../audit/actors.ts';
import { appendAudit } from '../audit/log.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { DomainError } from '../errors.ts';
import { checkSealPng } from '../signing/png-image.ts';
import { unitInCentreOf } from '../units/unit-scope.ts';

export class OrgService {
  constructor(private readonly ctx: AppContext) {}

  async of(user: StaffPrincipal) {
    return this.ctx.db.organisation.findUniqueOrThrow({ where: { id: user.orgId } });
  }

  /** The phone a party is told to call when its link does not work (audited): the administrator's unit's, or another unit's of its centre. */
  async setPhone(admin: StaffPrincipal, phone: string, unitId: string = admin.orgId) {
    return this.ctx.db.$transaction(async (tx) => {
      const unit = await unitInCentreOf(tx, admin, unitId);
      const updated = await tx.organisation.update({ where: { id: unit.id }, data: { phone } });
      await appendAudit(tx, staffActor(admin), null, { type: 'ORG_PHONE_UPDATED', data: unit.id === admin.orgId ? {} : { unit: unit.name } });
      return updated;
    });
  }

  async sealPng(user: StaffPrincipal): Promise<Buffer> {
    const org = await this.of(user);
    if (!org.sealPng) throw new DomainError('SEAL_NOT_FOUND', '尚未上传印章图片');
    return Buffer.from(org.sealPng);
  }

  async replaceSeal(admin: StaffPrincipal, pngBase64: string, unitId: string = admin.orgId) {
    const bytes = Buffer.from(pngBase64, 'base64');
    // Decoded and embedded once here, so a seal that reaches an agreement can always be printed.
    await checkSealPng(bytes);
    return this.ctx.db.$transaction(async (tx) => {
      const unit = await unitInCentreOf(tx, admin, unitId);
      const updated = await tx.organisation.update({ where: { id: unit.id }, data: { sealPng: bytes } });
      await appendAudit(tx, staffActor(admin), null, {
        type: 'ORG_SEAL_UPDATED',
        data: { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), ...(unit.id === admin.orgId ? {} : { unit: unit.name }) },
      });
      return updated;
    });
  }
}
