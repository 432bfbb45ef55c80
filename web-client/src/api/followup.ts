// 评价 and 回访 (/api/followup): a party's ratings from its link, and the staff's 回访 tasks.

import type * as ratingSchemas from '../../../signaling/followup/ratings/schemas.ts';
import type * as taskSchemas from '../../../signaling/followup/tasks/schemas.ts';
import { enc, request, staff, type RequestOptions, type S } from './core.ts';

export type PartyRatings = S<typeof ratingSchemas.PartyRatingsView>;
export type RatingOccasionEntry = S<typeof ratingSchemas.RatingOccasionView>;
export type NewRating = S<typeof ratingSchemas.GiveRatingBody>;
export type StaffRating = S<typeof ratingSchemas.StaffRatingView>;
export type FollowUpTaskSummary = S<typeof taskSchemas.TaskSummaryView>;
export type FollowUpTaskList = S<typeof taskSchemas.TaskListView>;
export type FollowUpTaskDetail = S<typeof taskSchemas.TaskDetailView>;
export type NewFollowUpRecord = S<typeof taskSchemas.RecordBody>;
export type FollowUpClose = S<typeof taskSchemas.CloseBody>;
export type FollowUpFilterKey = NonNullable<S<typeof taskSchemas.TaskListQuery>['filter']>;

/** The party's side, authenticated by its link token only. */
export function partyRatingsApi(token: string) {
  const call = <T>(path: string, opts: RequestOptions = {}) =>
    request<T>(path, { ...opts, headers: { authorization: `Bearer ${token}`, ...opts.headers }, credentials: 'omit' });
  return {
    view: () => call<PartyRatings>('/api/followup/party/ratings'),
    give: (body: NewRating) => call<{ id: string; poor: boolean; followUpOpened: boolean }>('/api/followup/party/ratings', { method: 'POST', body }),
  };
}

export type PartyRatingsApi = ReturnType<typeof partyRatingsApi>;

export const followUpApi = {
  tasks: (filter: FollowUpFilterKey) => staff<FollowUpTaskList>(`/api/followup/tasks?filter=${enc(filter)}`),
  task: (id: string) => staff<FollowUpTaskDetail>(`/api/followup/tasks/${enc(id)}`),
  addRecord: (id: string, body: NewFollowUpRecord) => staff<{ id: string }>(`/api/followup/tasks/${enc(id)}/records`, { method: 'POST', body }),
  close: (id: string, body: FollowUpClose) => staff<FollowUpTaskDetail>(`/api/followup/tasks/${enc(id)}/close`, { method: 'POST', body }),
  caseRatings: (caseId: string) => staff<{ ratings: StaffRating[] }>(`/api/followup/cases/${enc(caseId)}/ratings`),
  recordPdfUrl: (id: string) => `/api/followup/tasks/${enc(id)}/record.pdf`,
};
