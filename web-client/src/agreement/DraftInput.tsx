// A single-line input that edits one value of the document (a fill-in field, a 履行 item, a clause
// title). Its text follows the document except while the user types in it — a remote change never
// overwrites what is being typed — and what was typed is handed over on blur.
import { useEffect, useRef, useState, type InputHTMLAttributes, type KeyboardEvent } from 'react';

type DraftInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'onFocus' | 'onBlur'> & {
  value: string | null;
  /** On blur, with the text as typed; the caller decides whether it is a change worth writing. */
  onCommit(draft: string): void;
};

export function DraftInput({ value, onCommit, ...inputProps }: DraftInputProps) {
  const [draft, setDraft] = useState(value ?? '');
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setDraft(value ?? '');
  }, [value]);
  return (
    <input
      {...inputProps}
      value={draft}
      onFocus={() => (focused.current = true)}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => {
        focused.current = false;
        onCommit(draft);
      }}
    />
  );
}

/** Enter commits by leaving the input (its onBlur writes); not while an IME is composing. */
export function blurOnEnter(e: KeyboardEvent<HTMLInputElement>) {
  if (e.key === 'Enter' && !e.nativeEvent.isComposing) e.currentTarget.blur();
}
