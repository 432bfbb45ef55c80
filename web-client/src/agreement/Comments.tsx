// Comments on a clause: the thread and the one-line form to add to it.
import { useState, type FormEvent } from 'react';
import type { CommentSnapshot } from '../../../signaling/agreement/document.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { errText } from './messages.ts';

export function Comments({ comments, onSend }: { comments: CommentSnapshot[]; onSend(text: string): Promise<void> }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    onSend(text.trim())
      .then(() => setText(''))
      .catch((err: unknown) => setError(errText(err)))
      .finally(() => setBusy(false));
  };
  return (
    <div className="clause__comments">
      {comments.length > 0 && (
        <ul className="clause__comment-list" aria-label="意见">
          {comments.map((m) => (
            <li
              key={m.id}
              className={`comment small${m.objection ? ' comment--objection' : ''}`}
              data-testid="comment"
              data-comment-id={m.id}
              data-objection={m.objection ? 'true' : 'false'}
            >
              {m.objection && <span className="comment__objection">异议</span>}
              <strong>{m.authorName}</strong>：{m.text}
            </li>
          ))}
        </ul>
      )}
      <form className="clause__comment-form" onSubmit={submit}>
        <input
          className="input"
          data-testid="comment-text"
          value={text}
          placeholder="对本条发表意见"
          aria-label="对本条发表意见"
          onChange={(e) => setText(e.target.value)}
          maxLength={500}
        />
        <button type="submit" className="btn btn--small btn--outline" data-testid="comment-send" disabled={busy || !text.trim()}>
          发送
        </button>
        {error && <ErrorBanner message={error} />}
      </form>
    </div>
  );
}
