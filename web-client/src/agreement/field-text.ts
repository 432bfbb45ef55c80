// The DOM side of FieldTextEditor, without React: a block's text is shown as plain text with each
// {{key}} reference replaced by a chip (the field's label or value), and read back from the DOM
// into the raw text. Offsets are always offsets in the raw text (a chip counts as its whole
// {{key}}), so the Yjs binding can work on the raw text as YTextArea does.
import type { FieldValue } from '../../../signaling/agreement/fields.ts';
import { formatFieldValue } from '../../../signaling/agreement/fields.ts';

export type Piece = { kind: 'text'; text: string } | { kind: 'field'; key: string; raw: string };

const REF_RE = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;

/** The raw text as text runs and field references, in order. */
export function piecesOf(text: string): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(REF_RE)) {
    if (m.index > last) out.push({ kind: 'text', text: text.slice(last, m.index) });
    out.push({ kind: 'field', key: m[1]!, raw: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

const isChip = (n: Node): n is HTMLElement => n instanceof HTMLElement && n.dataset.raw !== undefined;

/** What a chip shows: the value as it will read, or the label while it is empty. */
export function chipText(key: string, f: FieldValue | undefined): { text: string; filled: boolean } {
  if (!f) return { text: `未知填写项“${key}”`, filled: false };
  if (f.value === null || f.value.trim() === '') return { text: f.label, filled: false };
  return { text: formatFieldValue(f.type, f.value), filled: true };
}

export function fillChip(chip: HTMLElement, key: string, f: FieldValue | undefined): void {
  const { text, filled } = chipText(key, f);
  chip.textContent = text;
  chip.className = `field-chip${filled ? '' : ' field-chip--empty'}`;
  chip.title = f ? `填写项：${f.label}` : '';
  chip.setAttribute('aria-label', f ? `${f.label}：${filled ? text : '待填写'}` : text);
}

/** Replaces the element's content with the text and chips. */
export function renderPieces(root: HTMLElement, text: string, fields: Readonly<Record<string, FieldValue>>): void {
  root.replaceChildren(
    ...piecesOf(text).map((p) => {
      if (p.kind === 'text') return document.createTextNode(p.text);
      const chip = document.createElement('span');
      chip.contentEditable = 'false';
      chip.dataset.raw = p.raw;
      chip.dataset.field = p.key;
      chip.dataset.testid = 'field-chip';
      fillChip(chip, p.key, fields[p.key]);
      return chip;
    }),
  );
}

/** Updates the chips' labels and values in place (the caret and any composition are left alone). */
export function refreshChips(root: HTMLElement, fields: Readonly<Record<string, FieldValue>>): void {
  for (const chip of root.querySelectorAll<HTMLElement>('[data-raw]')) fillChip(chip, chip.dataset.field ?? '', fields[chip.dataset.field ?? '']);
}

/** The raw text the element shows (chips back to their {{key}}; line breaks the browser added as \n). */
export function serialize(root: Node): string {
  let out = '';
  const walk = (n: Node, first: boolean) => {
    if (n.nodeType === Node.TEXT_NODE) out += n.nodeValue ?? '';
    else if (isChip(n)) out += n.dataset.raw;
    else if (n.nodeName === 'BR') out += '\n';
    else {
      const block = n !== root && (n.nodeName === 'DIV' || n.nodeName === 'P');
      if (block && !first) out += '\n';
      n.childNodes.forEach((c, i) => walk(c, i === 0));
    }
  };
  walk(root, true);
  return out;
}

/** The raw offset of a DOM position (node, offset) inside root. */
export function rawOffset(root: Node, node: Node, offset: number): number {
  let count = 0;
  let found: number | null = null;
  const walk = (n: Node): boolean => {
    if (n === node && n.nodeType === Node.TEXT_NODE) {
      found = count + offset;
      return true;
    }
    if (n === node) {
      let at = count;
      for (let i = 0; i < offset && i < n.childNodes.length; i++) at += serialize(n.childNodes[i]!).length;
      found = at;
      return true;
    }
    if (n.nodeType === Node.TEXT_NODE) count += n.nodeValue?.length ?? 0;
    else if (isChip(n)) count += n.dataset.raw!.length;
    else if (n.nodeName === 'BR') count += 1;
    else for (const c of n.childNodes) if (walk(c)) return true;
    return false;
  };
  walk(root);
  return found ?? count;
}

/** The DOM position for a raw offset (inside a chip's reference → just after the chip). */
export function domPosition(root: HTMLElement, offset: number): { node: Node; offset: number } {
  let count = 0;
  const children = [...root.childNodes];
  for (let i = 0; i < children.length; i++) {
    const n = children[i]!;
    const len = n.nodeType === Node.TEXT_NODE ? (n.nodeValue?.length ?? 0) : isChip(n) ? n.dataset.raw!.length : serialize(n).length;
    if (n.nodeType === Node.TEXT_NODE && offset <= count + len) return { node: n, offset: offset - count };
    if (offset < count + len || (offset === count + len && !isChip(n) && n.nodeType !== Node.TEXT_NODE)) return { node: root, offset: i + 1 };
    count += len;
  }
  return { node: root, offset: children.length };
}
