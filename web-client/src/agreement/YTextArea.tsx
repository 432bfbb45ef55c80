// A plain <textarea> bound to a Y.Text, safe for Chinese IME input.
//
//  - The textarea is uncontrolled: React never writes its value, so re-renders cannot disturb an
//    open composition.
//  - Local input: the minimal change (common prefix/suffix) between the last synced value and the
//    textarea is applied to the Y.Text. While composing (compositionstart … compositionend) nothing
//    is applied; the committed text goes in on compositionend (or the input event after it).
//  - Remote changes: applied to the textarea at once with the caret mapped through the delta — or,
//    during a composition, queued (the textarea is left alone) and the local change is rebased over
//    them when the composition ends.
import { useEffect, useRef, type TextareaHTMLAttributes } from 'react';
import * as Y from 'yjs';
import { mapIndexThrough, minimalChange, rebaseChange, type TextDelta } from './text-binding.ts';

interface Props extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'defaultValue' | 'onChange'> {
  ytext: Y.Text;
  origin: unknown;
  readOnly?: boolean;
  /** Caret moved / focus changed (for awareness). */
  onCaret?(index: number | null): void;
  /** After a local change was applied. */
  onLocalChange?(): void;
}

export function YTextArea({ ytext, origin, readOnly, onCaret, onLocalChange, ...rest }: Props) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const cbs = useRef({ onCaret, onLocalChange });
  cbs.current = { onCaret, onLocalChange };

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const doc = ytext.doc;
    /** What the textarea held the last time it and the Y.Text agreed. */
    let shadow = ytext.toString();
    let composing = false;
    /** Remote deltas that arrived during a composition, relative to `shadow`. */
    let pending: TextDelta[] = [];
    /** Set while this binding writes into the Y.Text (its observer must skip that change). */
    let applying = false;
    el.value = shadow;

    const autosize = () => {
      el.style.height = 'auto';
      el.style.height = `${el.scrollHeight + 2}px`;
    };
    autosize();

    const syncLocal = () => {
      if (composing || readOnly) return;
      const value = el.value;
      const change = minimalChange(shadow, value, el.selectionEnd);
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
        // Remote text arrived while composing: show the merged text, caret after my insertion.
        const caret = rebased ? rebased.index + rebased.insert.length : el.selectionEnd;
        el.value = now;
        el.setSelectionRange(caret, caret);
      }
      shadow = now;
      autosize();
      cbs.current.onLocalChange?.();
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
      if (applying) return; // my own change: the textarea already shows it
      const delta = event.delta as TextDelta;
      if (composing) {
        pending.push(delta);
        return;
      }
      // Keep any local text not yet applied (should not happen outside a composition).
      const focused = document.activeElement === el;
      const start = el.selectionStart;
      const end = el.selectionEnd;
      const dir = el.selectionDirection;
      const next = ytext.toString();
      if (el.value !== shadow) {
        // Unapplied local edit (e.g. an input event still to come): rebase it over this change.
        pending.push(delta);
        syncLocal();
        return;
      }
      el.value = next;
      shadow = next;
      if (focused) {
        const s = mapIndexThrough(start, [delta], 0);
        const e = mapIndexThrough(end, [delta], 0);
        el.setSelectionRange(s, Math.max(s, e), dir ?? 'none');
      }
      autosize();
    };

    // Undo/redo of my own edits only (the textarea's native history is lost whenever remote text is
    // written into it, and would undo other people's changes).
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
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.isComposing) return;
      const k = e.key.toLowerCase();
      if (k === 'z' || k === 'y') {
        e.preventDefault();
        history(k === 'y' || e.shiftKey);
      }
    };

    const onSelect = () => cbs.current.onCaret?.(el.selectionStart);
    const onFocus = () => {
      // Typing after coming back to a field is a new undo step, however quickly it follows.
      undo?.stopCapturing();
      onSelect();
    };
    const onBlur = () => {
      // A composition that never reported its end (some mobile keyboards): take what is there.
      if (composing) {
        composing = false;
        syncLocal();
      }
      cbs.current.onCaret?.(null);
    };

    el.addEventListener('input', onInput);
    el.addEventListener('beforeinput', onBeforeInput);
    el.addEventListener('keydown', onKeyDown);
    el.addEventListener('compositionstart', onCompositionStart);
    el.addEventListener('compositionend', onCompositionEnd);
    el.addEventListener('focus', onFocus);
    el.addEventListener('keyup', onSelect);
    el.addEventListener('click', onSelect);
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
      el.removeEventListener('click', onSelect);
      el.removeEventListener('blur', onBlur);
    };
  }, [ytext, origin, readOnly]);

  return <textarea ref={ref} readOnly={readOnly} rows={2} spellCheck={false} {...rest} />;
}
