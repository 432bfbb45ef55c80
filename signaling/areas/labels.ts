// The words for a matter's 街道/社区 when the list cannot name it; pure, shared with the web client
// (the dashboard's definitions in followup/dashboard/figures.ts).

/** Shown for a matter registered without a 街道/社区. */
export const NO_AREA_LABEL = '未登记';
/** After a code no longer in the list (the centre corrected or retired it). */
export const RETIRED_AREA_NOTE = '（已不在区划表中）';
