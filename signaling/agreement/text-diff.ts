// Character-level diff for CJK text (no word boundaries to lean on): common prefix and suffix are
// trimmed, the middle is an LCS. Output is deterministic: within a change, deletions come before
// insertions.

export type DiffOp = 'equal' | 'delete' | 'insert';
export interface DiffSegment {
  op: DiffOp;
  text: string;
}

/** Above this many cells the middle is reported as one replacement instead of an LCS. */
const MAX_CELLS = 4_000_000;

function push(out: DiffSegment[], op: DiffOp, text: string) {
  if (!text) return;
  const last = out[out.length - 1];
  if (last && last.op === op) last.text += text;
  else out.push({ op, text });
}

/** Diff of two strings by code point. */
export function diffChars(before: string, after: string): DiffSegment[] {
  const a = [...before];
  const b = [...after];
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const out: DiffSegment[] = [];
  push(out, 'equal', a.slice(0, pre).join(''));
  const ma = a.slice(pre, a.length - suf);
  const mb = b.slice(pre, b.length - suf);
  const n = ma.length;
  const m = mb.length;
  if (n === 0 || m === 0 || (n + 1) * (m + 1) > MAX_CELLS) {
    push(out, 'delete', ma.join(''));
    push(out, 'insert', mb.join(''));
  } else {
    // lcs[i][j] = LCS length of ma[i..] and mb[j..]
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = ma[i] === mb[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    let del = '';
    let ins = '';
    const flush = () => {
      push(out, 'delete', del);
      push(out, 'insert', ins);
      del = '';
      ins = '';
    };
    while (i < n || j < m) {
      if (i < n && j < m && ma[i] === mb[j]) {
        flush();
        push(out, 'equal', ma[i]!);
        i++;
        j++;
      } else if (j >= m || (i < n && lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
        del += ma[i++];
      } else {
        ins += mb[j++];
      }
    }
    flush();
  }
  push(out, 'equal', a.slice(a.length - suf).join(''));
  return out;
}

export interface DiffHunk {
  /** Text as it was / is, each with a little unchanged context around the change. */
  before: string;
  after: string;
}

/**
 * Groups a diff into readable hunks: changes closer than `merge` unchanged characters are joined,
 * each hunk gets up to `context` characters of context, cut with "…".
 */
export function diffHunks(segments: DiffSegment[], context = 6, merge = 4): DiffHunk[] {
  type Group = { start: number; end: number };
  const groups: Group[] = [];
  segments.forEach((s, i) => {
    if (s.op === 'equal') return;
    const last = groups[groups.length - 1];
    if (last) {
      const between = segments.slice(last.end + 1, i);
      if (between.every((b) => b.op !== 'equal' || [...b.text].length < merge)) {
        last.end = i;
        return;
      }
    }
    groups.push({ start: i, end: i });
  });
  return groups.map(({ start, end }) => {
    const prev = segments[start - 1];
    const next = segments[end + 1];
    const pc = prev ? [...prev.text] : [];
    const nc = next ? [...next.text] : [];
    const lead = (pc.length > context ? '…' : '') + pc.slice(-context).join('');
    const trail = nc.slice(0, context).join('') + (nc.length > context ? '…' : '');
    let before = lead;
    let after = lead;
    for (const s of segments.slice(start, end + 1)) {
      if (s.op !== 'insert') before += s.text;
      if (s.op !== 'delete') after += s.text;
    }
    return { before: before + trail, after: after + trail };
  });
}
