// Every start: the 综治中心 exists and holds its configured units. Installs from before the centre
// had one mediation organisation: it becomes the centre's primary unit (its staff, cases, seal and
// numbering unchanged) and the other units are added beside it. Idempotent.
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/log.ts';
import { loadUnitList, unitListFile } from './unit-list.ts';

export interface EnsureCentreResult {
  centreId: string;
  createdCentre: boolean;
  createdUnits: string[];
}

export async function ensureCentre(ctx: AppContext): Promise<EnsureCentreResult> {
  const units = loadUnitList(unitListFile(ctx.config.dataDir, ctx.config.centre.unitsFile));
  return ctx.db.$transaction(async (tx) => {
    let centre = await tx.centre.findFirst({ orderBy: { createdAt: 'asc' } });
    const createdCentre = !centre;
    centre ??= await tx.centre.create({ data: { name: ctx.config.centre.name, shortName: ctx.config.centre.shortName } });
    // Organisations from before the centre (or created by hand without one) join it.
    await tx.organisation.updateMany({ where: { centreId: null }, data: { centreId: centre.id } });
    const createdUnits: string[] = [];
    for (const unit of units) {
      if (await tx.organisation.findFirst({ where: { centreId: centre.id, code: unit.code } })) continue;
      if ('primary' in unit) {
        // The mediation organisation of a single-organisation install (the oldest one without a code).
        const legacy = await tx.organisation.findFirst({ where: { centreId: centre.id, code: null }, orderBy: { createdAt: 'asc' } });
        if (legacy) {
          await tx.organisation.update({ where: { id: legacy.id }, data: { code: unit.code, kind: unit.kind } });
          continue;
        }
        await tx.organisation.create({
          data: { centreId: centre.id, code: unit.code, kind: unit.kind, name: ctx.config.org.name, shortName: ctx.config.org.shortName },
        });
      } else {
        await tx.organisation.create({ data: { centreId: centre.id, code: unit.code, kind: unit.kind, name: unit.name, shortName: unit.shortName } });
      }
      createdUnits.push(unit.code);
    }
    if (createdCentre || createdUnits.length > 0)
      await appendAudit(tx, { type: 'system' }, null, { type: 'CENTRE_UNITS_ENSURED', data: { centre: centre.name, createdCentre, createdUnits } });
    return { centreId: centre.id, createdCentre, createdUnits };
  });
}

/** The centre's primary unit: where the first administrator belongs and the demo's first committee. */
export async function primaryUnitId(ctx: AppContext): Promise<string> {
  const units = loadUnitList(unitListFile(ctx.config.dataDir, ctx.config.centre.unitsFile));
  const primary = units.find((u) => 'primary' in u);
  const org = primary ? await ctx.db.organisation.findFirst({ where: { code: primary.code } }) : null;
  return (org ?? (await ctx.db.organisation.findFirstOrThrow({ orderBy: { createdAt: 'asc' } }))).id;
}
