// Pure helpers for binding a <textarea> to a Y.Text: the minimal change between two strings
// (common prefix and suffix), and mapping a caret/index through a Yjs delta.

/** One contiguous change: at `index`, delete `remove` UTF-16 units and insert `insert`. */
export interface TextChange {
  index: number;
  remove: number;
  insert: string;
}

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The change that turns `prev` into `next`, trimming the common prefix and suffix; null if equal. */
export function minimalChange(prev: string, next: string, caretHint?: number): TextChange | null {
  if (prev === next) return null;
  let start = 0;
  let maxStart = Math.min(prev.length, next.length);
  // With a caret hint, the change ends at the caret: typing "啊" at the start of "啊啊" is an insert
  // at 0, not at 2.
  if (caretHint !== undefined) maxStart = Math.min(maxStart, Math.max(0, caretHint - Math.max(0, next.length - prev.length)));
  while (start < maxStart && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
  let endPrev = prev.length;
  let endNext = next.length;
  // With a caret hint (where the user's caret is after the edit), do not let the suffix eat into
  // text before the caret: typing "a" into "aa" at the end is an insert at 2, not at 0.
  const minEndNext = caretHint !== undefined ? Math.max(start, Math.min(caretHint, next.length)) : start;
  while (endPrev > start && endNext > minEndNext && prev.charCodeAt(endPrev - 1) === next.charCodeAt(endNext - 1)) {
    endPrev--;
    endNext--;
  }
  // Never split a surrogate pair.
  if (start > 0 && isLowSurrogate(prev.charCodeAt(start)) && isHighSurrogate(prev.charCodeAt(start - 1))) start--;
  if (endPrev < prev.length && isLowSurrogate(prev.charCodeAt(endPrev)) && endPrev > start) {
    endPrev++;
    endNext++;
  }
  if (start > endPrev) start = endPrev;
  return { index: start, remove: endPrev - start, insert: next.slice(start, endNext) };
}

export function applyChange(text: string, c: TextChange): string {
  return text.slice(0, c.index) + c.insert + text.slice(c.index + c.remove);
}

/** A Yjs text delta (Y.YTextEvent.delta). */
export type TextDelta = ReadonlyArray<{ retain?: number; insert?: unknown; delete?: number }>;

/**
 * Where index `pos` of the text before a change is after it. `assoc` > 0: an insertion exactly at
 * `pos` pushes it right; otherwise it stays left of the inserted text.
 */
export function mapIndex(pos: number, delta: TextDelta, assoc = 0): number {
  let old = 0;
  let shift = 0;
  for (const op of delta) {
    if (old > pos) break;
    if (op.retain !== undefined) old += op.retain;
    else if (op.delete !== undefined) {
      if (old < pos) shift -= Math.min(op.delete, pos - old);
      old += op.delete;
    } else if (op.insert !== undefined) {
      const len = typeof op.insert === 'string' ? op.insert.length : 1;
      if (old < pos || (old === pos && assoc > 0)) shift += len;
    }
  }
  return Math.max(0, pos + shift);
}

/** Maps through several deltas in order. */
export function mapIndexThrough(pos: number, deltas: readonly TextDelta[], assoc = 0): number {
  return deltas.reduce((p, d) => mapIndex(p, d, assoc), pos);
}

/**
 * A local change made against an old state of the text, rebased over the remote deltas that
 * arrived since (e.g. while an IME composition was open).
 */
export function rebaseChange(c: TextChange, deltas: readonly TextDelta[]): TextChange {
  if (deltas.length === 0) return c;
  const start = mapIndexThrough(c.index, deltas, 1);
  const end = c.remove > 0 ? Math.max(start, mapIndexThrough(c.index + c.remove, deltas, 0)) : start;
  return { index: start, remove: end - start, insert: c.insert };
}
