// The centre's 街道/乡镇 and 社区 (/api/areas), offered on the intake forms. The shape is the route
// schema in signaling/areas/schemas.ts.
import type * as schemas from '../../../signaling/areas/schemas.ts';
import { staff, type S } from './core.ts';

export type Areas = S<typeof schemas.AreasView>;
export type Town = Areas['towns'][number];

export const areasApi = {
  list: () => staff<Areas>('/api/areas'),
};
