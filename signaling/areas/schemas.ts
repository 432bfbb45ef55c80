// Body of GET /api/areas (the web client's type is Static<> of it): the centre's 街道/乡镇 with their 社区.
import { Type, type Static } from '@sinclair/typebox';

const Place = { code: Type.String(), name: Type.String() };

export const AreasView = Type.Object({
  /** Where the list comes from; 示例 until the centre checks it against the 民政 published codes. */
  about: Type.String(),
  towns: Type.Array(Type.Object({ ...Place, communities: Type.Array(Type.Object(Place)) })),
});
export type AreasViewT = Static<typeof AreasView>;
