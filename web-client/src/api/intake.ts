// The intake desk (/api/intake): 来访/来电登记, 随手记, the duplicate check and early warnings.
import type * as schemas from '../../../signaling/intake-desk/schemas.ts';
import { staff, type S } from './core.ts';

export type DeskRegistration = S<typeof schemas.DeskRegistrationBody>;
export type GridReport = S<typeof schemas.GridReportBody>;
export type Registered = S<typeof schemas.RegisteredView>;

export const intakeApi = {
  registerAtDesk: (body: DeskRegistration) => staff<Registered>('/api/intake/registrations', { method: 'POST', body }),
  reportFromGrid: (body: GridReport) => staff<Registered>('/api/intake/grid-reports', { method: 'POST', body }),
};
