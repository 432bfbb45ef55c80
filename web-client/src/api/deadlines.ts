// 限时办结 (/api/deadlines): my matters with their deadlines, the 督办 addressed to me, extending a deadline.

import type * as schemas from '../../../signaling/deadlines/schemas.ts';
import { enc, staff, type S } from './core.ts';

export type MatterDeadline = S<typeof schemas.MatterDeadlineView>;
export type MyDeadlines = S<typeof schemas.MyDeadlinesView>;
export type Escalations = S<typeof schemas.EscalationsView>;
export type Escalation = S<typeof schemas.EscalationView>;

export const deadlinesApi = {
  myDeadlines: () => staff<MyDeadlines>('/api/deadlines/mine'),
  escalations: () => staff<Escalations>('/api/deadlines/escalations'),
  extendDeadline: (matterId: string, dueAt: string, reason: string) =>
    staff<S<typeof schemas.ExtensionView>>(`/api/deadlines/matters/${enc(matterId)}/extension`, { method: 'POST', body: { dueAt, reason } }),
};
