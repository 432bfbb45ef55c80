// Suggested changes to a clause: the list with each change shown inline (editors accept or reject it
// there) and the form in which a party proposes a new wording.
import { useId, useMemo, useState, type FormEvent } from 'react';
import type { SuggestionSnapshot } from '../../../signaling/agreement/document.ts';
import { renderText, type FieldValue } from '../../../signaling/agreement/fields.ts';
import { diffChars } from '../../../signaling/agreement/text-diff.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { errText } from './messages.ts';

export function Suggestions({
  suggestions,
  fields,
  canDecide,
  onDecide,
}: {
  suggestions: SuggestionSnapshot[];
  /** The clause's fields: references in the texts read as their values (or labels), never as {{…}}. */
  fields: Readonly<Record<string, FieldValue>>;
  canDecide: boolean;
  onDecide(s: SuggestionSnapshot, accept: boolean): Promise<void>;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (suggestions.length === 0) return null;
  const decide = (s: SuggestionSnapshot, accept: boolean) => {
    setBusy(s.id);
    setError(null);
    onDecide(s, accept)
      .catch((e: unknown) => setError(errText(e)))
      .finally(() => setBusy(null));
  };
  const statusLabel = { open: '待处理', accepted: '已采纳', rejected: '未采纳' } as const;
  return (
    <ul className="clause__suggestions" aria-label="修改建议">
      {error && <ErrorBanner message={error} onClose={() => setError(null)} />}
      {suggestions.map((s) => (
        <li key={s.id} className={`suggestion suggestion--${s.status}`} data-testid="suggestion" data-status={s.status} data-suggestion-id={s.id}>
          <div className="suggestion__head small">
            <strong>{s.authorName}</strong> 建议{s.kind === 'delete' ? '删除' : s.kind === 'insert' ? '插入' : '修改为'}
            <span className={`badge badge--${s.status === 'open' ? 'amber' : s.status === 'accepted' ? 'green' : 'grey'}`}>{statusLabel[s.status]}</span>
          </div>
          <SuggestionDiff original={s.kind === 'insert' ? '' : renderText(s.original, fields)} text={renderText(s.text, fields)} />
          {canDecide && s.status === 'open' && (
            <div className="suggestion__actions">
              <button
                type="button"
                className="btn btn--small btn--primary"
                data-testid="suggestion-accept"
                disabled={busy === s.id}
                onClick={() => decide(s, true)}
              >
                采纳
              </button>
              <button
                type="button"
                className="btn btn--small btn--outline"
                data-testid="suggestion-reject"
                disabled={busy === s.id}
                onClick={() => decide(s, false)}
              >
                不采纳
              </button>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The suggested change inline: unchanged text plain, removed struck through, added underlined. */
function SuggestionDiff({ original, text }: { original: string; text: string }) {
  const segments = useMemo(() => diffChars(original, text), [original, text]);
  return (
    <p className="suggestion__diff" data-testid="suggestion-diff">
      {segments.map((seg, i) =>
        seg.op === 'equal' ? (
          <span key={i}>{seg.text.length > 40 ? `${seg.text.slice(0, 12)}…${seg.text.slice(-12)}` : seg.text}</span>
        ) : seg.op === 'delete' ? (
          <del key={i} className="suggestion__old">
            {seg.text}
          </del>
        ) : (
          <ins key={i} className="suggestion__new">
            {seg.text}
          </ins>
        ),
      )}
    </p>
  );
}

export function SuggestForm({ initial, onSend, onCancel }: { initial: string; onSend(text: string): Promise<void>; onCancel(): void }) {
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim() || text === initial) {
      setError('请先修改条款文字，再提交建议');
      return;
    }
    setBusy(true);
    setError(null);
    onSend(text)
      .catch((err: unknown) => setError(errText(err)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="clause__suggest" onSubmit={submit}>
      <label className="small muted" htmlFor={id}>
        建议将本条修改为：
      </label>
      <textarea id={id} className="input agreement__text" data-testid="suggest-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      {error && <ErrorBanner message={error} />}
      <div className="clause__suggest-actions">
        <button type="submit" className="btn btn--small btn--primary" data-testid="suggest-send" disabled={busy}>
          {busy ? '正在提交…' : '提交建议'}
        </button>
        <button type="button" className="btn btn--small btn--ghost" onClick={onCancel}>
          取消
        </button>
      </div>
    </form>
  );
}
