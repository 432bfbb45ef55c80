// Line breaking for Chinese text in a PDF: any two CJK characters may be split, runs of Latin
// letters and digits (amounts, account numbers, dates) stay together where they fit, and closing
// punctuation never starts a line (it hangs into the margin instead, as in Chinese typesetting).

/** Width of a string at the current font size. */
export type Measure = (text: string) => number;

const NO_LINE_START = new Set([...'，。、；：！？）】」』》〉”’…—%,.;:!?)]}']);

/** Splits text into units that should not be broken: ASCII words/numbers, or single characters. */
function units(text: string): string[] {
  return text.match(/[A-Za-z0-9][A-Za-z0-9.,:/@_+-]*|[\s\S]/gu) ?? [];
}

/** Breaks one paragraph (no newlines) into lines no wider than `width` (first line: `firstWidth`). */
export function breakLines(text: string, measure: Measure, width: number, firstWidth = width): string[] {
  const lines: string[] = [];
  let line = '';
  const limit = () => (lines.length === 0 ? firstWidth : width);
  const pushUnit = (u: string) => {
    if (line === '' || measure(line + u) <= limit() || NO_LINE_START.has(u)) {
      line += u;
      return;
    }
    if (measure(u) > limit()) {
      // A unit wider than the line (a very long number): split it by character.
      for (const ch of u) pushUnit(ch);
      return;
    }
    lines.push(line);
    line = u.trimStart();
  };
  for (const u of units(text)) pushUnit(u);
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}
