// The centre and its units (/api/centre, #15): staff read them; administrators add and change units.

import type * as schemas from '../../../signaling/units/schemas.ts';
import { enc, staff, type S } from './core.ts';

export type CentreOverview = S<typeof schemas.CentreView>;
export type Unit = S<typeof schemas.UnitView>;
export type NewUnit = S<typeof schemas.NewUnitBody>;

export const centreApi = {
  centre: () => staff<CentreOverview>('/api/centre'),
  addUnit: (body: NewUnit) => staff<{ unit: Unit }>('/api/centre/units', { method: 'POST', body }).then((r) => r.unit),
  setUnitActive: (id: string, active: boolean) =>
    staff<{ unit: Unit }>(`/api/centre/units/${enc(id)}`, { method: 'PATCH', body: { active } }).then((r) => r.unit),
};
