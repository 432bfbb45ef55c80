import { useEffect, useState, type RefObject } from 'react';

interface Props {
  text: string;
  /** Element whose text gets selected when the clipboard API is unavailable. */
  selectTarget: RefObject<HTMLElement | null>;
  testId?: string;
  label?: string;
}

function selectContents(el: HTMLElement): void {
  const sel = window.getSelection();
  if (!sel) return;
  const range = document.createRange();
  range.selectNodeContents(el);
  sel.removeAllRanges();
  sel.addRange(range);
}

/** Copy via navigator.clipboard; falls back to selecting the text + execCommand. */
export async function copyText(text: string, fallbackEl: HTMLElement | null): Promise<'copied' | 'selected'> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return 'copied';
    }
  } catch {
    // permission denied / not focused: fall through
  }
  if (fallbackEl) {
    selectContents(fallbackEl);
    try {
      if (document.execCommand('copy')) return 'copied';
    } catch {
      // ignore
    }
  }
  return 'selected';
}

export function CopyButton({ text, selectTarget, testId = 'invite-copy', label = '复制链接' }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'selected'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const t = window.setTimeout(() => setState('idle'), 4000);
    return () => window.clearTimeout(t);
  }, [state]);

  return (
    <span className="copy">
      <button type="button" className="btn btn--primary" data-testid={testId} onClick={async () => setState(await copyText(text, selectTarget.current))}>
        {state === 'copied' ? '已复制 ✓' : label}
      </button>
      <span className="copy__status" role="status" aria-live="polite">
        {state === 'copied' && '已复制到剪贴板'}
        {state === 'selected' && '无法自动复制，链接已选中，请长按或按 Ctrl+C 复制'}
      </span>
    </span>
  );
}
