// The text of a block that uses fill-in fields, edited without template syntax: the text is plain
// editable text and each field reference is a chip showing the field's value (or its label while
// empty) that cannot be typed into — its value is entered once, in the labelled input for that
// field, and every block using the field shows it. Clicking a chip focuses that input.
//
// The binding to the Y.Text is YTextArea's, on the raw text (a chip counts as its {{key}}):
// local input → the minimal change against the last synced text; nothing during an IME
// composition, the committed change rebased over remote deltas that arrived meanwhile; remote
// changes re-render the element with the caret mapped through the delta.
import { useEffect, useRef } from 'react';
import * as Y from 'yjs';
import type { FieldValue } from '../../../signaling/agreement/fields.ts';
import { domPosition, rawOffset, refreshChips, renderPieces, serialize } from './field-text.ts';
import { mapIndexThrough, minimalChange, rebaseChange, type TextDelta } from './text-binding.ts';

interface Props {
  ytext: Y.Text;
  origin: unknown;
  fields: Readonly<Record<string, FieldValue>>;
  readOnly: boolean;
  label: string;
  testId: string;
  placeholder?: string | undefined;
  /** Caret moved (raw offset) / focus left (null). */
  onCaret?(index: number | null): void;
  onChipClick?(key: string): void;
}

export function FieldTextEditor({ ytext, origin, fields, readOnly, label, testId, placeholder, onCaret, onChipClick }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const latest = useRef({ fields, onCaret, onChipClick });
  latest.current = { fields, onCaret, onChipClick };

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const doc = ytext.doc;
    let shadow = ytext.toString();
    let composing = false;
    let pending: TextDelta[] = [];
    let applying = false;
    const render = (text: string) => renderPieces(el, text, latest.current.fields);
    render(shadow);

    const caret = (): number | null => {
      const sel = document.getSelection();
      if (!sel || sel.rangeCount === 0 || !sel.focusNode || !el.contains(sel.focusNode)) return null;
      return rawOffset(el, sel.focusNode, sel.focusOffset);
    };
    const setCaret = (pos: number) => {
      const { node, offset } = domPosition(el, pos);
      document.getSelection()?.collapse(node, offset);
    };

    const syncLocal = () => {
      if (composing || readOnly) return;
      const value = serialize(el);
      const at = caret();
      const change = minimalChange(shadow, value, at ?? undefined);
      if (!change && pending.length === 0) return;
      const rebased = change ? rebaseChange(change, pending) : null;
      const hadRemote = pending.length > 0;
      pending = [];
      if (rebased) {
        const apply = () => {
          if (rebased.remove > 0) ytext.delete(rebased.index, rebased.remove);
          if (rebased.insert) ytext.insert(rebased.index, rebased.insert);
        };
        applying = true;
        try {
          if (doc) doc.transact(apply, origin);
          else apply();
        } finally {
          applying = false;
        }
      }
      const now = ytext.toString();
      if (hadRemote || now !== value) {
        const pos = rebased ? rebased.index + rebased.insert.length : at;
        render(now);
        if (pos !== null && document.activeElement === el) setCaret(pos);
      }
      shadow = now;
    };

    const onInput = (e: Event) => {
      if (composing || (e as InputEvent).isComposing) return;
      syncLocal();
    };
    const onCompositionStart = () => {
      composing = true;
    };
    const onCompositionEnd = () => {
      composing = false;
      syncLocal();
    };
    const onObserve = (event: Y.YTextEvent) => {
      if (applying) return;
      const delta = event.delta as TextDelta;
      if (composing) {
        pending.push(delta);
        return;
      }
      if (serialize(el) !== shadow) {
        pending.push(delta);
        syncLocal();
        return;
      }
      const focused = document.activeElement === el;
      const pos = focused ? caret() : null;
      shadow = ytext.toString();
      render(shadow);
      if (pos !== null) setCaret(mapIndexThrough(pos, [delta], 0));
    };

    const undo = readOnly ? null : new Y.UndoManager(ytext, { trackedOrigins: new Set([origin]), captureTimeout: 500 });
    const history = (redo: boolean) => {
      if (!undo || composing) return;
      if (redo) undo.redo();
      else undo.undo();
    };
    const onBeforeInput = (e: InputEvent) => {
      if (e.inputType === 'historyUndo' || e.inputType === 'historyRedo') {
        e.preventDefault();
        history(e.inputType === 'historyRedo');
      }
    };
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.isComposing) return;
      if (e.key === 'Enter' && !readOnly) {
        // A line break as text (not the <div> browsers insert), so the raw text reads "\n".
        e.preventDefault();
        const sel = document.getSelection();
        if (!sel || sel.rangeCount === 0) return;
        const range = sel.getRangeAt(0);
        range.deleteContents();
        const br = document.createTextNode('\n');
        range.insertNode(br);
        sel.collapse(br, 1);
        syncLocal();
        return;
      }
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const k = e.key.toLowerCase();
      if (k === 'z' || k === 'y') {
        e.preventDefault();
        history(k === 'y' || e.shiftKey);
      }
    };
    const onSelect = () => latest.current.onCaret?.(caret());
    const onFocus = () => {
      undo?.stopCapturing();
      onSelect();
    };
    const onBlur = () => {
      if (composing) {
        composing = false;
        syncLocal();
      }
      latest.current.onCaret?.(null);
    };
    const onClick = (e: MouseEvent) => {
      const chip = e.target instanceof HTMLElement ? e.target.closest<HTMLElement>('[data-raw]') : null;
      if (chip?.dataset.field) latest.current.onChipClick?.(chip.dataset.field);
      else onSelect();
    };

    el.addEventListener('input', onInput);
    el.addEventListener('beforeinput', onBeforeInput);
    el.addEventListener('keydown', onKeyDown);
    el.addEventListener('compositionstart', onCompositionStart);
    el.addEventListener('compositionend', onCompositionEnd);
    el.addEventListener('focus', onFocus);
    el.addEventListener('keyup', onSelect);
    el.addEventListener('click', onClick);
    el.addEventListener('blur', onBlur);
    ytext.observe(onObserve);
    return () => {
      ytext.unobserve(onObserve);
      undo?.destroy();
      el.removeEventListener('input', onInput);
      el.removeEventListener('beforeinput', onBeforeInput);
      el.removeEventListener('keydown', onKeyDown);
      el.removeEventListener('compositionstart', onCompositionStart);
      el.removeEventListener('compositionend', onCompositionEnd);
      el.removeEventListener('focus', onFocus);
      el.removeEventListener('keyup', onSelect);
      el.removeEventListener('click', onClick);
      el.removeEventListener('blur', onBlur);
    };
  }, [ytext, origin, readOnly]);

  // A field's value or label changed: the chips follow, the text and caret stay.
  useEffect(() => {
    if (ref.current) refreshChips(ref.current, fields);
  }, [fields]);

  return (
    <div
      ref={ref}
      className="input agreement__text field-text"
      contentEditable={readOnly ? false : 'plaintext-only'}
      suppressContentEditableWarning
      role="textbox"
      aria-multiline="true"
      aria-readonly={readOnly}
      aria-label={label}
      data-testid={testId}
      data-placeholder={placeholder}
      spellCheck={false}
    />
  );
}
