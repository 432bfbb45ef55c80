// The centre's member units (#15 item 1): every staff member sees the centre and its units by
// kind; an administrator adds a unit (its kind, name and the short name its case numbers carry),
// renames it, sets its phone or seal, or takes it out of service. Each change is audited in its
// transaction. A unit's phone and seal reuse the organisation's own code (org/org-service.ts).
import { staffActor } from '../audit/actors.ts';
import { appendAudit } from '../audit/log.ts';
import type { AppContext, StaffPrincipal } from '../context.ts';
import { isUnitKind, UNIT_KINDS, type UnitKind } from '../domain/unit-kinds.ts';
import { DomainError } from '../errors.ts';
import type { OrgService } from '../org/org-service.ts';
import { unitInCentreOf } from './unit-scope.ts';

type UnitRow = {
  id: string;
  code: string | null;
  kind: string;
  name: string;
  shortName: string;
  phone: string | null;
  sealPng: Uint8Array | null;
  active: boolean;
  _count: { users: number };
};

export function unitView(u: UnitRow) {
  const kind: UnitKind = isUnitKind(u.kind) ? u.kind : 'OTHER';
  return {
    id: u.id,
    code: u.code,
    kind,
    kindLabel: UNIT_KINDS.find((k) => k.key === kind)!.label,
    name: u.name,
    shortName: u.shortName,
    phone: u.phone,
    hasSeal: u.sealPng !== null,
    active: u.active,
    staffCount: u._count.users,
  };
}

const withStaffCount = { _count: { select: { users: true } } } as const;

export class UnitService {
  constructor(
    private readonly ctx: AppContext,
    private readonly org: OrgService,
  ) {}

  /** The viewer's centre and all its units, grouped by kind. */
  async centreOf(user: StaffPrincipal) {
    const own = await this.ctx.db.organisation.findUniqueOrThrow({ where: { id: user.orgId }, include: { centre: true } });
    if (!own.centre) throw new DomainError('UNIT_NOT_FOUND', '尚未建立综治中心');
    const units = await this.ctx.db.organisation.findMany({ where: { centreId: own.centre.id }, orderBy: { createdAt: 'asc' }, include: withStaffCount });
    const views = units.map(unitView);
    return {
      centre: { id: own.centre.id, name: own.centre.name, shortName: own.centre.shortName },
      ownUnitId: own.id,
      kinds: UNIT_KINDS.map((k) => ({ kind: k.key, label: k.label, units: views.filter((u) => u.kind === k.key) })).filter((k) => k.units.length > 0),
    };
  }

  async add(admin: StaffPrincipal, input: { kind: UnitKind; name: string; shortName: string; phone?: string | undefined }) {
    return this.ctx.db.$transaction(async (tx) => {
      const own = await tx.organisation.findUniqueOrThrow({ where: { id: admin.orgId }, select: { centreId: true } });
      if (!own.centreId) throw new DomainError('UNIT_NOT_FOUND', '尚未建立综治中心');
      // Case numbers are unique across the centre, so no two of its units may number under one short name.
      if (await tx.organisation.findFirst({ where: { centreId: own.centreId, shortName: input.shortName } })) throw new DomainError('UNIT_SHORT_NAME_TAKEN');
      const unit = await tx.organisation.create({
        data: { centreId: own.centreId, kind: input.kind, name: input.name, shortName: input.shortName, phone: input.phone ?? null },
        include: withStaffCount,
      });
      await appendAudit(tx, staffActor(admin), null, {
        type: 'UNIT_ADDED',
        data: { unitId: unit.id, name: unit.name, kind: unit.kind, shortName: unit.shortName },
      });
      return unitView(unit);
    });
  }

  async update(admin: StaffPrincipal, unitId: string, changes: { name?: string | undefined; phone?: string | undefined; active?: boolean | undefined }) {
    if (changes.active === false && unitId === admin.orgId) throw new DomainError('CANNOT_DEACTIVATE_SELF', '不能停用自己所在的单位');
    await unitInCentreOf(this.ctx.db, admin, unitId);
    // The phone through the organisation's own code (its audit entry); setting it again is harmless.
    if (changes.phone !== undefined) await this.org.setPhone(admin, changes.phone, unitId);
    const data: { name?: string; active?: boolean } = {};
    const labels: string[] = [];
    if (changes.name !== undefined) {
      data.name = changes.name;
      labels.push('名称');
    }
    if (changes.active !== undefined) {
      data.active = changes.active;
      labels.push(changes.active ? '启用' : '停用');
    }
    return this.ctx.db.$transaction(async (tx) => {
      const unit = await unitInCentreOf(tx, admin, unitId);
      if (labels.length > 0) {
        const updated = await tx.organisation.update({ where: { id: unit.id }, data });
        await appendAudit(tx, staffActor(admin), null, { type: 'UNIT_UPDATED', data: { unitId: unit.id, name: updated.name, changes: labels } });
      }
      return unitView(await tx.organisation.findUniqueOrThrow({ where: { id: unit.id }, include: withStaffCount }));
    });
  }

  async replaceSeal(admin: StaffPrincipal, unitId: string, pngBase64: string) {
    const unit = await this.org.replaceSeal(admin, pngBase64, unitId);
    return unitView(await this.ctx.db.organisation.findUniqueOrThrow({ where: { id: unit.id }, include: withStaffCount }));
  }
}
